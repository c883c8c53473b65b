package org.datafold.client;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Selects rows of a range schema by their range key, in the JSON forms of the protocol:
 * {@code {"Key": "k"}}, {@code {"KeyPrefix": "p"}}, {@code {"KeyRange": {"start": "a", "end": "m"}}}
 * (end exclusive), {@code {"Keys": ["a", "b"]}}, {@code {"KeyPattern": "a*"}}. Immutable.
 */
public final class RangeFilter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode json;

    private RangeFilter(ObjectNode json) {
        this.json = json;
    }

    public static RangeFilter key(String key) {
        return new RangeFilter(JSON.createObjectNode().put("Key", Objects.requireNonNull(key, "key")));
    }

    public static RangeFilter keyPrefix(String prefix) {
        return new RangeFilter(JSON.createObjectNode().put("KeyPrefix", Objects.requireNonNull(prefix, "prefix")));
    }

    /** Keys from {@code start} (inclusive) to {@code end} (exclusive). */
    public static RangeFilter keyRange(String start, String end) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("KeyRange").put("start", Objects.requireNonNull(start, "start")).put("end", Objects.requireNonNull(end, "end"));
        return new RangeFilter(root);
    }

    public static RangeFilter keys(List<String> keys) {
        ObjectNode root = JSON.createObjectNode();
        keys.forEach(root.putArray("Keys")::add);
        return new RangeFilter(root);
    }

    public static RangeFilter keys(String... keys) {
        return keys(List.of(keys));
    }

    /** A glob over the whole key: {@code *} any run of characters, {@code ?} exactly one. */
    public static RangeFilter keyPattern(String pattern) {
        return new RangeFilter(JSON.createObjectNode().put("KeyPattern", Objects.requireNonNull(pattern, "pattern")));
    }

    /**
     * A filter from its JSON text; the node checks the form.
     *
     * @throws IllegalArgumentException when the text is not a JSON object with exactly one member
     */
    public static RangeFilter parse(String jsonText) {
        JsonNode node;
        try {
            node = JSON.readTree(jsonText);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a filter must be JSON: " + e.getOriginalMessage());
        }
        return of(node);
    }

    /**
     * A filter from its JSON form; the node checks the form.
     *
     * @throws IllegalArgumentException when it is not a JSON object with exactly one member
     */
    public static RangeFilter of(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw new IllegalArgumentException("a filter is a JSON object with one member, like {\"Key\": \"k\"}");
        }
        return new RangeFilter(((ObjectNode) node).deepCopy());
    }

    /** The JSON form (a copy). */
    public ObjectNode toJson() {
        return json.deepCopy();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeFilter other && other.json.equals(json);
    }

    @Override
    public int hashCode() {
        return json.hashCode();
    }

    @Override
    public String toString() {
        return json.toString();
    }
}
