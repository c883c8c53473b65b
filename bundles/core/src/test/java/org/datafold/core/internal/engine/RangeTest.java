package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Range schemas: rows keyed by the range key, isolated from each other, and every filter. */
class RangeTest extends EngineFixture {

    @BeforeEach
    void schemas() {
        registry.approved(TestSchemas.range("Event", "day").field("title", "place").build());
    }

    private QueryResult query(RangeFilter filter, String... fields) {
        return engine.query(OWNER, Query.of("Event", List.of(fields), filter));
    }

    private List<String> rowKeys(RangeFilter filter) {
        return query(filter, "title").rows().stream().map(QueryResult.Row::rangeKey).toList();
    }

    private void rows(String... keys) {
        for (String key : keys) {
            create("Event", "day", key, "title", "t-" + key);
        }
    }

    @Test
    void aRangeMutationWritesTheRowIncludingItsRangeKeyField() {
        MutationResult result = create("Event", "day", "2024-05-01", "title", "Launch");

        assertThat(result.rangeKey()).isEqualTo("2024-05-01");
        assertThat(result.atoms()).containsOnlyKeys("day", "title");
        QueryResult q = query(null, "day", "title", "place");
        assertThat(q.rows()).hasSize(1);
        QueryResult.Row row = q.rows().get(0);
        assertThat(row.rangeKey()).isEqualTo("2024-05-01");
        assertThat(row.fields().get("day").value()).isEqualTo("2024-05-01");
        assertThat(row.fields().get("title").value()).isEqualTo("Launch");
        assertThat(row.fields().get("place").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
        assertThat(history("Event", "title", "2024-05-01")).singleElement()
                .satisfies(v -> assertThat(v.rangeKey()).isEqualTo("2024-05-01"));
    }

    @Test
    void theRangeKeyFieldIsWrittenOnceWithItsRow() {
        create("Event", "day", "a", "title", "A1");
        MutationResult update = update("Event", "day", "a", "title", "A2");
        MutationResult again = create("Event", "day", "a");

        assertThat(update.atoms()).containsOnlyKeys("title");
        assertThat(again.atoms()).isEmpty();
        assertThat(history("Event", "day", "a")).hasSize(1);
        assertThat(contents(history("Event", "title", "a"))).containsExactly("A2", "A1");

        delete("Event", "day", "a");
        MutationResult revived = create("Event", "day", "a", "title", "A3");

        assertThat(revived.atoms()).containsOnlyKeys("day", "title");
        assertThat(contents(history("Event", "day", "a"))).containsExactly("a", null, "a");
    }

    @Test
    void rowsAreIsolatedFromEachOther() {
        create("Event", "day", "a", "title", "A1");
        create("Event", "day", "b", "title", "B1");
        update("Event", "day", "a", "title", "A2");

        assertThat(contents(history("Event", "title", "a"))).containsExactly("A2", "A1");
        assertThat(contents(history("Event", "title", "b"))).containsExactly("B1");
        QueryResult q = query(null, "title");
        assertThat(q.rows()).extracting(QueryResult.Row::rangeKey).containsExactly("a", "b");
        assertThat(q.rows()).extracting(r -> r.fields().get("title").value()).containsExactly("A2", "B1");
    }

    @Test
    void numbersAndBooleansKeyRowsByTheirText() {
        assertThat(create("Event", "day", 7, "title", "seven").rangeKey()).isEqualTo("7");
        assertThat(create("Event", "day", 2.5, "title", "two and a half").rangeKey()).isEqualTo("2.5");
        assertThat(create("Event", "day", true, "title", "yes").rangeKey()).isEqualTo("true");
        assertThat(create("Event", "day", 7L, "title", "seven again").rangeKey()).isEqualTo("7");

        QueryResult q = query(new RangeFilter.Key("7"), "day", "title");
        assertThat(q.rows()).singleElement().satisfies(row -> {
            // The range key field keeps the value as written; the row is keyed by its text.
            assertThat(row.fields().get("day").value()).isEqualTo(7);
            assertThat(row.fields().get("title").value()).isEqualTo("seven again");
        });
        assertThat(rowKeys(null)).containsExactly("2.5", "7", "true");
    }

    @Test
    void aRangeMutationWithoutAUsableRangeKeyIsRefused() {
        assertThatThrownBy(() -> create("Event", "title", "no day"))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
                    assertThat(e.getMessage()).contains("range key field 'day'");
                    assertThat(e.context()).containsEntry("field", "day");
                });
        for (Object bad : Arrays.asList("", "   ", "\t\n", null, List.of("a"), Map.of("a", 1))) {
            assertThatThrownBy(() -> create("Event", "day", bad, "title", "x"))
                    .as("range key %s", bad)
                    .isInstanceOfSatisfying(FoldException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
                        assertThat(e.getMessage()).contains("Event.day");
                    });
        }
        String tooLong = "k".repeat(FoldEngine.MAX_RANGE_KEY_BYTES + 1);
        assertThatThrownBy(() -> create("Event", "day", tooLong, "title", "x"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        assertThat(rowKeys(null)).isEmpty();
    }

    @Test
    void anUpdateOfARowNeverCreatedIsRefused() {
        create("Event", "day", "a", "title", "A");

        assertThatThrownBy(() -> update("Event", "day", "b", "title", "B"))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NO_VALUE);
                    assertThat(e.context()).containsEntry("rangeKey", "b");
                });
        assertThat(rowKeys(null)).containsExactly("a");
    }

    @Test
    void deletingAFieldOfARowKeepsTheRowAndItsOtherFields() {
        create("Event", "day", "a", "title", "A", "place", "Paris");

        MutationResult deleted = delete("Event", "day", "a", "place", null);

        assertThat(deleted.atoms()).containsOnlyKeys("place");
        QueryResult.Row row = query(new RangeFilter.Key("a"), "day", "title", "place").rows().get(0);
        assertThat(row.fields().get("day").value()).isEqualTo("a");
        assertThat(row.fields().get("title").value()).isEqualTo("A");
        assertThat(row.fields().get("place").status()).isEqualTo(FieldOutcome.Status.OK);
        assertThat(row.fields().get("place").value()).isNull();
        assertThat(history("Event", "place", "a")).extracting(AtomVersion::status)
                .containsExactly(AtomVersion.Status.DELETED, AtomVersion.Status.ACTIVE);
    }

    @Test
    void deletingWithOnlyTheRangeKeyDeletesTheWholeRow() {
        create("Event", "day", "a", "title", "A");
        create("Event", "day", "b", "title", "B");

        MutationResult deleted = delete("Event", "day", "a");

        // place never had a value in row a, so only day and title get a Deleted atom.
        assertThat(deleted.atoms()).containsOnlyKeys("day", "title");
        QueryResult.Row row = query(new RangeFilter.Key("a"), "day", "title").rows().get(0);
        assertThat(row.fields().values()).allSatisfy(o -> assertThat(o.value()).isNull());
        assertThat(history("Event", "day", "a").get(0).status()).isEqualTo(AtomVersion.Status.DELETED);
        assertThat(query(new RangeFilter.Key("b"), "title").rows().get(0).fields().get("title").value()).isEqualTo("B");
        assertThatThrownBy(() -> delete("Event", "day", "never"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_VALUE));
    }

    @Test
    void theHistoryOfARangeFieldNeedsARangeKey() {
        create("Event", "day", "a", "title", "A");

        assertThatThrownBy(() -> history("Event", "title", null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        assertThatThrownBy(() -> history("Event", "title", " "))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        assertThat(history("Event", "title", "zzz")).isEmpty();
    }

    @Test
    void keyFilterSelectsOneRowOrNone() {
        rows("a", "b", "c");

        assertThat(rowKeys(new RangeFilter.Key("b"))).containsExactly("b");
        assertThat(rowKeys(new RangeFilter.Key("x"))).isEmpty();
        assertThat(rowKeys(new RangeFilter.Key(""))).isEmpty();
        assertThat(rowKeys(new RangeFilter.Key("\uD800"))).isEmpty();
        assertThat(rowKeys(new RangeFilter.Key("k".repeat(2000)))).isEmpty();
    }

    @Test
    void keyPrefixFilterSelectsTheKeysStartingWithIt() {
        rows("user-1", "user-2", "user", "admin-1", "users");

        assertThat(rowKeys(new RangeFilter.KeyPrefix("user-"))).containsExactly("user-1", "user-2");
        assertThat(rowKeys(new RangeFilter.KeyPrefix("user"))).containsExactly("user", "user-1", "user-2", "users");
        assertThat(rowKeys(new RangeFilter.KeyPrefix(""))).containsExactly("admin-1", "user", "user-1", "user-2", "users");
        assertThat(rowKeys(new RangeFilter.KeyPrefix("zzz"))).isEmpty();
    }

    @Test
    void keyRangeFilterIncludesItsStartAndExcludesItsEnd() {
        rows("2024-01-31", "2024-02-01", "2024-02-15", "2024-02-29", "2024-03-01");

        assertThat(rowKeys(new RangeFilter.KeyRange("2024-02-01", "2024-03-01")))
                .containsExactly("2024-02-01", "2024-02-15", "2024-02-29");
        assertThat(rowKeys(new RangeFilter.KeyRange("2024-02-01", "2024-02-01"))).isEmpty();
        assertThat(rowKeys(new RangeFilter.KeyRange("2024-03-01", "2024-01-01"))).isEmpty();
        assertThat(rowKeys(new RangeFilter.KeyRange("", "2024-02"))).containsExactly("2024-01-31");
        assertThat(rowKeys(new RangeFilter.KeyRange("a", "b"))).isEmpty();
    }

    @Test
    void keysFilterSelectsTheNamedRowsInKeyOrder() {
        rows("a", "b", "c", "d");

        assertThat(rowKeys(new RangeFilter.Keys(List.of("d", "x", "b", "d")))).containsExactly("b", "d");
        assertThat(rowKeys(new RangeFilter.Keys(List.of()))).isEmpty();
    }

    @Test
    void keyPatternStarAloneMatchesEveryRow() {
        rows("a", "b*c", "x?y");

        assertThat(rowKeys(new RangeFilter.KeyPattern("*"))).containsExactly("a", "b*c", "x?y");
        assertThat(rowKeys(new RangeFilter.KeyPattern("**"))).containsExactly("a", "b*c", "x?y");
    }

    @Test
    void keyPatternQuestionMarkMatchesExactlyOneCharacter() {
        rows("a", "ab", "abc", "a😀");

        assertThat(rowKeys(new RangeFilter.KeyPattern("a?"))).containsExactly("ab", "a😀");
        assertThat(rowKeys(new RangeFilter.KeyPattern("???"))).containsExactly("abc");
        assertThat(rowKeys(new RangeFilter.KeyPattern("?*"))).containsExactly("a", "ab", "abc", "a😀");
        assertThat(rowKeys(new RangeFilter.KeyPattern("a?*"))).containsExactly("ab", "abc", "a😀");
    }

    @Test
    void keyPatternMatchesOtherCharactersLiterallyOverTheWholeKey() {
        rows("a.c", "abc", "[a]", "a+c", "xa.cx", "A.C");

        assertThat(rowKeys(new RangeFilter.KeyPattern("a.c"))).containsExactly("a.c");
        assertThat(rowKeys(new RangeFilter.KeyPattern("[a]"))).containsExactly("[a]");
        assertThat(rowKeys(new RangeFilter.KeyPattern("a+c"))).containsExactly("a+c");
        assertThat(rowKeys(new RangeFilter.KeyPattern("*a.c*"))).containsExactly("a.c", "xa.cx");
        assertThat(rowKeys(new RangeFilter.KeyPattern("a*c"))).containsExactly("a+c", "a.c", "abc");
    }

    @Test
    void anEmptyKeyPatternMatchesNoRow() {
        rows("a", "b");

        assertThat(rowKeys(new RangeFilter.KeyPattern(""))).isEmpty();
    }

    @Test
    void keyPatternWildcardsMatchKeysContainingWildcardCharacters() {
        rows("a*b", "a?b", "axb", "a**", "ab");

        // Without an escape, '*' and '?' in a pattern are always wildcards; they also match
        // those characters in a key.
        assertThat(rowKeys(new RangeFilter.KeyPattern("a*b"))).containsExactly("a*b", "a?b", "ab", "axb");
        assertThat(rowKeys(new RangeFilter.KeyPattern("a?b"))).containsExactly("a*b", "a?b", "axb");
        assertThat(rowKeys(new RangeFilter.KeyPattern("a*"))).containsExactly("a**", "a*b", "a?b", "ab", "axb");
        assertThat(rowKeys(new RangeFilter.KeyPattern("*b"))).containsExactly("a*b", "a?b", "ab", "axb");
        assertThat(rowKeys(new RangeFilter.KeyPattern("a**"))).containsExactly("a**", "a*b", "a?b", "ab", "axb");
        assertThat(rowKeys(new RangeFilter.KeyPattern("?**"))).containsExactly("a**", "a*b", "a?b", "ab", "axb");
    }

    @Test
    void rowsComeInCodePointOrder() {
        // U+FF21 sorts before U+1F600 by code point (and UTF-8 bytes), after it in UTF-16 units.
        rows("b", "😀", "Ａ", "a", "B");

        assertThat(rowKeys(null)).containsExactly("B", "a", "b", "Ａ", "😀");
        assertThat(rowKeys(new RangeFilter.Keys(List.of("😀", "Ａ", "a")))).containsExactly("a", "Ａ", "😀");
    }

    @Test
    void aRowIsFoundThroughAnyRequestedFieldOrTheRangeKeyField() {
        create("Event", "day", "a", "title", "A");

        QueryResult q = query(null, "place");

        // The row exists (its range key field has a value) even though place has none.
        assertThat(q.rows()).singleElement().satisfies(row -> {
            assertThat(row.rangeKey()).isEqualTo("a");
            assertThat(row.fields().get("place").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
        });
        assertThat(query(null, "nope").rows()).singleElement()
                .satisfies(row -> assertThat(row.fields().get("nope").code()).isEqualTo(ErrorCode.FIELD_NOT_FOUND));
    }
}
