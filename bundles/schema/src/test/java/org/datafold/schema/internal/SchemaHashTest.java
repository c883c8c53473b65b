package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

class SchemaHashTest {

    private static String hash(String json) {
        return SchemaParser.parse(json, "test.json").hash();
    }

    private static String hash(ObjectNode tree) {
        return hash(tree.toString());
    }

    private static final String BASE = SchemaParserTest.PERSON;

    @Test
    void isTheHexSha256OfTheCanonicalContent() {
        String canonical = SchemaHash.canonicalContent(SchemaParser.parse(TestResources.reference("TransformBase.json"),
                "TransformBase.json"));

        assertThat(canonical).isEqualTo("{\"fields\":{"
                + "\"value1\":{\"field_mappers\":{},\"field_type\":\"Single\",\"transform\":null,\"writable\":true},"
                + "\"value2\":{\"field_mappers\":{},\"field_type\":\"Single\",\"transform\":null,\"writable\":true}},"
                + "\"schema_type\":\"Single\"}");
        // sha256sum of the canonical text above
        assertThat(hash(TestResources.reference("TransformBase.json")))
                .isEqualTo("2afa603b0dfd09aaafc5ddc3cdb9f2c12763b4f34af06dfa0c6e6d694627837c");
    }

    @Test
    void keyOrderIsIrrelevant() {
        ObjectNode reordered = TestSchemas.reversed(SchemaParserTest.tree(BASE));

        assertThat(reordered.toString()).isNotEqualTo(SchemaParserTest.tree(BASE).toString());
        assertThat(hash(reordered)).isEqualTo(hash(BASE));
    }

    @Test
    void nameHashPermissionsPaymentsDataReferencesAndTransformOutputAreExcluded() {
        ObjectNode other = SchemaParserTest.tree(BASE);
        other.put("name", "Somebody");
        ((ObjectNode) other.at("/fields/score/transform")).put("output", "Somebody.score");
        other.put("hash", "cafe");
        ((ObjectNode) other.get("payment_config")).put("base_multiplier", 9.5).put("min_payment_threshold", 99);
        ObjectNode age = (ObjectNode) other.at("/fields/age");
        ((ObjectNode) age.get("permission_policy")).put("read_policy", "NoRequirement");
        ((ObjectNode) age.get("permission_policy")).putNull("explicit_read_policy");
        ((ObjectNode) age.get("payment_config")).put("base_multiplier", 7).put("trust_distance_scaling", "None")
                .putNull("min_payment");
        age.put("ref_atom_uuid", "0d6c3c55-1a5e-4c1b-9a55-6b1a2f3c4d5e");

        assertThat(hash(other)).isEqualTo(hash(BASE));
    }

    @Test
    void spelledOutDefaultsAreTheSameContent() {
        ObjectNode explicit = SchemaParserTest.tree(BASE);
        ObjectNode email = (ObjectNode) explicit.at("/fields/email");
        email.put("writable", true);
        email.putNull("transform");
        explicit.set("schema_type", SchemaParserTest.tree("{\"Single\": null}"));
        ObjectNode implicit = SchemaParserTest.tree(BASE);
        implicit.remove("schema_type");
        ((ObjectNode) implicit.at("/fields/age")).remove(List.of("field_mappers", "transform", "writable"));
        ObjectNode spelled = SchemaParserTest.tree(BASE);
        ((ObjectNode) spelled.at("/fields/age")).putObject("field_mappers");

        assertThat(hash(explicit)).isEqualTo(hash(BASE));
        assertThat(hash(implicit)).isEqualTo(hash(BASE));
        assertThat(hash(spelled)).isEqualTo(hash(BASE));
    }

    @Test
    void aRealChangeChangesTheHash() {
        ObjectNode writable = SchemaParserTest.tree(BASE);
        ((ObjectNode) writable.at("/fields/age")).put("writable", false);
        ObjectNode renamedField = SchemaParserTest.tree(BASE);
        ObjectNode fields = (ObjectNode) renamedField.get("fields");
        fields.set("years", fields.remove("age"));
        ObjectNode mapper = SchemaParserTest.tree(BASE);
        ((ObjectNode) mapper.at("/fields/email/field_mappers")).put("Contact", "mail");
        ObjectNode logic = SchemaParserTest.tree(BASE);
        ((ObjectNode) logic.at("/fields/score/transform")).put("logic", "Stats.points * 3");
        ObjectNode inputOrder = SchemaParserTest.tree(BASE);
        ((ObjectNode) inputOrder.at("/fields/score/transform")).putArray("inputs").add("Person.age").add("Stats.points");
        ObjectNode extraField = SchemaParserTest.tree(BASE);
        ((ObjectNode) extraField.get("fields")).set("nickname", extraField.at("/fields/age").deepCopy());

        List<String> hashes = List.of(hash(BASE), hash(writable), hash(renamedField), hash(mapper), hash(logic),
                hash(inputOrder), hash(extraField));

        assertThat(hashes).doesNotHaveDuplicates();
    }

    @Test
    void aRangeKeyChangeChangesTheHash() {
        ObjectNode other = SchemaParserTest.tree(SchemaParserTest.READING);
        ((ObjectNode) other.at("/schema_type/Range")).put("range_key", "value");

        assertThat(hash(other)).isNotEqualTo(hash(SchemaParserTest.READING));
    }
}
