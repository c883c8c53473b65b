package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.datafold.json.NodeJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * The JSON Schema of the format shipped in the bundle ({@code schema-format.json}) agrees with
 * the parser: what the parser accepts validates, and every golden rule the JSON Schema can
 * express is refused by both.
 */
class SchemaFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The node's example schemas, shipped in the runtime's {@code schemas/} folder. */
    static final Path EXAMPLES = Path.of("../../schemas");

    /** Rules that only the parser checks (they relate values to names elsewhere in the file). */
    private static final Set<String> PARSER_ONLY_PATHS = Set.of(
            "$.schema_type.Range.range_key must name a field of the schema (was \"id\")",
            "$.fields.email.field_mappers.Person must name another schema (a field cannot map to a field of its "
                    + "own schema)",
            "$.fields.score.transform.inputs[1] must not be the field itself (was \"Person.score\")",
            "$.fields.score.transform.output must be \"Person.score\", the field that carries the transform (was "
                    + "\"Person.age\")",
            "$.fields.score.transform.output must be \"Person.score\", the field that carries the transform (was "
                    + "\"Stats.score\")");

    private static JsonNode format;
    private static com.networknt.schema.Schema validator;

    @BeforeAll
    static void loadTheFormat() throws IOException {
        try (InputStream in = SchemaParser.class.getResourceAsStream("/schema-format.json")) {
            assertThat(in).as("schema-format.json in the bundle").isNotNull();
            format = JSON.readTree(in);
        }
        validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(format);
    }

    private static List<Error> validate(String json) {
        try {
            return validator.validate(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void declaresDraft2020_12() {
        assertThat(format.get("$schema").textValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TransformBase.json", "TransformSchema.json", "UserScores.json", "UserProfile2.json"})
    void theLoadableReferenceSchemasValidate(String file) {
        assertThat(validate(TestResources.reference(file))).isEmpty();
    }

    @Test
    void userIsRefusedForItsCollectionField() {
        assertThat(validate(TestResources.reference("User.json")))
                .anySatisfy(e -> assertThat(e.getInstanceLocation().toString()).contains("roles"));
    }

    @Test
    void theGoldenSchemasValidate() {
        assertThat(validate(SchemaParserTest.PERSON)).isEmpty();
        assertThat(validate(SchemaParserTest.READING)).isEmpty();
    }

    @Test
    void theExampleSchemasOfTheNodeValidateAndParse() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (Path file : files) {
            String json = Files.readString(file);
            assertThat(validate(json)).as(file.toString()).isEmpty();
            assertThat(SchemaParser.parse(json, file.getFileName().toString()).name())
                    .isEqualTo(file.getFileName().toString().replace(".json", ""));
        }
    }

    @Test
    void theCompleteExampleOfTheDocumentationIsValid() throws IOException {
        String doc = Files.readString(Path.of("../../docs/schemas.md"));
        int start = doc.indexOf("```json\n") + "```json\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));

        assertThat(validate(example)).isEmpty();
        var schema = SchemaParser.parse(example, "docs/schemas.md");
        assertThat(schema.fields()).containsOnlyKeys("name", "email", "greeting");
        assertThat(schema.field("greeting").transform()).isNotNull();
    }

    @Test
    void theWrittenFormValidates() {
        for (String file : List.of("TransformSchema.json", "UserScores.json", "UserProfile2.json")) {
            var schema = SchemaParser.parse(TestResources.reference(file), file);
            assertThat(validate(NodeJson.schema(schema, true).toString())).as(file).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void everyGoldenRuleThatJsonSchemaCanExpressIsRefusedByIt(Consumer<ObjectNode> breakIt, String base, String path,
            String rule) {
        ObjectNode tree = SchemaParserTest.tree(base);
        breakIt.accept(tree);

        List<Error> errors = validate(tree.toString());

        if (PARSER_ONLY_PATHS.contains(path + " " + rule)) {
            assertThat(errors).as("not expressible in JSON Schema").isEmpty();
        } else {
            assertThat(errors).as("refused by the JSON Schema").isNotEmpty();
        }
    }

    static Stream<Arguments> brokenRules() {
        return SchemaParserTest.brokenRules();
    }

    @Test
    void listsTheSameKeysAsTheParser() {
        assertThat(keys(format)).isEqualTo(SchemaParser.SCHEMA_KEYS);
        JsonNode defs = format.get("$defs");
        assertThat(keys(defs.get("field"))).isEqualTo(SchemaParser.FIELD_KEYS);
        assertThat(keys(defs.get("permissionPolicy"))).isEqualTo(SchemaParser.PERMISSION_KEYS);
        assertThat(keys(defs.get("fieldPayment"))).isEqualTo(SchemaParser.FIELD_PAYMENT_KEYS);
        assertThat(keys(defs.get("schemaPayment"))).isEqualTo(SchemaParser.SCHEMA_PAYMENT_KEYS);
        assertThat(keys(defs.get("transform"))).isEqualTo(SchemaParser.TRANSFORM_KEYS);
        assertThat(keys(defs.at("/explicitPolicy/oneOf/1"))).isEqualTo(SchemaParser.EXPLICIT_POLICY_KEYS);
        assertThat(keys(defs.at("/scaling/oneOf/2/properties/Linear"))).isEqualTo(SchemaParser.LINEAR_KEYS);
        assertThat(keys(defs.at("/scaling/oneOf/3/properties/Exponential"))).isEqualTo(SchemaParser.EXPONENTIAL_KEYS);
        assertThat(keys(defs.at("/schemaType/oneOf/2/properties/Range"))).isEqualTo(SchemaParser.RANGE_TYPE_KEYS);
        assertThat(defs.at("/name/pattern").textValue()).isEqualTo("^" + SchemaParser.NAME.pattern() + "$");
        assertThat(defs.at("/name/maxLength").intValue()).isEqualTo(SchemaParser.MAX_NAME_LENGTH);
    }

    private static Set<String> keys(JsonNode objectSchema) {
        assertThat(objectSchema.get("additionalProperties").booleanValue()).isFalse();
        Set<String> keys = new LinkedHashSet<>();
        objectSchema.get("properties").properties().forEach(e -> keys.add(e.getKey()));
        return keys;
    }
}
