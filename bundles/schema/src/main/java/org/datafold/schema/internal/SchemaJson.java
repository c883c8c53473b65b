package org.datafold.schema.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * JSON in canonical form, for content hashes ({@link SchemaHash}). Schemas are written in the
 * schema-file form by {@code org.datafold.json.NodeJson#schema}, the one writer of that form.
 */
public final class SchemaJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private SchemaJson() {
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
