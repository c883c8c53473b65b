package org.datafold.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
