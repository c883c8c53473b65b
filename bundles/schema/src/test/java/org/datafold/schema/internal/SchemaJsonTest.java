package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.Schema;
import org.datafold.json.NodeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

class SchemaJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {"TransformBase.json", "TransformSchema.json", "UserScores.json", "UserProfile2.json"})
    void theWrittenFormParsesBackToTheSameSchema(String file) {
        Schema schema = SchemaParser.parse(TestResources.reference(file), file);

        Schema again = SchemaParser.parse(NodeJson.schema(schema, false).toString(), "written");

        assertThat(again).isEqualTo(schema);
        assertThat(List.copyOf(again.fields().keySet())).containsExactlyElementsOf(schema.fields().keySet());
    }

    @Test
    void theWrittenFormOfTheGoldenSchemaParsesBack() {
        Schema schema = SchemaParser.parse(SchemaParserTest.PERSON, "Person.json");

        assertThat(SchemaParser.parse(NodeJson.schema(schema, false).toString(), "written"))
                .isEqualTo(schema);
    }

    @Test
    void withNodeKeysTheHashAndDataReferencesAreWrittenAndIgnoredWhenReadBack() {
        Schema schema = SchemaParser.parse(SchemaParserTest.READING, "Reading.json");
        FieldDefinition sensor = schema.field("sensor").withRef("ref-1");
        Schema withRef = new Schema(schema.name(), schema.type(),
                java.util.Map.of("sensor", sensor, "value", schema.field("value")), schema.payment(), schema.hash());

        ObjectNode json = NodeJson.schema(withRef, true);

        assertThat(json.get("hash").textValue()).isEqualTo(schema.hash());
        assertThat(json.at("/fields/sensor/ref_atom_uuid").textValue()).isEqualTo("ref-1");
        assertThat(json.at("/fields/value/ref_atom_uuid").isNull()).isTrue();
        assertThat(SchemaParser.parse(json.toString(), "written").field("sensor").refAtomUuid()).isNull();
    }

    @Test
    void theWrittenFormUsesTheShortFormsAndSpellsOutEveryKey() {
        Schema schema = SchemaParser.parse(TestResources.reference("UserProfile2.json"), "UserProfile2.json");

        ObjectNode json = NodeJson.schema(schema, false);

        assertThat(json.get("schema_type").textValue()).isEqualTo("Single");
        assertThat(json.at("/fields/user_name/permission_policy/read_policy").textValue()).isEqualTo("NoRequirement");
        assertThat(json.at("/fields/user_name/payment_config/trust_distance_scaling").textValue()).isEqualTo("None");
        assertThat(json.at("/fields/user_name/writable").booleanValue()).isTrue();
        assertThat(json.at("/fields/user_name/transform").isNull()).isTrue();
        assertThat(json.has("hash")).isFalse();
    }

    @Test
    void canonicalJsonSortsKeysDropsWhitespaceAndNormalizesNumbers() {
        ObjectNode tree = SchemaParserTest.tree("""
                { "b": [3, 1.0, 1.50, 0.0, -0.0, 1e2, 2.5E-3, 12345678901234567890],
                  "a": {"z": "\\u00e9\\n", "y": true, "x": null} }
                """);

        assertThat(SchemaJson.canonical(tree)).isEqualTo(
                "{\"a\":{\"x\":null,\"y\":true,\"z\":\"\u00e9\\n\"},\"b\":[3,1,1.5,0,0,100,0.0025,12345678901234567890]}");
    }
}
