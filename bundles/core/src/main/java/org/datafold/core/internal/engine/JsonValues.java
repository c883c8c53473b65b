package org.datafold.core.internal.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Field values: the check that a value fits a field, its conversion to the stored JSON tree and
 * back to plain Java, and the string form of a range key.
 *
 * <p>A value fits a field when it is a JSON value built from {@code null}, {@link String},
 * {@link Boolean}, the integer types ({@code Byte}, {@code Short}, {@code Integer}, {@code Long},
 * {@link BigInteger}), finite floating-point numbers ({@code Float}, {@code Double},
 * {@link BigDecimal}), {@link List}s and {@link Map}s with {@code String} keys, within these
 * limits, which keep every stored value readable again:
 * <ul>
 * <li>at most {@value #MAX_DEPTH} levels of nested lists and maps;</li>
 * <li>strings of at most {@value #MAX_STRING_CHARS} characters, map keys of at most
 * {@value #MAX_NAME_CHARS}, integers of at most {@value #MAX_INTEGER_DIGITS} digits;</li>
 * <li>text is valid Unicode (no unpaired surrogate).</li>
 * </ul>
 * Field definitions carry no value type, so any JSON value fits any field. Anything else (other
 * Java objects, {@code NaN}, infinities, non-string map keys) is refused with
 * {@code INVALID_VALUE}, naming the schema, the field and the JSON path of the offending part.
 *
 * <p>Decimal numbers are stored as IEEE doubles: a {@code BigDecimal} reads back as the nearest
 * {@code Double}. Integers read back as {@code Integer} when they fit, else {@code Long}, else
 * {@code BigInteger}.
 */
final class JsonValues {

    /** The deepest nesting of lists and maps accepted in a value. */
    static final int MAX_DEPTH = 100;
    /** The longest string accepted in a value. */
    static final int MAX_STRING_CHARS = 10_000_000;
    /** The longest map key accepted in a value. */
    static final int MAX_NAME_CHARS = 10_000;
    /** The most digits of an integer accepted in a value. */
    static final int MAX_INTEGER_DIGITS = 900;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonValues() {
    }

    /**
     * The JSON tree of a value.
     *
     * @throws FoldException {@code INVALID_VALUE} when the value does not fit (see the class comment)
     */
    static JsonNode toJson(Object value, String schema, String field) {
        return convert(value, new Path(null, null, -1), 0, schema, field);
    }

    private static JsonNode convert(Object value, Path path, int depth, String schema, String field) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String s) {
            checkText(s, MAX_STRING_CHARS, "string", path, schema, field);
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return NODES.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof BigInteger big) {
            if (big.abs().toString().length() > MAX_INTEGER_DIGITS) {
                throw invalid("an integer of more than " + MAX_INTEGER_DIGITS + " digits", path, schema, field);
            }
            return NODES.numberNode(big);
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            // A Float is widened through its decimal text so that 0.1f reads back as 0.1.
            double d = value instanceof Float f ? Double.parseDouble(f.toString()) : ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw invalid("a number that is not finite (" + value + ")", path, schema, field);
            }
            return NODES.numberNode(d);
        }
        if (value instanceof Map<?, ?> map) {
            if (depth >= MAX_DEPTH) {
                throw invalid("nested more than " + MAX_DEPTH + " levels deep", path, schema, field);
            }
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw invalid("a map key that is not a string (" + describe(e.getKey()) + ")", path, schema, field);
                }
                Path child = new Path(path, key, -1);
                checkText(key, MAX_NAME_CHARS, "map key", child, schema, field);
                object.set(key, convert(e.getValue(), child, depth + 1, schema, field));
            }
            return object;
        }
        if (value instanceof List<?> list) {
            if (depth >= MAX_DEPTH) {
                throw invalid("nested more than " + MAX_DEPTH + " levels deep", path, schema, field);
            }
            ArrayNode array = NODES.arrayNode(list.size());
            int i = 0;
            for (Object element : list) {
                array.add(convert(element, new Path(path, null, i++), depth + 1, schema, field));
            }
            return array;
        }
        throw invalid("a " + describe(value) + ", not a JSON value (string, number, boolean, list, map or null)",
                path, schema, field);
    }

    private static void checkText(String s, int max, String what, Path path, String schema, String field) {
        if (s.length() > max) {
            throw invalid("a " + what + " of " + s.length() + " characters (at most " + max + ")", path, schema, field);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw invalid("a " + what + " that is not valid Unicode (unpaired surrogate at index " + i + ")",
                            path, schema, field);
                }
            }
        }
    }

    private static String describe(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    private static FoldException invalid(String reason, Path path, String schema, String field) {
        String at = path.toString();
        return new FoldException(ErrorCode.INVALID_VALUE,
                "the value of " + schema + "." + field + " at " + at + " is " + reason,
                Map.of("schema", schema, "field", field, "path", at), null);
    }

    /**
     * The plain Java form of a stored value: {@code null}, {@code String}, {@code Boolean},
     * {@code Integer}/{@code Long}/{@code BigInteger}, {@code Double}, and unmodifiable
     * {@code List}s and {@code Map}s (maps keep the stored key order).
     */
    static Object toJava(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNumber()) {
            if (node.isShort()) {
                return node.intValue();
            }
            if (node.isFloat()) {
                return node.doubleValue();
            }
            return node.numberValue();
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>(Math.max(4, node.size() * 2));
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), toJava(e.getValue()));
            }
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode element : node) {
                list.add(toJava(element));
            }
            return Collections.unmodifiableList(list);
        }
        // Binary or POJO nodes are never stored by the engine; show them as their text.
        return node.asText();
    }

    /**
     * The row key a range key value selects: a string as it is, a number as its JSON text
     * ({@code 7}, {@code 2.5}, {@code 1.0E20}), a boolean as {@code true}/{@code false}; null
     * for anything else (null, lists, maps), which cannot key a row.
     */
    static String rangeKeyText(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        return null;
    }

    /** A JSON path ({@code $.a.b[2]}), built only when an error names it. */
    private record Path(Path parent, String key, int index) {
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            append(sb);
            return sb.toString();
        }

        private void append(StringBuilder sb) {
            if (parent == null) {
                sb.append('$');
                return;
            }
            parent.append(sb);
            if (key != null) {
                sb.append('.').append(key);
            } else {
                sb.append('[').append(index).append(']');
            }
        }
    }
}
