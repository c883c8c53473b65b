package org.datafold.schema.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes schemas back in the DataFold format, and JSON in canonical form.
 *
 * <p>The written form is normalized: every key present in a fixed order, fields in definition
 * order, the short forms {@code "Single"}, {@code "None"} and {@code "NoRequirement"}, absent
 * explicit policies as {@code null}. Parsing it gives the same schema back.
 */
public final class SchemaJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory FACTORY = new JsonFactory();

    private SchemaJson() {
    }

    /**
     * The schema in the DataFold format.
     *
     * @param withNodeKeys also write {@code hash} and each field's {@code ref_atom_uuid}
     */
    public static ObjectNode toJson(Schema schema, boolean withNodeKeys) {
        ObjectNode root = NODES.objectNode();
        root.put("name", schema.name());
        root.set("schema_type", schemaType(schema.type()));
        ObjectNode fields = root.putObject("fields");
        schema.fields().forEach((name, field) -> fields.set(name, field(field, withNodeKeys)));
        ObjectNode payment = root.putObject("payment_config");
        payment.put("base_multiplier", schema.payment().baseMultiplier());
        payment.put("min_payment_threshold", schema.payment().minPaymentThreshold());
        if (withNodeKeys) {
            root.put("hash", schema.hash());
        }
        return root;
    }

    static JsonNode schemaType(SchemaType type) {
        if (!type.isRange()) {
            return NODES.textNode("Single");
        }
        ObjectNode range = NODES.objectNode();
        range.putObject("Range").put("range_key", type.rangeKey());
        return range;
    }

    private static ObjectNode field(FieldDefinition field, boolean withNodeKeys) {
        ObjectNode node = NODES.objectNode();
        node.put("field_type", field.fieldType().jsonName());
        node.set("permission_policy", permissions(field.permissions()));
        node.set("payment_config", payment(field.payment()));
        node.set("field_mappers", mappers(field.fieldMappers()));
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

    static ObjectNode mappers(Map<String, String> mappers) {
        ObjectNode node = NODES.objectNode();
        mappers.forEach(node::put);
        return node;
    }

    static JsonNode transform(TransformDefinition transform) {
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

    /** The JSON text of a tree, compact, keys in the tree's order. */
    public static String toText(JsonNode node) {
        return node.toString();
    }

    /**
     * Canonical JSON: object keys sorted (by UTF-16 code units, as {@link String#compareTo}),
     * no whitespace, strings escaped as Jackson writes them, numbers normalized so that
     * {@code 1}, {@code 1.0} and {@code 1.00} are the same ({@code 1}) and {@code 0.50} is {@code 0.5}.
     * Array order is kept.
     */
    public static String canonical(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(out)) {
            writeCanonical(node, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeCanonical(JsonNode node, JsonGenerator out) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                node.properties().forEach(entry -> keys.add(entry.getKey()));
                keys.sort(null);
                out.writeStartObject();
                for (String key : keys) {
                    out.writeFieldName(key);
                    writeCanonical(node.get(key), out);
                }
                out.writeEndObject();
            }
            case ARRAY -> {
                out.writeStartArray();
                for (JsonNode item : node) {
                    writeCanonical(item, out);
                }
                out.writeEndArray();
            }
            case NUMBER -> out.writeRawValue(canonicalNumber(node));
            case STRING -> out.writeString(node.textValue());
            case BOOLEAN -> out.writeBoolean(node.booleanValue());
            default -> out.writeNull();
        }
    }

    /** The shortest plain decimal form: no exponent, no trailing zeros, no {@code .0}. */
    static String canonicalNumber(JsonNode number) {
        BigDecimal value = number.decimalValue();
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() <= 0 ? stripped.toBigInteger().toString() : stripped.toPlainString();
    }
}
