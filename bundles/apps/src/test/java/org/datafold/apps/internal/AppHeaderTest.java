package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AppHeaderTest {

    @Test
    void idAndQuotedName() {
        AppHeader h = AppHeader.parse("notes;name=\"Notes; and more, too\"");
        assertThat(h.id()).isEqualTo("notes");
        assertThat(h.name()).isEqualTo("Notes; and more, too");
        assertThat(h.key()).isNull();
    }

    @Test
    void unquotedNameAndSpaces() {
        AppHeader h = AppHeader.parse("  my-app.v2_x ; name = Diary ");
        assertThat(h.id()).isEqualTo("my-app.v2_x");
        assertThat(h.name()).isEqualTo("Diary");
    }

    @Test
    void missingNameIsTheId() {
        assertThat(AppHeader.parse("notes").name()).isEqualTo("notes");
        assertThat(AppHeader.parse("notes;name=\"\"").name()).isEqualTo("notes");
    }

    @Test
    void escapedQuoteInName() {
        assertThat(AppHeader.parse("notes;name=\"The \\\"best\\\" notes\"").name()).isEqualTo("The \"best\" notes");
    }

    @Test
    void declaredKeyIsNormalized() {
        String key = Fakes.newKey();
        assertThat(AppHeader.parse("notes;name=\"Notes\";key=\"ed25519:" + key + "\"").key()).isEqualTo(key);
        assertThat(AppHeader.parse("notes;key=" + key).key()).isEqualTo(key);
    }

    @Test
    void directivesAndUnknownAttributesAreIgnored() {
        AppHeader h = AppHeader.parse("notes;color=blue;mode:=fast;name=N");
        assertThat(h.name()).isEqualTo("N");
    }

    @Test
    void badIdsAreRefusedNamingTheRule() {
        for (String bad : new String[] { "Notes", "-notes", ".x", "no tes", "n/otes", "a".repeat(65), "" }) {
            assertThatThrownBy(() -> AppHeader.parse(bad + ";name=x"))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> AppHeader.parse("Notes")).hasMessageContaining("[a-z0-9][a-z0-9._-]{0,63}");
        assertThat(AppHeader.parse("a".repeat(64)).id()).hasSize(64);
        assertThat(AppHeader.parse("0day").id()).isEqualTo("0day");
    }

    @Test
    void malformedHeadersAreRefused() {
        assertThatThrownBy(() -> AppHeader.parse(null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> AppHeader.parse("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> AppHeader.parse("a, b")).hasMessageContaining("one app");
        assertThatThrownBy(() -> AppHeader.parse("a;name=\"x")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> AppHeader.parse("a;name=\"x\"y")).hasMessageContaining("after a quoted value");
        assertThatThrownBy(() -> AppHeader.parse("a;name")).hasMessageContaining("name=value");
        assertThatThrownBy(() -> AppHeader.parse("a;name=x;name=y")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AppHeader.parse("a;key=\"abc\"")).hasMessageContaining("key:");
    }
}
