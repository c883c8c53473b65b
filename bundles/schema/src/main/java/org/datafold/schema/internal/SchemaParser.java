package org.datafold.schema.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Reads a schema file in the DataFold format and checks every rule of the format. The first
 * broken rule is reported as {@code SCHEMA_INVALID} with a message
 * {@code <source>: <JSON path>: <rule>} and the context keys {@code source}, {@code path} and
 * {@code rule}. The content hash is computed here ({@link SchemaHash}); a {@code hash} or
 * {@code ref_atom_uuid} in the file is ignored, since the node assigns both.
 *
 * <p>The key sets below are also listed by the JSON Schema of the format
 * ({@code schema-format.json}); a test keeps the two in step.
 */
public final class SchemaParser {

    static final Set<String> SCHEMA_KEYS = keys("name", "schema_type", "fields", "payment_config", "hash");
    static final Set<String> RANGE_TYPE_KEYS = keys("range_key");
    static final Set<String> SCHEMA_PAYMENT_KEYS = keys("base_multiplier", "min_payment_threshold");
    static final Set<String> FIELD_KEYS = keys("field_type", "permission_policy", "payment_config", "field_mappers",
            "transform", "writable", "ref_atom_uuid");
    static final Set<String> PERMISSION_KEYS = keys("read_policy", "write_policy", "explicit_read_policy",
            "explicit_write_policy");
    static final Set<String> EXPLICIT_POLICY_KEYS = keys("counts_by_pub_key");
    static final Set<String> FIELD_PAYMENT_KEYS = keys("base_multiplier", "trust_distance_scaling", "min_payment");
    static final Set<String> LINEAR_KEYS = keys("slope", "intercept", "min_factor");
    static final Set<String> EXPONENTIAL_KEYS = keys("base", "scale", "min_factor");
    static final Set<String> TRANSFORM_KEYS = keys("inputs", "logic", "output");

    /** Schema and field names: they appear in {@code Schema.field} references and shell arguments. */
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    static final int MAX_NAME_LENGTH = 64;

    private static final String NAME_RULE = "must start with a letter or '_' and contain only letters, digits, "
            + "'_' and '-'";
    private static final String SCHEMA_TYPE_FORMS = "must be \"Single\" or {\"Range\": {\"range_key\": \"<field>\"}}";
    private static final String POLICY_FORMS = "must be \"NoRequirement\", {\"NoRequirement\": null} or "
            + "{\"Distance\": <n>}";
    private static final String SCALING_FORMS = "must be \"None\", {\"None\": null}, "
            + "{\"Linear\": {\"slope\", \"intercept\", \"min_factor\"}} or "
            + "{\"Exponential\": {\"base\", \"scale\", \"min_factor\"}}";
    private static final int MAX_SHOWN_VALUE = 80;
    /** How the JSON parser names a place inside its messages. */
    private static final Pattern SOURCE_LOCATION =
            Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]");

    /**
     * Strict reading: a key given twice in one object is malformed JSON (it would otherwise
     * silently override the first).
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String source;

    private SchemaParser(String source) {
        this.source = source;
    }

    /**
     * Parses and validates a schema definition.
     *
     * @param json   the file's text
     * @param source where it came from, named first in every error message
     * @return the schema, with its content hash and no data references
     * @throws FoldException {@code SCHEMA_INVALID} naming the source, the JSON path and the rule
     */
    public static Schema parse(String json, String source) {
        SchemaParser parser = new SchemaParser(source);
        return parser.schema(parser.readTree(json));
    }

    /** The top-level {@code name} of a document that may be invalid, or null when it has none. */
    static String nameOf(String json) {
        try {
            JsonNode name = MAPPER.readTree(json).get("name");
            return name != null && name.isTextual() ? name.textValue() : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private JsonNode readTree(String json) {
        if (json == null) {
            throw invalid("$", "must be a JSON object (the document is empty)");
        }
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(json)) {
            root = MAPPER.readTree(parser);
            if (root != null && parser.nextToken() != null) {
                throw malformed(parser.currentTokenLocation(), "unexpected content after the end of the document",
                        null);
            }
        } catch (JsonProcessingException e) {
            throw malformed(e.getLocation(), e.getOriginalMessage(), e);
        } catch (IOException e) {
            // Reading from a string performs no I/O; kept for the checked signature.
            throw malformed(null, e.toString(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw invalid("$", "must be a JSON object (the document is empty)");
        }
        return root;
    }

    private FoldException malformed(JsonLocation at, String problem, Exception cause) {
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String rule = "malformed JSON" + where + ": " + describeProblem(problem);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("source", source);
        context.put("path", "$");
        context.put("rule", rule);
        if (at != null) {
            context.put("line", at.getLineNr());
            context.put("column", at.getColumnNr());
        }
        return new FoldException(ErrorCode.SCHEMA_INVALID, source + ": " + rule, context, cause);
    }

    /** The parser's description of a problem, on one line, with locations as "line L, column C". */
    private static String describeProblem(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return SOURCE_LOCATION.matcher(line).replaceAll("line $1, column $2");
    }

    // ---------------------------------------------------------------- schema level

    private Schema schema(JsonNode root) {
        requireObject(root, "$", SCHEMA_KEYS);
        String name = name(required(root, "$", "name"), "$.name");

        JsonNode typeNode = root.get("schema_type");
        SchemaType type = typeNode == null ? SchemaType.SINGLE : schemaType(typeNode, "$.schema_type");

        JsonNode fieldsNode = required(root, "$", "fields");
        requireObject(fieldsNode, "$.fields", null);
        if (fieldsNode.isEmpty()) {
            throw invalid("$.fields", "must have at least one field");
        }
        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : fieldsNode.properties()) {
            String fieldName = entry.getKey();
            String path = child("$.fields", fieldName);
            fieldName(fieldName, path);
            fields.put(fieldName, field(entry.getValue(), path, name, fieldName, type));
        }
        if (type.isRange() && !fields.containsKey(type.rangeKey())) {
            throw invalid("$.schema_type.Range.range_key",
                    "must name a field of the schema (was " + show(typeNode.get("Range").get("range_key")) + ")");
        }

        SchemaPaymentConfig payment = schemaPayment(required(root, "$", "payment_config"), "$.payment_config");
        optionalString(root.get("hash"), "$.hash");

        Schema parsed = new Schema(name, type, fields, payment, null);
        return new Schema(name, type, fields, payment, SchemaHash.of(parsed));
    }

    private String name(JsonNode node, String path) {
        String value = string(node, path);
        checkName(value, path, "");
        return value;
    }

    private void fieldName(String value, String path) {
        checkName(value, path, "field name ");
    }

    private void checkName(String value, String path, String what) {
        if (value.isEmpty()) {
            throw invalid(path, what + "must not be empty");
        }
        if (value.length() > MAX_NAME_LENGTH) {
            throw invalid(path, what + "must be at most " + MAX_NAME_LENGTH + " characters (was " + value.length() + ")");
        }
        if (!NAME.matcher(value).matches()) {
            throw invalid(path, what + NAME_RULE + " (was " + quote(value) + ")");
        }
    }

    private SchemaType schemaType(JsonNode node, String path) {
        String variant = variant(node, path, SCHEMA_TYPE_FORMS);
        switch (variant) {
            case "Single" -> {
                unitVariant(node, path, "Single");
                return SchemaType.SINGLE;
            }
            case "Range" -> {
                if (node.isTextual()) {
                    throw invalid(path, SCHEMA_TYPE_FORMS + " (was " + show(node) + ")");
                }
                String rangePath = path + ".Range";
                JsonNode range = node.get("Range");
                requireObject(range, rangePath, RANGE_TYPE_KEYS);
                String key = string(required(range, rangePath, "range_key"), rangePath + ".range_key");
                if (key.isEmpty()) {
                    throw invalid(rangePath + ".range_key", "must not be empty");
                }
                return SchemaType.range(key);
            }
            default -> throw invalid(path, SCHEMA_TYPE_FORMS + " (was " + show(node) + ")");
        }
    }

    private SchemaPaymentConfig schemaPayment(JsonNode node, String path) {
        requireObject(node, path, SCHEMA_PAYMENT_KEYS);
        double multiplier = positive(required(node, path, "base_multiplier"), path + ".base_multiplier");
        String thresholdPath = path + ".min_payment_threshold";
        long threshold = integer(required(node, path, "min_payment_threshold"), thresholdPath);
        if (threshold < 0) {
            throw invalid(thresholdPath, "must be >= 0 (was " + threshold + ")");
        }
        return new SchemaPaymentConfig(multiplier, threshold);
    }

    // ---------------------------------------------------------------- fields

    private FieldDefinition field(JsonNode node, String path, String schemaName, String fieldName,
            SchemaType schemaType) {
        requireObject(node, path, FIELD_KEYS);
        FieldType type = fieldType(required(node, path, "field_type"), path + ".field_type", fieldName, schemaType);
        PermissionPolicy permissions = permissions(required(node, path, "permission_policy"),
                path + ".permission_policy");
        FieldPaymentConfig payment = fieldPayment(required(node, path, "payment_config"), path + ".payment_config");

        JsonNode mappersNode = node.get("field_mappers");
        Map<String, String> mappers = mappersNode == null || mappersNode.isNull()
                ? Map.of()
                : mappers(mappersNode, path + ".field_mappers", schemaName);

        JsonNode transformNode = node.get("transform");
        TransformDefinition transform = transformNode == null || transformNode.isNull()
                ? null
                : transform(transformNode, path + ".transform", schemaName, fieldName);
        if (transform != null && !mappers.isEmpty()) {
            throw invalid(path, "cannot have both a transform and field_mappers");
        }

        JsonNode writableNode = node.get("writable");
        boolean writable = writableNode == null || bool(writableNode, path + ".writable");
        optionalString(node.get("ref_atom_uuid"), path + ".ref_atom_uuid");
        return new FieldDefinition(type, permissions, payment, mappers, transform, writable, null);
    }

    private FieldType fieldType(JsonNode node, String path, String fieldName, SchemaType schemaType) {
        String value = string(node, path);
        FieldType type = null;
        for (FieldType candidate : FieldType.values()) {
            if (candidate.jsonName().equals(value)) {
                type = candidate;
            }
        }
        if (type == null) {
            throw invalid(path, "unsupported field type " + quote(value) + " in field " + quote(fieldName)
                    + " (supported: " + supportedFieldTypes() + ")");
        }
        if (schemaType.isRange() && type != FieldType.RANGE) {
            throw invalid(path, "a Range schema has only Range fields (was " + quote(value) + ")");
        }
        if (!schemaType.isRange() && type != FieldType.SINGLE) {
            throw invalid(path, "a Single schema has only Single fields (was " + quote(value) + ")");
        }
        return type;
    }

    private static String supportedFieldTypes() {
        List<String> names = new ArrayList<>();
        for (FieldType type : FieldType.values()) {
            names.add(type.jsonName());
        }
        return String.join(", ", names);
    }

    private PermissionPolicy permissions(JsonNode node, String path) {
        requireObject(node, path, PERMISSION_KEYS);
        Policy read = policy(required(node, path, "read_policy"), path + ".read_policy");
        Policy write = policy(required(node, path, "write_policy"), path + ".write_policy");
        Map<String, Integer> explicitRead = explicit(node.get("explicit_read_policy"), path + ".explicit_read_policy");
        Map<String, Integer> explicitWrite = explicit(node.get("explicit_write_policy"),
                path + ".explicit_write_policy");
        return new PermissionPolicy(read, write, explicitRead, explicitWrite);
    }

    private Policy policy(JsonNode node, String path) {
        String variant = variant(node, path, POLICY_FORMS);
        switch (variant) {
            case "NoRequirement" -> {
                unitVariant(node, path, "NoRequirement");
                return Policy.NO_REQUIREMENT;
            }
            case "Distance" -> {
                if (node.isTextual()) {
                    throw invalid(path, POLICY_FORMS + " (was " + show(node) + ")");
                }
                return Policy.distance(count(node.get("Distance"), path + ".Distance"));
            }
            default -> throw invalid(path, POLICY_FORMS + " (was " + show(node) + ")");
        }
    }

    private Map<String, Integer> explicit(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        requireObject(node, path, EXPLICIT_POLICY_KEYS);
        String countsPath = path + ".counts_by_pub_key";
        JsonNode counts = required(node, path, "counts_by_pub_key");
        requireObject(counts, countsPath, null);
        Map<String, Integer> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : counts.properties()) {
            String keyPath = child(countsPath, entry.getKey());
            if (entry.getKey().isBlank()) {
                throw invalid(keyPath, "public key must not be empty");
            }
            result.put(entry.getKey(), count(entry.getValue(), keyPath));
        }
        return result;
    }

    private FieldPaymentConfig fieldPayment(JsonNode node, String path) {
        requireObject(node, path, FIELD_PAYMENT_KEYS);
        double multiplier = positive(required(node, path, "base_multiplier"), path + ".base_multiplier");
        TrustDistanceScaling scaling = scaling(required(node, path, "trust_distance_scaling"),
                path + ".trust_distance_scaling");
        JsonNode minNode = node.get("min_payment");
        Long minPayment = null;
        if (minNode != null && !minNode.isNull()) {
            String minPath = path + ".min_payment";
            long value = integer(minNode, minPath);
            if (value < 1) {
                throw invalid(minPath, "must be an integer >= 1, or null for no minimum (was " + show(minNode) + ")");
            }
            minPayment = value;
        }
        return new FieldPaymentConfig(multiplier, scaling, minPayment);
    }

    private TrustDistanceScaling scaling(JsonNode node, String path) {
        String variant = variant(node, path, SCALING_FORMS);
        switch (variant) {
            case "None" -> {
                unitVariant(node, path, "None");
                return TrustDistanceScaling.NONE;
            }
            case "Linear" -> {
                String linearPath = path + ".Linear";
                JsonNode linear = structVariant(node, path, "Linear", LINEAR_KEYS);
                double slope = number(required(linear, linearPath, "slope"), linearPath + ".slope");
                double intercept = number(required(linear, linearPath, "intercept"), linearPath + ".intercept");
                double minFactor = minFactor(required(linear, linearPath, "min_factor"), linearPath + ".min_factor");
                return TrustDistanceScaling.linear(slope, intercept, minFactor);
            }
            case "Exponential" -> {
                String expPath = path + ".Exponential";
                JsonNode exp = structVariant(node, path, "Exponential", EXPONENTIAL_KEYS);
                double base = positive(required(exp, expPath, "base"), expPath + ".base");
                double scale = number(required(exp, expPath, "scale"), expPath + ".scale");
                double minFactor = minFactor(required(exp, expPath, "min_factor"), expPath + ".min_factor");
                return TrustDistanceScaling.exponential(base, scale, minFactor);
            }
            default -> throw invalid(path, SCALING_FORMS + " (was " + show(node) + ")");
        }
    }

    private JsonNode structVariant(JsonNode node, String path, String variant, Set<String> keys) {
        if (node.isTextual()) {
            throw invalid(path, SCALING_FORMS + " (was " + show(node) + ")");
        }
        JsonNode body = node.get(variant);
        requireObject(body, path + "." + variant, keys);
        return body;
    }

    private double minFactor(JsonNode node, String path) {
        double value = number(node, path);
        if (value < 1) {
            throw invalid(path, "must be >= 1 (was " + show(node) + ")");
        }
        return value;
    }

    private Map<String, String> mappers(JsonNode node, String path, String schemaName) {
        requireObject(node, path, null);
        if (node.size() > 1) {
            throw invalid(path, "must map to at most one field (was " + node.size() + " mappings)");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String keyPath = child(path, entry.getKey());
            if (entry.getKey().isEmpty()) {
                throw invalid(keyPath, "schema name must not be empty");
            }
            if (entry.getKey().equals(schemaName)) {
                throw invalid(keyPath, "must name another schema (a field cannot map to a field of its own schema)");
            }
            String target = string(entry.getValue(), keyPath);
            if (target.isEmpty()) {
                throw invalid(keyPath, "field name must not be empty");
            }
            result.put(entry.getKey(), target);
        }
        return result;
    }

    private TransformDefinition transform(JsonNode node, String path, String schemaName, String fieldName) {
        requireObject(node, path, TRANSFORM_KEYS);
        String self = schemaName + "." + fieldName;

        String inputsPath = path + ".inputs";
        JsonNode inputsNode = required(node, path, "inputs");
        if (!inputsNode.isArray()) {
            throw invalid(inputsPath, "must be an array (was " + show(inputsNode) + ")");
        }
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < inputsNode.size(); i++) {
            String inputPath = inputsPath + "[" + i + "]";
            String input = string(inputsNode.get(i), inputPath);
            if (!isFieldReference(input)) {
                throw invalid(inputPath, "must be \"Schema.field\" (was " + quote(input) + ")");
            }
            if (input.equals(self)) {
                throw invalid(inputPath, "must not be the field itself (was " + quote(input) + ")");
            }
            inputs.add(input);
        }

        String logic = string(required(node, path, "logic"), path + ".logic");
        if (logic.isBlank()) {
            throw invalid(path + ".logic", "must not be empty");
        }

        String output = string(required(node, path, "output"), path + ".output");
        if (!output.equals(self)) {
            throw invalid(path + ".output", "must be " + quote(self) + ", the field that carries the transform (was "
                    + quote(output) + ")");
        }
        return new TransformDefinition(inputs, logic, output);
    }

    /** {@code Schema.field}: two non-empty parts around exactly one dot. */
    static boolean isFieldReference(String value) {
        int dot = value.indexOf('.');
        return dot > 0 && dot < value.length() - 1 && value.indexOf('.', dot + 1) < 0;
    }

    // ---------------------------------------------------------------- shapes and values

    /**
     * The variant name of an enum written as {@code "Name"} or {@code {"Name": ...}} (one key);
     * any other shape fails with the accepted forms.
     */
    private String variant(JsonNode node, String path, String forms) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isObject() && node.size() == 1) {
            return node.properties().iterator().next().getKey();
        }
        throw invalid(path, forms + " (was " + show(node) + ")");
    }

    /** A variant without data: {@code "Name"} or {@code {"Name": null}}. */
    private void unitVariant(JsonNode node, String path, String variant) {
        if (node.isObject() && !node.get(variant).isNull()) {
            throw invalid(path + "." + variant, "must be null (was " + show(node.get(variant)) + ")");
        }
    }

    /**
     * Requires an object; with {@code allowed}, every key must be one of them (unknown keys are
     * an error, never dropped).
     */
    private void requireObject(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw invalid(path, "must be an object (was " + show(node) + ")");
        }
        if (allowed != null) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String key = entry.getKey();
                if (!allowed.contains(key)) {
                    throw invalid(child(path, key), "unknown key (allowed: " + String.join(", ", allowed) + ")");
                }
            }
        }
    }

    private JsonNode required(JsonNode object, String path, String key) {
        JsonNode value = object.get(key);
        if (value == null) {
            throw invalid(child(path, key), "is required");
        }
        return value;
    }

    private String string(JsonNode node, String path) {
        if (node == null || !node.isTextual()) {
            throw invalid(path, "must be a string (was " + show(node) + ")");
        }
        return node.textValue();
    }

    private void optionalString(JsonNode node, String path) {
        if (node != null && !node.isNull() && !node.isTextual()) {
            throw invalid(path, "must be a string or null (was " + show(node) + ")");
        }
    }

    private boolean bool(JsonNode node, String path) {
        if (!node.isBoolean()) {
            throw invalid(path, "must be true or false (was " + show(node) + ")");
        }
        return node.booleanValue();
    }

    private double number(JsonNode node, String path) {
        if (node == null || !node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw invalid(path, "must be a number (was " + show(node) + ")");
        }
        return node.doubleValue();
    }

    private double positive(JsonNode node, String path) {
        double value = number(node, path);
        if (!(value > 0)) {
            throw invalid(path, "must be > 0 (was " + show(node) + ")");
        }
        return value;
    }

    /** A whole number (written {@code 3} or {@code 3.0}) that fits in a long. */
    private long integer(JsonNode node, String path) {
        if (node == null || !node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw invalid(path, "must be an integer (was " + show(node) + ")");
        }
        return node.longValue();
    }

    /** A whole number from 0 to {@link Integer#MAX_VALUE}: distances and counts. */
    private int count(JsonNode node, String path) {
        if (node == null || !node.isNumber() || !node.canConvertToExactIntegral() || !node.canConvertToInt()
                || node.intValue() < 0) {
            throw invalid(path, "must be an integer from 0 to " + Integer.MAX_VALUE + " (was " + show(node) + ")");
        }
        return node.intValue();
    }

    private FoldException invalid(String path, String rule) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("source", source);
        context.put("path", path);
        context.put("rule", rule);
        return new FoldException(ErrorCode.SCHEMA_INVALID, source + ": " + path + ": " + rule, context, null);
    }

    // ---------------------------------------------------------------- paths and rendering

    /** {@code parent.key}, or {@code parent["key"]} when the key is not a plain name. */
    static String child(String parent, String key) {
        return NAME.matcher(key).matches() ? parent + "." + key : parent + "[" + quote(key) + "]";
    }

    /** The value as JSON, shortened when long; {@code missing} when absent. */
    static String show(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "missing";
        }
        String text = node.toString();
        return text.length() <= MAX_SHOWN_VALUE ? text : text.substring(0, MAX_SHOWN_VALUE) + "...";
    }

    static String quote(String value) {
        return TextNode.valueOf(value).toString();
    }

    private static Set<String> keys(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(List.of(names)));
    }
}
