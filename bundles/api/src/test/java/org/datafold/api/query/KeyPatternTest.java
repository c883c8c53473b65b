package org.datafold.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyPatternTest {

    @Test
    void starMatchesAnyRunIncludingNone() {
        assertThat(new RangeFilter.KeyPattern("*").matches("")).isTrue();
        assertThat(new RangeFilter.KeyPattern("*").matches("anything at all")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a*z").matches("az")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a*z").matches("a-b-z")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a*z").matches("a-b-zz")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a*z").matches("a-b-z-")).isFalse();
        assertThat(new RangeFilter.KeyPattern("*a*b*").matches("xxaxxbxx")).isTrue();
        assertThat(new RangeFilter.KeyPattern("*a*b*").matches("xxbxxaxx")).isFalse();
    }

    @Test
    void questionMarkMatchesExactlyOneCodePoint() {
        assertThat(new RangeFilter.KeyPattern("?").matches("a")).isTrue();
        assertThat(new RangeFilter.KeyPattern("?").matches("")).isFalse();
        assertThat(new RangeFilter.KeyPattern("?").matches("ab")).isFalse();
        assertThat(new RangeFilter.KeyPattern("?").matches("😀")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a?c").matches("a😀c")).isTrue();
    }

    @Test
    void wildcardCharactersInTheKeyAreMatchedByWildcards() {
        assertThat(new RangeFilter.KeyPattern("*").matches("*x")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a*").matches("a*b")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a*b").matches("a*xb")).isTrue();
        assertThat(new RangeFilter.KeyPattern("?").matches("*")).isTrue();
        assertThat(new RangeFilter.KeyPattern("a?").matches("a?")).isTrue();
    }

    @Test
    void otherCharactersMatchOnlyThemselvesOverTheWholeKey() {
        assertThat(new RangeFilter.KeyPattern("a.c").matches("abc")).isFalse();
        assertThat(new RangeFilter.KeyPattern("a.c").matches("a.c")).isTrue();
        assertThat(new RangeFilter.KeyPattern("abc").matches("abcd")).isFalse();
        assertThat(new RangeFilter.KeyPattern("bcd").matches("abcd")).isFalse();
        assertThat(new RangeFilter.KeyPattern("").matches("")).isTrue();
        assertThat(new RangeFilter.KeyPattern("").matches("a")).isFalse();
        assertThat(new RangeFilter.KeyPattern("A").matches("a")).isFalse();
    }

    @Test
    void theLiteralPrefixEndsAtTheFirstWildcard() {
        assertThat(new RangeFilter.KeyPattern("user-*-?").literalPrefix()).isEqualTo("user-");
        assertThat(new RangeFilter.KeyPattern("ab?c").literalPrefix()).isEqualTo("ab");
        assertThat(new RangeFilter.KeyPattern("*").literalPrefix()).isEmpty();
        assertThat(new RangeFilter.KeyPattern("plain").literalPrefix()).isEqualTo("plain");
    }
}
