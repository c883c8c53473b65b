package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class SchemaParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A valid Single schema using most of the format; each golden case breaks one rule of it. */
    static final String PERSON = """
            {
              "name": "Person",
              "schema_type": "Single",
              "fields": {
                "age": {
                  "field_type": "Single",
                  "permission_policy": {
                    "read_policy": {"Distance": 1},
                    "write_policy": "NoRequirement",
                    "explicit_read_policy": {"counts_by_pub_key": {"k1": 2}},
                    "explicit_write_policy": null
                  },
                  "payment_config": {
                    "base_multiplier": 1.5,
                    "trust_distance_scaling": {"Linear": {"slope": 0.5, "intercept": 0, "min_factor": 1}},
                    "min_payment": 10
                  },
                  "field_mappers": {},
                  "transform": null,
                  "writable": true,
                  "ref_atom_uuid": null
                },
                "score": {
                  "field_type": "Single",
                  "permission_policy": {"read_policy": {"NoRequirement": null}, "write_policy": {"Distance": 0}},
                  "payment_config": {
                    "base_multiplier": 2,
                    "trust_distance_scaling": {"Exponential": {"base": 2.0, "scale": 1.0, "min_factor": 1.5}},
                    "min_payment": null
                  },
                  "transform": {
                    "inputs": ["Stats.points", "Person.age"],
                    "logic": "Stats.points * 2",
                    "output": "Person.score"
                  },
                  "writable": false
                },
                "email": {
                  "field_type": "Single",
                  "permission_policy": {"read_policy": {"Distance": 2}, "write_policy": {"Distance": 0}},
                  "payment_config": {"base_multiplier": 1.0, "trust_distance_scaling": {"None": null}},
                  "field_mappers": {"Contact": "email"}
                }
              },
              "payment_config": {"base_multiplier": 1.2, "min_payment_threshold": 5},
              "hash": "ignored"
            }
            """;

    /** A valid Range schema. */
    static final String READING = """
            {
              "name": "Reading",
              "schema_type": {"Range": {"range_key": "sensor"}},
              "fields": {
                "sensor": {
                  "field_type": "Range",
                  "permission_policy": {"read_policy": "NoRequirement", "write_policy": {"Distance": 0}},
                  "payment_config": {"base_multiplier": 1, "trust_distance_scaling": "None", "min_payment": null}
                },
                "value": {
                  "field_type": "Range",
                  "permission_policy": {"read_policy": "NoRequirement", "write_policy": {"Distance": 0}},
                  "payment_config": {"base_multiplier": 1, "trust_distance_scaling": "None", "min_payment": null}
                }
              },
              "payment_config": {"base_multiplier": 1, "min_payment_threshold": 0}
            }
            """;

    // ---------------------------------------------------------------- what is accepted

    @Test
    void readsEveryPartOfTheFormat() {
        Schema schema = SchemaParser.parse(PERSON, "Person.json");

        assertThat(schema.name()).isEqualTo("Person");
        assertThat(schema.type()).isEqualTo(SchemaType.SINGLE);
        assertThat(schema.fields()).containsOnlyKeys("age", "score", "email");
        assertThat(List.copyOf(schema.fields().keySet())).containsExactly("age", "score", "email");
        assertThat(schema.payment()).isEqualTo(new SchemaPaymentConfig(1.2, 5));
        assertThat(schema.hash()).hasSize(64).isNotEqualTo("ignored");

        FieldDefinition age = schema.field("age");
        assertThat(age.fieldType()).isEqualTo(FieldType.SINGLE);
        assertThat(age.permissions().read()).isEqualTo(Policy.distance(1));
        assertThat(age.permissions().write()).isEqualTo(Policy.NO_REQUIREMENT);
        assertThat(age.permissions().explicitRead()).containsExactly(Map.entry("k1", 2));
        assertThat(age.permissions().explicitWrite()).isEmpty();
        assertThat(age.payment().baseMultiplier()).isEqualTo(1.5);
        assertThat(age.payment().trustDistanceScaling()).isEqualTo(TrustDistanceScaling.linear(0.5, 0, 1));
        assertThat(age.payment().minPayment()).isEqualTo(10L);
        assertThat(age.fieldMappers()).isEmpty();
        assertThat(age.transform()).isNull();
        assertThat(age.writable()).isTrue();
        assertThat(age.refAtomUuid()).isNull();

        FieldDefinition score = schema.field("score");
        assertThat(score.permissions().read()).isEqualTo(Policy.NO_REQUIREMENT);
        assertThat(score.payment().trustDistanceScaling()).isEqualTo(TrustDistanceScaling.exponential(2, 1, 1.5));
        assertThat(score.payment().minPayment()).isNull();
        assertThat(score.transform()).isEqualTo(new TransformDefinition(List.of("Stats.points", "Person.age"),
                "Stats.points * 2", "Person.score"));
        assertThat(score.writable()).isFalse();

        FieldDefinition email = schema.field("email");
        assertThat(email.payment().trustDistanceScaling()).isEqualTo(TrustDistanceScaling.NONE);
        assertThat(email.payment().minPayment()).isNull();
        assertThat(email.fieldMappers()).containsExactly(Map.entry("Contact", "email"));
        assertThat(email.writable()).as("writable defaults to true").isTrue();
    }

    @Test
    void readsARangeSchema() {
        Schema schema = SchemaParser.parse(READING, "Reading.json");

        assertThat(schema.type()).isEqualTo(SchemaType.range("sensor"));
        assertThat(schema.fields().values()).extracting(FieldDefinition::fieldType)
                .containsOnly(FieldType.RANGE);
    }

    @Test
    void acceptsTheLongFormsOfUnitVariantsAndWholeNumbersWrittenWithAFraction() {
        ObjectNode person = tree(PERSON);
        person.set("schema_type", JSON.createObjectNode().putNull("Single"));
        ((ObjectNode) person.at("/fields/age/permission_policy")).set("write_policy",
                JSON.createObjectNode().putNull("NoRequirement"));
        ((ObjectNode) person.at("/fields/age/permission_policy/read_policy")).put("Distance", 3.0);
        ((ObjectNode) person.at("/fields/age/payment_config")).put("min_payment", 7.0);

        Schema schema = SchemaParser.parse(person.toString(), "Person.json");

        assertThat(schema.type()).isEqualTo(SchemaType.SINGLE);
        assertThat(schema.field("age").permissions().write()).isEqualTo(Policy.NO_REQUIREMENT);
        assertThat(schema.field("age").permissions().read()).isEqualTo(Policy.distance(3));
        assertThat(schema.field("age").payment().minPayment()).isEqualTo(7L);
    }

    @Test
    void aMissingSchemaTypeIsSingleAndMissingOptionalKeysTakeTheirDefaults() {
        ObjectNode person = tree(PERSON);
        person.remove("schema_type");
        person.remove("hash");
        ObjectNode age = (ObjectNode) person.at("/fields/age");
        age.remove(List.of("field_mappers", "transform", "writable", "ref_atom_uuid"));
        ((ObjectNode) age.get("permission_policy")).remove(List.of("explicit_read_policy", "explicit_write_policy"));
        ((ObjectNode) age.get("payment_config")).remove("min_payment");

        Schema schema = SchemaParser.parse(person.toString(), "Person.json");

        assertThat(schema.type()).isEqualTo(SchemaType.SINGLE);
        FieldDefinition field = schema.field("age");
        assertThat(field.fieldMappers()).isEmpty();
        assertThat(field.transform()).isNull();
        assertThat(field.writable()).isTrue();
        assertThat(field.permissions().explicitRead()).isEmpty();
        assertThat(field.payment().minPayment()).isNull();
    }

    @Test
    void ignoresTheDataReferenceAndTheHashOfTheFile() {
        ObjectNode person = tree(PERSON);
        ((ObjectNode) person.at("/fields/age")).put("ref_atom_uuid", "3f1c0a52-0000-4000-8000-000000000000");
        person.put("hash", "0000");

        Schema schema = SchemaParser.parse(person.toString(), "Person.json");

        assertThat(schema.field("age").refAtomUuid()).isNull();
        assertThat(schema.hash()).isEqualTo(SchemaParser.parse(PERSON, "Person.json").hash());
    }

    @Test
    void readsTheNameOfADocumentThatMayBeInvalid() {
        assertThat(SchemaParser.nameOf("{\"name\": \"Broken\", \"fields\": 1}")).isEqualTo("Broken");
        assertThat(SchemaParser.nameOf("{\"name\": 5}")).isNull();
        assertThat(SchemaParser.nameOf("{\"name\": ")).isNull();
        assertThat(SchemaParser.nameOf("[]")).isNull();
    }

    // ---------------------------------------------------------------- golden messages, one per rule

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenDocuments")
    void refusesMalformedDocuments(String text, String expected) {
        FoldException e = refused(text);

        assertThat(e.getMessage()).isEqualTo(expected);
        assertThat(e.context()).containsEntry("source", "Person.json").containsEntry("path", "$");
    }

    static Stream<Arguments> brokenDocuments() {
        return Stream.of(
                arguments(Named.of("trailing comma", "{\"name\": \"Person\",\n}"),
                        "Person.json: malformed JSON at line 2, column 1: Unexpected character ('}' (code 125)): "
                                + "was expecting double-quote to start field name"),
                arguments(Named.of("duplicate key", "{\"name\": \"A\", \"name\": \"B\"}"),
                        "Person.json: malformed JSON at line 1, column 21: Duplicate field 'name'"),
                arguments(Named.of("content after the document", "{} {}"),
                        "Person.json: malformed JSON at line 1, column 4: unexpected content after the end of the "
                                + "document"),
                arguments(Named.of("unterminated", "{\"name\": \"Person\""),
                        "Person.json: malformed JSON at line 1, column 18: Unexpected end-of-input: expected "
                                + "close marker for Object (start marker at line 1, column 1)"),
                arguments(Named.of("empty document", "  "),
                        "Person.json: $: must be a JSON object (the document is empty)"),
                arguments(Named.of("not an object", "[]"),
                        "Person.json: $: must be an object (was [])"));
    }

    @Test
    void malformedJsonNamesTheLineAndColumnInTheContext() {
        FoldException e = refused("{\n  \"name\": \"Person\",\n  \"fields\": {,}\n}");

        assertThat(e.context()).containsEntry("line", 3).containsEntry("column", 14);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRules")
    void refusesEachBrokenRuleWithItsExactMessage(Consumer<ObjectNode> breakIt, String base, String path,
            String rule) {
        ObjectNode tree = tree(base);
        breakIt.accept(tree);

        FoldException e = refused(tree.toString());

        assertThat(e.getMessage()).isEqualTo("Person.json: " + path + ": " + rule);
        assertThat(e.context()).containsExactly(Map.entry("source", "Person.json"), Map.entry("path", path),
                Map.entry("rule", rule));
    }

    static Stream<Arguments> brokenRules() {
        String policyForms = "must be \"NoRequirement\", {\"NoRequirement\": null} or {\"Distance\": <n>}";
        String scalingForms = "must be \"None\", {\"None\": null}, {\"Linear\": {\"slope\", \"intercept\", "
                + "\"min_factor\"}} or {\"Exponential\": {\"base\", \"scale\", \"min_factor\"}}";
        String nameRule = "must start with a letter or '_' and contain only letters, digits, '_' and '-'";
        String count = "must be an integer from 0 to 2147483647";
        String age = "$.fields.age";
        String agePay = age + ".payment_config";
        String agePerm = age + ".permission_policy";
        String score = "$.fields.score";
        String email = "$.fields.email";
        return Stream.of(
                // schema level
                rule("unknown top-level key", t -> t.put("colour", "blue"), "$.colour",
                        "unknown key (allowed: name, schema_type, fields, payment_config, hash)"),
                rule("name missing", t -> t.remove("name"), "$.name", "is required"),
                rule("name not a string", t -> t.put("name", 5), "$.name", "must be a string (was 5)"),
                rule("name empty", t -> t.put("name", ""), "$.name", "must not be empty"),
                rule("name with a space", t -> t.put("name", "My Schema"), "$.name",
                        nameRule + " (was \"My Schema\")"),
                rule("name with a dot", t -> t.put("name", "a.b"), "$.name", nameRule + " (was \"a.b\")"),
                rule("name too long", t -> t.put("name", "N".repeat(65)), "$.name",
                        "must be at most 64 characters (was 65)"),
                rule("schema_type unknown", t -> t.put("schema_type", "Multi"), "$.schema_type",
                        "must be \"Single\" or {\"Range\": {\"range_key\": \"<field>\"}} (was \"Multi\")"),
                rule("schema_type Single with a value", t -> t.set("schema_type", obj("{\"Single\": 1}")),
                        "$.schema_type.Single", "must be null (was 1)"),
                rule("schema_type \"Range\" without a key", t -> t.put("schema_type", "Range"), "$.schema_type",
                        "must be \"Single\" or {\"Range\": {\"range_key\": \"<field>\"}} (was \"Range\")"),
                rangeRule("range_key missing", t -> t.set("schema_type", obj("{\"Range\": {}}")),
                        "$.schema_type.Range.range_key", "is required"),
                rangeRule("range_key empty", t -> t.set("schema_type", obj("{\"Range\": {\"range_key\": \"\"}}")),
                        "$.schema_type.Range.range_key", "must not be empty"),
                rangeRule("range_key not a field", t -> t.set("schema_type", obj("{\"Range\": {\"range_key\": \"id\"}}")),
                        "$.schema_type.Range.range_key", "must name a field of the schema (was \"id\")"),
                rangeRule("unknown key in Range", t -> ((ObjectNode) t.at("/schema_type/Range")).put("unique", true),
                        "$.schema_type.Range.unique", "unknown key (allowed: range_key)"),
                rangeRule("Single field in a Range schema", t -> ((ObjectNode) t.at("/fields/value")).put("field_type", "Single"),
                        "$.fields.value.field_type", "a Range schema has only Range fields (was \"Single\")"),
                rule("Range field in a Single schema", t -> field(t, "age").put("field_type", "Range"),
                        age + ".field_type", "a Single schema has only Single fields (was \"Range\")"),
                rule("fields missing", t -> t.remove("fields"), "$.fields", "is required"),
                rule("fields not an object", t -> t.putArray("fields"), "$.fields", "must be an object (was [])"),
                rule("no fields", t -> t.putObject("fields"), "$.fields", "must have at least one field"),
                rule("field name empty", t -> fields(t).set("", fields(t).get("age")), "$.fields[\"\"]",
                        "field name must not be empty"),
                rule("field name with a dot", t -> fields(t).set("a.b", fields(t).get("age")), "$.fields[\"a.b\"]",
                        "field name " + nameRule + " (was \"a.b\")"),
                rule("field not an object", t -> fields(t).put("age", 1), age, "must be an object (was 1)"),
                // field level
                rule("unknown key in a field", t -> field(t, "age").put("colour", "blue"), age + ".colour",
                        "unknown key (allowed: field_type, permission_policy, payment_config, field_mappers, "
                                + "transform, writable, ref_atom_uuid)"),
                rule("field_type missing", t -> field(t, "age").remove("field_type"), age + ".field_type",
                        "is required"),
                rule("field_type Collection", t -> field(t, "age").put("field_type", "Collection"),
                        age + ".field_type", "unsupported field type \"Collection\" in field \"age\" "
                                + "(supported: Single, Range)"),
                rule("field_type not a string", t -> field(t, "age").put("field_type", 1), age + ".field_type",
                        "must be a string (was 1)"),
                rule("writable not a boolean", t -> field(t, "age").put("writable", "yes"), age + ".writable",
                        "must be true or false (was \"yes\")"),
                rule("ref_atom_uuid not a string", t -> field(t, "age").put("ref_atom_uuid", 5),
                        age + ".ref_atom_uuid", "must be a string or null (was 5)"),
                // permission policy
                rule("permission_policy missing", t -> field(t, "age").remove("permission_policy"),
                        agePerm, "is required"),
                rule("unknown key in permission_policy", t -> obj(t, agePerm).put("admin", true),
                        agePerm + ".admin", "unknown key (allowed: read_policy, write_policy, "
                                + "explicit_read_policy, explicit_write_policy)"),
                rule("read_policy missing", t -> obj(t, agePerm).remove("read_policy"), agePerm + ".read_policy",
                        "is required"),
                rule("read_policy unknown", t -> obj(t, agePerm).put("read_policy", "Everyone"),
                        agePerm + ".read_policy", policyForms + " (was \"Everyone\")"),
                rule("read_policy with two variants", t -> obj(t, agePerm).set("read_policy",
                        obj("{\"Distance\": 1, \"NoRequirement\": null}")), agePerm + ".read_policy",
                        policyForms + " (was {\"Distance\":1,\"NoRequirement\":null})"),
                rule("NoRequirement with a value", t -> obj(t, agePerm).set("read_policy",
                        obj("{\"NoRequirement\": true}")), agePerm + ".read_policy.NoRequirement",
                        "must be null (was true)"),
                rule("negative distance", t -> obj(t, agePerm).set("write_policy", obj("{\"Distance\": -1}")),
                        agePerm + ".write_policy.Distance", count + " (was -1)"),
                rule("fractional distance", t -> obj(t, agePerm).set("write_policy", obj("{\"Distance\": 1.5}")),
                        agePerm + ".write_policy.Distance", count + " (was 1.5)"),
                rule("unknown key in an explicit policy", t -> obj(t, agePerm + ".explicit_read_policy")
                        .put("keys", 1), agePerm + ".explicit_read_policy.keys",
                        "unknown key (allowed: counts_by_pub_key)"),
                rule("explicit policy without counts", t -> obj(t, agePerm).set("explicit_write_policy", obj("{}")),
                        agePerm + ".explicit_write_policy.counts_by_pub_key", "is required"),
                rule("explicit policy with an empty key", t -> obj(t, agePerm + ".explicit_read_policy.counts_by_pub_key")
                        .put("", 1), agePerm + ".explicit_read_policy.counts_by_pub_key[\"\"]",
                        "public key must not be empty"),
                rule("explicit count not a number", t -> obj(t, agePerm + ".explicit_read_policy.counts_by_pub_key")
                        .put("k1", "one"), agePerm + ".explicit_read_policy.counts_by_pub_key.k1",
                        count + " (was \"one\")"),
                // field payment
                rule("field payment_config missing", t -> field(t, "age").remove("payment_config"), agePay,
                        "is required"),
                rule("unknown key in a field's payment_config", t -> obj(t, agePay).put("currency", "sat"),
                        agePay + ".currency", "unknown key (allowed: base_multiplier, trust_distance_scaling, "
                                + "min_payment)"),
                rule("field base_multiplier 0", t -> obj(t, agePay).put("base_multiplier", 0),
                        agePay + ".base_multiplier", "must be > 0 (was 0)"),
                rule("field base_multiplier negative", t -> obj(t, agePay).put("base_multiplier", -1.5),
                        agePay + ".base_multiplier", "must be > 0 (was -1.5)"),
                rule("field base_multiplier a string", t -> obj(t, agePay).put("base_multiplier", "1"),
                        agePay + ".base_multiplier", "must be a number (was \"1\")"),
                rule("trust_distance_scaling missing", t -> obj(t, agePay).remove("trust_distance_scaling"),
                        agePay + ".trust_distance_scaling", "is required"),
                rule("trust_distance_scaling unknown", t -> obj(t, agePay).put("trust_distance_scaling", "Quadratic"),
                        agePay + ".trust_distance_scaling", scalingForms + " (was \"Quadratic\")"),
                rule("None with a value", t -> obj(t, agePay).set("trust_distance_scaling", obj("{\"None\": {}}")),
                        agePay + ".trust_distance_scaling.None", "must be null (was {})"),
                rule("Linear without parameters", t -> obj(t, agePay).put("trust_distance_scaling", "Linear"),
                        agePay + ".trust_distance_scaling", scalingForms + " (was \"Linear\")"),
                rule("Linear slope missing", t -> obj(t, agePay + ".trust_distance_scaling.Linear").remove("slope"),
                        agePay + ".trust_distance_scaling.Linear.slope", "is required"),
                rule("Linear unknown key", t -> obj(t, agePay + ".trust_distance_scaling.Linear").put("max", 3),
                        agePay + ".trust_distance_scaling.Linear.max",
                        "unknown key (allowed: slope, intercept, min_factor)"),
                rule("Linear min_factor below 1", t -> obj(t, agePay + ".trust_distance_scaling.Linear")
                        .put("min_factor", 0.5), agePay + ".trust_distance_scaling.Linear.min_factor",
                        "must be >= 1 (was 0.5)"),
                rule("Exponential min_factor below 1", t -> obj(t, "$.fields.score.payment_config.trust_distance_scaling"
                        + ".Exponential").put("min_factor", 0.9),
                        score + ".payment_config.trust_distance_scaling.Exponential.min_factor", "must be >= 1 (was 0.9)"),
                rule("Exponential base 0", t -> obj(t, "$.fields.score.payment_config.trust_distance_scaling"
                        + ".Exponential").put("base", 0),
                        score + ".payment_config.trust_distance_scaling.Exponential.base", "must be > 0 (was 0)"),
                rule("Exponential unknown key", t -> obj(t, "$.fields.score.payment_config.trust_distance_scaling"
                        + ".Exponential").put("slope", 1),
                        score + ".payment_config.trust_distance_scaling.Exponential.slope",
                        "unknown key (allowed: base, scale, min_factor)"),
                rule("min_payment 0", t -> obj(t, agePay).put("min_payment", 0), agePay + ".min_payment",
                        "must be an integer >= 1, or null for no minimum (was 0)"),
                rule("min_payment negative", t -> obj(t, agePay).put("min_payment", -5), agePay + ".min_payment",
                        "must be an integer >= 1, or null for no minimum (was -5)"),
                rule("min_payment fractional", t -> obj(t, agePay).put("min_payment", 2.5), agePay + ".min_payment",
                        "must be an integer (was 2.5)"),
                // field mappers
                rule("field_mappers not an object", t -> field(t, "email").put("field_mappers", "Contact.email"),
                        email + ".field_mappers", "must be an object (was \"Contact.email\")"),
                rule("mapper with an empty schema name", t -> field(t, "email").set("field_mappers",
                        obj("{\"\": \"email\"}")), email + ".field_mappers[\"\"]", "schema name must not be empty"),
                rule("mapper with an empty field name", t -> field(t, "email").set("field_mappers",
                        obj("{\"Contact\": \"\"}")), email + ".field_mappers.Contact", "field name must not be empty"),
                rule("mapper field not a string", t -> field(t, "email").set("field_mappers",
                        obj("{\"Contact\": 1}")), email + ".field_mappers.Contact", "must be a string (was 1)"),
                rule("two mappings", t -> field(t, "email").set("field_mappers",
                        obj("{\"Contact\": \"email\", \"Account\": \"email\"}")), email + ".field_mappers",
                        "must map to at most one field (was 2 mappings)"),
                rule("mapping into its own schema", t -> field(t, "email").set("field_mappers",
                        obj("{\"Person\": \"age\"}")), email + ".field_mappers.Person",
                        "must name another schema (a field cannot map to a field of its own schema)"),
                rule("transform and mapper together", t -> field(t, "score").set("field_mappers",
                        obj("{\"Stats\": \"score\"}")), score, "cannot have both a transform and field_mappers"),
                // transforms
                rule("transform not an object", t -> field(t, "score").put("transform", "Stats.points * 2"),
                        score + ".transform", "must be an object (was \"Stats.points * 2\")"),
                rule("unknown key in a transform", t -> obj(t, score + ".transform").put("language", "dsl"),
                        score + ".transform.language", "unknown key (allowed: inputs, logic, output)"),
                rule("inputs missing", t -> obj(t, score + ".transform").remove("inputs"), score + ".transform.inputs",
                        "is required"),
                rule("inputs not an array", t -> obj(t, score + ".transform").put("inputs", "Stats.points"),
                        score + ".transform.inputs", "must be an array (was \"Stats.points\")"),
                rule("input without a schema", t -> inputs(t).set(0, "points"), score + ".transform.inputs[0]",
                        "must be \"Schema.field\" (was \"points\")"),
                rule("input with two dots", t -> inputs(t).set(0, "Stats.points.total"),
                        score + ".transform.inputs[0]", "must be \"Schema.field\" (was \"Stats.points.total\")"),
                rule("input with an empty field", t -> inputs(t).set(1, "Person."), score + ".transform.inputs[1]",
                        "must be \"Schema.field\" (was \"Person.\")"),
                rule("input is the field itself", t -> inputs(t).set(1, "Person.score"),
                        score + ".transform.inputs[1]", "must not be the field itself (was \"Person.score\")"),
                rule("input not a string", t -> inputs(t).set(0, 3), score + ".transform.inputs[0]",
                        "must be a string (was 3)"),
                rule("logic blank", t -> obj(t, score + ".transform").put("logic", "  "), score + ".transform.logic",
                        "must not be empty"),
                rule("output is another field", t -> obj(t, score + ".transform").put("output", "Person.age"),
                        score + ".transform.output",
                        "must be \"Person.score\", the field that carries the transform (was \"Person.age\")"),
                rule("output in another schema", t -> obj(t, score + ".transform").put("output", "Stats.score"),
                        score + ".transform.output",
                        "must be \"Person.score\", the field that carries the transform (was \"Stats.score\")"),
                // schema payment
                rule("schema payment_config missing", t -> t.remove("payment_config"), "$.payment_config",
                        "is required"),
                rule("unknown key in the schema's payment_config", t -> obj(t, "$.payment_config").put("min_payment", 1),
                        "$.payment_config.min_payment",
                        "unknown key (allowed: base_multiplier, min_payment_threshold)"),
                rule("schema base_multiplier 0", t -> obj(t, "$.payment_config").put("base_multiplier", 0),
                        "$.payment_config.base_multiplier", "must be > 0 (was 0)"),
                rule("min_payment_threshold missing", t -> obj(t, "$.payment_config").remove("min_payment_threshold"),
                        "$.payment_config.min_payment_threshold", "is required"),
                rule("min_payment_threshold negative", t -> obj(t, "$.payment_config").put("min_payment_threshold", -1),
                        "$.payment_config.min_payment_threshold", "must be >= 0 (was -1)"),
                rule("hash not a string", t -> t.put("hash", 1), "$.hash", "must be a string or null (was 1)"));
    }

    @Test
    void reportsTheFirstBrokenRuleInDocumentOrder() {
        ObjectNode tree = tree(PERSON);
        obj(tree, "$.fields.age.payment_config").put("base_multiplier", 0);
        obj(tree, "$.fields.email.payment_config").put("base_multiplier", 0);
        obj(tree, "$.payment_config").put("base_multiplier", 0);

        assertThat(refused(tree.toString()).getMessage())
                .isEqualTo("Person.json: $.fields.age.payment_config.base_multiplier: must be > 0 (was 0)");
    }

    @Test
    void showsLongValuesShortened() {
        ObjectNode tree = tree(PERSON);
        tree.put("schema_type", "x".repeat(200));

        assertThat(refused(tree.toString()).getMessage())
                .endsWith("(was \"" + "x".repeat(79) + "...)");
    }

    // ---------------------------------------------------------------- helpers

    /** A rule broken in {@link #PERSON}. */
    private static Arguments rule(String description, Consumer<ObjectNode> breakIt, String path, String rule) {
        return arguments(Named.of(description, breakIt), PERSON, path, rule);
    }

    /** A rule broken in {@link #READING}. */
    private static Arguments rangeRule(String description, Consumer<ObjectNode> breakIt, String path, String rule) {
        return arguments(Named.of(description, breakIt), READING, path, rule);
    }

    private static FoldException refused(String text) {
        FoldException e = catchThrowableOfType(FoldException.class, () -> SchemaParser.parse(text, "Person.json"));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_INVALID);
        return e;
    }

    static ObjectNode tree(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode obj(String text) {
        return tree(text);
    }

    private static ObjectNode fields(ObjectNode tree) {
        return (ObjectNode) tree.get("fields");
    }

    private static ObjectNode field(ObjectNode tree, String name) {
        return (ObjectNode) fields(tree).get(name);
    }

    /** The object at a {@code $.a.b} path (plain names only). */
    private static ObjectNode obj(ObjectNode tree, String path) {
        return (ObjectNode) tree.at(path.substring(1).replace('.', '/'));
    }

    private static ArrayNode inputs(ObjectNode tree) {
        return (ArrayNode) tree.at("/fields/score/transform/inputs");
    }
}
