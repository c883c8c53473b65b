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
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;
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

    private static SchemaInfo reading() {
        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        fields.put("ts", new FieldDefinition(FieldType.RANGE,
                new PermissionPolicy(Policy.NO_REQUIREMENT, Policy.distance(0), Map.of("k1", 2), Map.of()),
                new FieldPaymentConfig(1.0, TrustDistanceScaling.NONE, null), Map.of(), null, true, "ref-ts"));
        fields.put("avg", new FieldDefinition(FieldType.RANGE,
                new PermissionPolicy(Policy.distance(1), Policy.distance(0), Map.of(), Map.of()),
                new FieldPaymentConfig(2.5, TrustDistanceScaling.linear(0.5, 1, 1), 10L), Map.of(),
                new TransformDefinition(List.of("Reading.ts"), "Reading.ts", "Reading.avg"), false, "ref-avg"));
        Schema schema = new Schema("Reading", SchemaType.range("ts"), fields, new SchemaPaymentConfig(1.0, 0), "h1");
        return new SchemaInfo(schema, SchemaState.APPROVED, "file:/srv/schemas/Reading.json");
    }

    @Test
    void aSchemaIsWrittenInTheSchemaFileForm() {
        assertThat(NodeJson.schema(reading().schema(), false).toString()).isEqualTo("{\"name\":\"Reading\","
                + "\"schema_type\":{\"Range\":{\"range_key\":\"ts\"}},\"fields\":{"
                + "\"ts\":{\"field_type\":\"Range\",\"permission_policy\":{\"read_policy\":\"NoRequirement\","
                + "\"write_policy\":{\"Distance\":0},\"explicit_read_policy\":{\"counts_by_pub_key\":{\"k1\":2}},"
                + "\"explicit_write_policy\":null},\"payment_config\":{\"base_multiplier\":1.0,"
                + "\"trust_distance_scaling\":\"None\",\"min_payment\":null},\"field_mappers\":{},\"transform\":null,"
                + "\"writable\":true},"
                + "\"avg\":{\"field_type\":\"Range\",\"permission_policy\":{\"read_policy\":{\"Distance\":1},"
                + "\"write_policy\":{\"Distance\":0},\"explicit_read_policy\":null,\"explicit_write_policy\":null},"
                + "\"payment_config\":{\"base_multiplier\":2.5,\"trust_distance_scaling\":{\"Linear\":{\"slope\":0.5,"
                + "\"intercept\":1.0,\"min_factor\":1.0}},\"min_payment\":10},\"field_mappers\":{},"
                + "\"transform\":{\"inputs\":[\"Reading.ts\"],\"logic\":\"Reading.ts\",\"output\":\"Reading.avg\"},"
                + "\"writable\":false}},"
                + "\"payment_config\":{\"base_multiplier\":1.0,\"min_payment_threshold\":0}}");
        JsonNode withNodeKeys = NodeJson.schema(reading().schema(), true);
        assertThat(withNodeKeys.path("hash").asText()).isEqualTo("h1");
        assertThat(withNodeKeys.path("fields").path("avg").path("ref_atom_uuid").asText()).isEqualTo("ref-avg");
    }

    @Test
    void theOwnerSeesWhereASchemaCameFromAndItsDataReferencesAppsDoNot() {
        JsonNode owner = NodeJson.schema(reading(), true);
        assertThat(owner.properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("name", "state", "source", "schema_type", "fields", "payment_config", "hash");
        assertThat(owner.path("state").asText()).isEqualTo("Approved");
        assertThat(owner.path("source").asText()).isEqualTo("file:/srv/schemas/Reading.json");
        assertThat(owner.path("fields").path("ts").path("ref_atom_uuid").asText()).isEqualTo("ref-ts");

        JsonNode app = NodeJson.schema(reading(), false);
        assertThat(app.properties().stream().map(Map.Entry::getKey).toList())
                .containsExactly("name", "state", "schema_type", "fields", "payment_config", "hash");
        assertThat(app.path("fields").path("ts").has("ref_atom_uuid")).isFalse();
        assertThat(app.path("fields").path("ts").path("permission_policy").path("read_policy").asText())
                .isEqualTo("NoRequirement");
    }

    @Test
    void valuesArePlainJavaAndPrettyPrintingIndents() throws Exception {
        assertThat(NodeJson.values(json("{\"t\": \"hi\", \"n\": [1, true, null]}")))
                .isEqualTo(new LinkedHashMap<>(Map.of("t", "hi", "n", java.util.Arrays.asList(1, true, null))));
        assertThatThrownBy(() -> NodeJson.values(json("[1]"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(NodeJson.pretty(json("{\"a\": 1}"))).isEqualTo("{\n  \"a\" : 1\n}");
    }
}
