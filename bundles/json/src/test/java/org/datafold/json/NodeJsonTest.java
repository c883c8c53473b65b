package org.datafold.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class NodeJsonTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return M.readTree(s);
    }

    private static void refused(String json, String message) {
        assertThatThrownBy(() -> NodeJson.read(json, "the input", ErrorCode.INVALID_ARGUMENT)).as(json)
                .isInstanceOf(FoldException.class).hasMessage(message)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> NodeJson.read(utf8, "the input", ErrorCode.MALFORMED_REQUEST)).as(json)
                .isInstanceOf(FoldException.class).hasMessage(message)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    }

    @Test
    void strictReadingAcceptsOneValueAmidWhiteSpace() {
        String json = " {\"a\": {\"b\": [1, {\"b\": 2}]}, \"b\": \"\u00e9\"}\n\t ";
        assertThat(NodeJson.read(json, "the input", ErrorCode.INVALID_ARGUMENT).toString())
                .isEqualTo("{\"a\":{\"b\":[1,{\"b\":2}]},\"b\":\"\u00e9\"}");
        assertThat(NodeJson.read(json.getBytes(StandardCharsets.UTF_8), "the input", ErrorCode.INVALID_ARGUMENT))
                .isEqualTo(NodeJson.read(json, "the input", ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void strictReadingRefusesAKeyGivenTwiceAtAnyDepth() {
        refused("{\"a\": 1, \"a\": 2}", "the input has the key 'a' twice in one object, at /a (line 1, column 13)");
        refused("{\"a\": {\"b\": 1, \"b\": 1}}",
                "the input has the key 'b' twice in one object, at /a/b (line 1, column 19)");
        refused("{\"a\": [0, {\"c\": null, \"c\": null}]}",
                "the input has the key 'c' twice in one object, at /a/1/c (line 1, column 26)");
    }

    @Test
    void strictReadingRefusesDataAfterTheValue() {
        refused("{\"a\": 1} {\"a\": 2}", "the input has data after the end of its JSON value (line 1, column 10)");
        refused("{\"a\": 1}\n\n  x", "the input has data after the end of its JSON value (line 3, column 3)");
        refused("{} ,", "the input has data after the end of its JSON value (line 1, column 4)");
        refused("[1] 2", "the input has data after the end of its JSON value (line 1, column 5)");
        refused("{}}", "the input is not valid JSON: Unexpected close marker '}': no open Object to close"
                + " (line 1, column 3)");
    }

    @Test
    void strictReadingRefusesAByteOrderMark() {
        assertThatThrownBy(() -> NodeJson.read("\uFEFF{}", "the input", ErrorCode.INVALID_ARGUMENT))
                .hasMessage("the input starts with a byte-order mark (U+FEFF): give the JSON without one");
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}' };
        assertThatThrownBy(() -> NodeJson.read(bom, "the frame", ErrorCode.MALFORMED_REQUEST))
                .hasMessage("the frame starts with a byte-order mark (EF BB BF): send UTF-8 JSON without one")
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.MALFORMED_REQUEST));
    }

    @Test
    void strictReadingRefusesOtherEncodings() {
        for (String charset : List.of("UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE")) {
            byte[] bytes = "{\"a\": 1}".getBytes(java.nio.charset.Charset.forName(charset));
            assertThatThrownBy(() -> NodeJson.read(bytes, "the frame", ErrorCode.MALFORMED_REQUEST)).as(charset)
                    .hasMessageStartingWith("the frame is not UTF-8 JSON: byte ")
                    .hasMessageEndingWith(" (UTF-16 or UTF-32 text?)");
        }
        byte[] latin1 = "{\"a\": \"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> NodeJson.read(latin1, "the frame", ErrorCode.MALFORMED_REQUEST))
                .hasMessageStartingWith("the frame is not valid JSON: Invalid UTF-8");
    }

    @Test
    void strictReadingRefusesEmptyAndInvalidDocuments() {
        refused("", "the input is empty: a JSON value is expected");
        refused(" \n ", "the input is empty: a JSON value is expected");
        assertThatThrownBy(() -> NodeJson.read("{\"a\": }", "the input", ErrorCode.INVALID_ARGUMENT))
                .hasMessageStartingWith("the input is not valid JSON: Unexpected character ('}' (code 125))")
                .hasMessageEndingWith("(line 1, column 7)");
        assertThatThrownBy(() -> NodeJson.read((String) null, "the input", ErrorCode.INVALID_ARGUMENT))
                .hasMessage("the input is empty: a JSON value is expected");
    }

    @Test
    void everyFilterFormParses() throws Exception {
        assertThat(NodeJson.filter(json("{\"Key\": \"k\"}"))).isEqualTo(new RangeFilter.Key("k"));
        assertThat(NodeJson.filter(json("{\"Key\": 7}"))).isEqualTo(new RangeFilter.Key("7"));
        assertThat(NodeJson.filter(json("{\"KeyPrefix\": \"p\"}"))).isEqualTo(new RangeFilter.KeyPrefix("p"));
        assertThat(NodeJson.filter(json("{\"KeyRange\": {\"start\": \"a\", \"end\": \"m\"}}")))
                .isEqualTo(new RangeFilter.KeyRange("a", "m"));
        assertThat(NodeJson.filter(json("{\"Keys\": [\"a\", true]}"))).isEqualTo(new RangeFilter.Keys(List.of("a", "true")));
        assertThat(NodeJson.filter(json("{\"KeyPattern\": \"a*\"}"))).isEqualTo(new RangeFilter.KeyPattern("a*"));
    }

    @Test
    void badFiltersAreInvalidArguments() {
        for (String bad : List.of("[]", "{}", "{\"Key\": \"a\", \"KeyPrefix\": \"b\"}", "{\"Nope\": 1}",
                "{\"KeyRange\": {\"start\": \"a\"}}", "{\"Keys\": \"a\"}", "{\"Key\": null}", "{\"Key\": {}}")) {
            assertThatThrownBy(() -> NodeJson.filter(json(bad))).as(bad).isInstanceOf(FoldException.class)
                    .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
        assertThatThrownBy(() -> NodeJson.filter(json("{\"Nope\": 1}"))).hasMessage(
                "unknown filter 'Nope' (use Key, KeyPrefix, KeyRange, Keys or KeyPattern)");
    }

    @Test
    void outcomesOfEveryKind() {
        Map<String, FieldOutcome> fields = new LinkedHashMap<>();
        fields.put("a", FieldOutcome.ok("x", "u1", List.of()));
        fields.put("b", FieldOutcome.noValue());
        fields.put("c", FieldOutcome.denied("read of c needs distance <= 1"));
        fields.put("d", FieldOutcome.ok(null, "u2", List.of()));
        assertThat(NodeJson.queryResult(new QueryResult("S", List.of(new QueryResult.Row(null, fields))), false)
                .toString()).isEqualTo("{\"schema\":\"S\",\"fields\":{"
                        + "\"a\":{\"value\":\"x\",\"atom_uuid\":\"u1\"},"
                        + "\"b\":{\"status\":\"NO_VALUE\"},"
                        + "\"c\":{\"status\":\"DENIED\",\"code\":\"PERMISSION_DENIED\",\"message\":\"read of c needs distance <= 1\"},"
                        + "\"d\":{\"value\":null,\"atom_uuid\":\"u2\"}}}");
    }

    @Test
    void rangeResultsAreGroupedByKey() {
        QueryResult r = new QueryResult("R", List.of(
                new QueryResult.Row("k1", Map.of("v", FieldOutcome.ok(1, "u1", List.of()))),
                new QueryResult.Row("k2", Map.of("v", FieldOutcome.ok(2, "u2", List.of())))));
        assertThat(NodeJson.queryResult(r, true).toString()).isEqualTo("{\"schema\":\"R\",\"rows\":{"
                + "\"k1\":{\"v\":{\"value\":1,\"atom_uuid\":\"u1\"}},\"k2\":{\"v\":{\"value\":2,\"atom_uuid\":\"u2\"}}}}");
    }

    @Test
    void historyAndMutationResults() {
        AtomVersion v = new AtomVersion("u2", "S", "f", "k", "owner", Instant.parse("2026-01-01T00:00:00Z"), "u1",
                Map.of("n", 1), AtomVersion.Status.ACTIVE);
        assertThat(NodeJson.history(List.of(v)).toString()).isEqualTo("[{\"uuid\":\"u2\",\"value\":{\"n\":1},"
                + "\"status\":\"ACTIVE\",\"created_at\":\"2026-01-01T00:00:00Z\",\"source\":\"owner\",\"prev\":\"u1\","
                + "\"range_key\":\"k\"}]");
        assertThat(NodeJson.mutationResult(new MutationResult("S", null, Map.of("f", "u3"))).toString())
                .isEqualTo("{\"schema\":\"S\",\"atoms\":{\"f\":\"u3\"}}");
    }
}
