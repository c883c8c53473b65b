package org.datafold.json;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
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
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads JSON documents strictly and range filters from JSON, and writes schemas, query results,
 * field versions and mutation results as JSON, in the one form the shell prints and the app socket
 * protocol carries. Schemas are written in the schema-file form (docs/schemas.md), which the node
 * also stores and reads back.
 */
public final class NodeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The shell's printing: the same JSON, indented. */
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * Strict reading: a key given twice in one object, at any depth, is refused (it would otherwise
     * silently replace the first), and so is anything but white space after the value.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Jackson's words for a key given twice (the duplicate detection raises no type of its own). */
    private static final String DUPLICATE_PROBLEM = "Duplicate field ";

    private NodeJson() {
    }

    /**
     * Reads one JSON document of UTF-8 bytes strictly. Refused: a byte-order mark, bytes that start
     * like UTF-16 or UTF-32 (a 0x00, 0xFE or 0xFF byte among the first four, which UTF-8 JSON never
     * has), a key given twice in one object at any depth, anything but white space after the value,
     * an empty document, and anything else that is not JSON.
     *
     * @param json the bytes
     * @param what names the document at the start of every message, e.g. {@code "the frame"}
     * @param code the code of the refusal
     * @return the value, never null
     * @throws FoldException with {@code code}, saying what is wrong and where
     */
    public static JsonNode read(byte[] json, String what, ErrorCode code) {
        if (json.length >= 3 && json[0] == (byte) 0xEF && json[1] == (byte) 0xBB && json[2] == (byte) 0xBF) {
            throw new FoldException(code, what + " starts with a byte-order mark (EF BB BF): send UTF-8 JSON"
                    + " without one");
        }
        for (int i = 0; i < Math.min(4, json.length); i++) {
            if (json[i] == 0 || json[i] == (byte) 0xFE || json[i] == (byte) 0xFF) {
                throw new FoldException(code, what + " is not UTF-8 JSON: byte " + (i + 1) + " is 0x"
                        + String.format("%02X", json[i] & 0xFF) + " (UTF-16 or UTF-32 text?)");
            }
        }
        try (JsonParser parser = STRICT.createParser(json)) {
            return read(parser, what, code);
        } catch (IOException e) {
            // Reading from memory performs no I/O; kept for the checked signature.
            throw new FoldException(code, what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one JSON document strictly, as {@link #read(byte[], String, ErrorCode)} does; a leading
     * byte-order mark (U+FEFF) is refused too.
     *
     * @param json the text; null reads as an empty document
     */
    public static JsonNode read(String json, String what, ErrorCode code) {
        if (json == null) {
            throw new FoldException(code, what + " is empty: a JSON value is expected");
        }
        if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
            throw new FoldException(code, what + " starts with a byte-order mark (U+FEFF): give the JSON without one");
        }
        try (JsonParser parser = STRICT.createParser(json)) {
            return read(parser, what, code);
        } catch (IOException e) {
            // Reading from a string performs no I/O; kept for the checked signature.
            throw new FoldException(code, what + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(JsonParser parser, String what, ErrorCode code) throws IOException {
        JsonNode value;
        try {
            value = STRICT.readTree(parser);
        } catch (JsonProcessingException e) {
            throw refusal(parser, e, what, code);
        }
        if (value == null || value.isMissingNode()) {
            throw new FoldException(code, what + " is empty: a JSON value is expected");
        }
        return value;
    }

    /** Says which rule a failed strict read broke, and where. */
    private static FoldException refusal(JsonParser parser, JsonProcessingException e, String what, ErrorCode code) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        JsonStreamContext context = parser.getParsingContext();
        String problem = String.valueOf(e.getOriginalMessage());
        if (problem.startsWith(DUPLICATE_PROBLEM)) {
            return new FoldException(code, what + " has the key '" + context.getCurrentName()
                    + "' twice in one object, at " + context.pathAsPointer() + where, e);
        }
        if (pastTheValue(context)) {
            return new FoldException(code, what + " has data after the end of its JSON value" + where, e);
        }
        return new FoldException(code, what + " is not valid JSON: " + problem + where, e);
    }

    /**
     * Whether the parser had finished the document's value when it failed: the top level then
     * counts a second entry, whether or not that one could be read.
     */
    private static boolean pastTheValue(JsonStreamContext context) {
        JsonStreamContext root = context;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getEntryCount() > 1;
    }

    /**
     * A range filter: {@code {"Key": "k"}}, {@code {"KeyPrefix": "p"}},
     * {@code {"KeyRange": {"start": "a", "end": "b"}}}, {@code {"Keys": ["a", "b"]}} or
     * {@code {"KeyPattern": "a*"}}; keys may be strings, numbers or booleans.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} naming what is wrong
     */
    public static RangeFilter filter(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw badFilter("a filter is an object with exactly one of Key, KeyPrefix, KeyRange, Keys, KeyPattern");
        }
        Map.Entry<String, JsonNode> e = node.fields().next();
        JsonNode v = e.getValue();
        return switch (e.getKey()) {
            case "Key" -> new RangeFilter.Key(text(v, "Key"));
            case "KeyPrefix" -> new RangeFilter.KeyPrefix(text(v, "KeyPrefix"));
            case "KeyPattern" -> new RangeFilter.KeyPattern(text(v, "KeyPattern"));
            case "KeyRange" -> {
                if (!v.isObject() || !v.has("start") || !v.has("end")) {
                    throw badFilter("KeyRange needs {\"start\": ..., \"end\": ...}");
                }
                yield new RangeFilter.KeyRange(text(v.get("start"), "KeyRange.start"), text(v.get("end"), "KeyRange.end"));
            }
            case "Keys" -> {
                if (!v.isArray()) {
                    throw badFilter("Keys needs an array of keys");
                }
                List<String> keys = new ArrayList<>();
                for (Iterator<JsonNode> it = v.elements(); it.hasNext();) {
                    keys.add(text(it.next(), "Keys[]"));
                }
                yield new RangeFilter.Keys(keys);
            }
            default -> throw badFilter("unknown filter '" + e.getKey()
                    + "' (use Key, KeyPrefix, KeyRange, Keys or KeyPattern)");
        };
    }

    /**
     * A query result: {@code {"schema", "fields": {name: outcome}}} for a single schema, or
     * {@code {"schema", "rows": {range key: {name: outcome}}}} for a range schema.
     */
    public static ObjectNode queryResult(QueryResult result, boolean range) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("schema", result.schema());
        if (range) {
            ObjectNode rows = out.putObject("rows");
            for (QueryResult.Row row : result.rows()) {
                rows.set(row.rangeKey(), outcomes(row.fields()));
            }
        } else {
            out.set("fields", result.rows().isEmpty() ? MAPPER.createObjectNode()
                    : outcomes(result.rows().get(0).fields()));
        }
        return out;
    }

    /**
     * Field outcomes: {@code {"value", "atom_uuid"}} when the field has a value,
     * {@code {"status": "NO_VALUE"}} when it was never written, {@code {"status", "code", "message"}}
     * when denied or failed; plus {@code "history"} when versions were asked for.
     */
    public static ObjectNode outcomes(Map<String, FieldOutcome> fields) {
        ObjectNode out = MAPPER.createObjectNode();
        for (Map.Entry<String, FieldOutcome> e : fields.entrySet()) {
            FieldOutcome o = e.getValue();
            ObjectNode f = out.putObject(e.getKey());
            switch (o.status()) {
                case OK -> {
                    f.set("value", MAPPER.valueToTree(o.value()));
                    f.put("atom_uuid", o.atomUuid());
                }
                case NO_VALUE -> f.put("status", "NO_VALUE");
                case DENIED, ERROR -> {
                    f.put("status", o.status().name());
                    f.put("code", o.code() == null ? null : o.code().name());
                    f.put("message", o.message());
                }
            }
            if (!o.history().isEmpty()) {
                f.set("history", history(o.history()));
            }
        }
        return out;
    }

    /** Versions, newest first: {@code [{"uuid", "value", "status", "created_at", "source", "prev", "range_key"?}]}. */
    public static ArrayNode history(List<AtomVersion> versions) {
        ArrayNode out = MAPPER.createArrayNode();
        for (AtomVersion v : versions) {
            ObjectNode a = out.addObject();
            a.put("uuid", v.uuid());
            a.set("value", MAPPER.valueToTree(v.content()));
            a.put("status", v.status().name());
            a.put("created_at", v.createdAt() == null ? null : v.createdAt().toString());
            a.put("source", v.sourceKey());
            a.put("prev", v.prevAtomUuid());
            if (v.rangeKey() != null) {
                a.put("range_key", v.rangeKey());
            }
        }
        return out;
    }

    /** What a mutation wrote: {@code {"schema", "range_key"?, "atoms": {field: atom uuid}}}. */
    public static ObjectNode mutationResult(MutationResult r) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("schema", r.schema());
        if (r.rangeKey() != null) {
            out.put("range_key", r.rangeKey());
        }
        ObjectNode atoms = out.putObject("atoms");
        r.atoms().forEach(atoms::put);
        return out;
    }

    /**
     * A JSON object as field name to plain Java value (maps, lists, strings, numbers, booleans,
     * null), the form {@code Mutation} carries.
     *
     * @param object a JSON object
     * @throws IllegalArgumentException when it is not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> values(JsonNode object) {
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException("not a JSON object: " + object);
        }
        return MAPPER.convertValue(object, Map.class);
    }

    /** The JSON text of a value, indented, as the shell prints it. */
    public static String pretty(JsonNode value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // A tree of JSON nodes always serializes.
            throw new IllegalStateException(e);
        }
    }

    /**
     * A schema as the node knows it ({@code schema:show}, {@code get_schema}): {@code name},
     * {@code state}, then the schema-file form of {@link #schema(Schema, boolean)} with its
     * {@code hash}. The owner's view ({@code forOwner}) adds {@code source} (where the schema came
     * from) after the state and each field's data reference ({@code ref_atom_uuid}), which apps
     * have no use for. Without {@code state} and {@code source} the result is a schema file the node
     * can load.
     */
    public static ObjectNode schema(SchemaInfo info, boolean forOwner) {
        ObjectNode file = schema(info.schema(), forOwner);
        ObjectNode out = NODES.objectNode();
        out.put("name", info.schema().name());
        out.put("state", info.state().displayName());
        if (forOwner) {
            out.put("source", info.source());
        }
        file.properties().forEach(e -> {
            if (!e.getKey().equals("name")) {
                out.set(e.getKey(), e.getValue());
            }
        });
        if (!forOwner) {
            out.put("hash", info.schema().hash());
        }
        return out;
    }

    /**
     * A schema in the schema-file form (docs/schemas.md), normalized: every key present in a fixed
     * order ({@code name}, {@code schema_type}, {@code fields}, {@code payment_config}), fields in
     * definition order, the short forms {@code "Single"}, {@code "None"} and {@code "NoRequirement"},
     * absent explicit policies as {@code null}. Parsing it gives the same schema back. A part the
     * model lacks (a schema built in code without a payment configuration) is written {@code null}.
     *
     * @param withNodeKeys also write what the node assigns: {@code hash} (last) and each field's
     *                     {@code ref_atom_uuid} (both ignored when a file is read)
     */
    public static ObjectNode schema(Schema schema, boolean withNodeKeys) {
        ObjectNode root = NODES.objectNode();
        root.put("name", schema.name());
        root.set("schema_type", schemaType(schema.type()));
        ObjectNode fields = root.putObject("fields");
        schema.fields().forEach((name, field) -> fields.set(name, field(field, withNodeKeys)));
        if (schema.payment() == null) {
            root.putNull("payment_config");
        } else {
            ObjectNode payment = root.putObject("payment_config");
            payment.put("base_multiplier", schema.payment().baseMultiplier());
            payment.put("min_payment_threshold", schema.payment().minPaymentThreshold());
        }
        if (withNodeKeys) {
            root.put("hash", schema.hash());
        }
        return root;
    }

    private static JsonNode schemaType(SchemaType type) {
        if (!type.isRange()) {
            return NODES.textNode("Single");
        }
        ObjectNode range = NODES.objectNode();
        range.putObject("Range").put("range_key", type.rangeKey());
        return range;
    }

    private static ObjectNode field(FieldDefinition field, boolean withNodeKeys) {
        ObjectNode node = NODES.objectNode();
        node.put("field_type", field.fieldType() == null ? null : field.fieldType().jsonName());
        node.set("permission_policy", field.permissions() == null ? NODES.nullNode() : permissions(field.permissions()));
        node.set("payment_config", field.payment() == null ? NODES.nullNode() : payment(field.payment()));
        ObjectNode mappers = node.putObject("field_mappers");
        field.fieldMappers().forEach(mappers::put);
        node.set("transform", transform(field.transform()));
        node.put("writable", field.writable());
        if (withNodeKeys) {
            node.put("ref_atom_uuid", field.refAtomUuid());
        }
        return node;
    }

    private static ObjectNode permissions(PermissionPolicy permissions) {
        ObjectNode node = NODES.objectNode();
        node.set("read_policy", policy(permissions.read()));
        node.set("write_policy", policy(permissions.write()));
        node.set("explicit_read_policy", explicit(permissions.explicitRead()));
        node.set("explicit_write_policy", explicit(permissions.explicitWrite()));
        return node;
    }

    private static JsonNode policy(Policy policy) {
        if (policy.kind() == Policy.Kind.NO_REQUIREMENT) {
            return NODES.textNode("NoRequirement");
        }
        ObjectNode node = NODES.objectNode();
        node.put("Distance", policy.distance());
        return node;
    }

    private static JsonNode explicit(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        ObjectNode byKey = node.putObject("counts_by_pub_key");
        counts.forEach(byKey::put);
        return node;
    }

    private static ObjectNode payment(FieldPaymentConfig payment) {
        ObjectNode node = NODES.objectNode();
        node.put("base_multiplier", payment.baseMultiplier());
        node.set("trust_distance_scaling", scaling(payment.trustDistanceScaling()));
        if (payment.minPayment() == null) {
            node.putNull("min_payment");
        } else {
            node.put("min_payment", payment.minPayment());
        }
        return node;
    }

    private static JsonNode scaling(TrustDistanceScaling scaling) {
        ObjectNode node = NODES.objectNode();
        switch (scaling.kind()) {
            case NONE -> {
                return NODES.textNode("None");
            }
            case LINEAR -> node.putObject("Linear")
                    .put("slope", scaling.slope())
                    .put("intercept", scaling.intercept())
                    .put("min_factor", scaling.minFactor());
            case EXPONENTIAL -> node.putObject("Exponential")
                    .put("base", scaling.base())
                    .put("scale", scaling.scale())
                    .put("min_factor", scaling.minFactor());
        }
        return node;
    }

    private static JsonNode transform(TransformDefinition transform) {
        if (transform == null) {
            return NODES.nullNode();
        }
        ObjectNode node = NODES.objectNode();
        ArrayNode inputs = node.putArray("inputs");
        transform.inputs().forEach(inputs::add);
        node.put("logic", transform.logic());
        node.put("output", transform.output());
        return node;
    }

    private static String text(JsonNode v, String what) {
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw badFilter(what + " must be a string, number or boolean");
        }
        return v.asText();
    }

    private static FoldException badFilter(String message) {
        return new FoldException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
