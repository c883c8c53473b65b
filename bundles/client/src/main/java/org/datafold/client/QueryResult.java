package org.datafold.client;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer to a query: for a single schema {@link #fields()}, for a range schema {@link #rows()}
 * (range key to fields, in the node's order).
 *
 * @param schema the schema
 * @param fields the fields of a single schema (empty for a range schema)
 * @param rows   the rows of a range schema (empty for a single schema)
 * @param raw    the response's {@code data} as sent
 */
public record QueryResult(String schema, Map<String, FieldValue> fields, Map<String, Map<String, FieldValue>> rows,
        JsonNode raw) {
    public QueryResult {
        fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        rows = rows == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rows));
    }

    /** Whether the answer has rows (a range schema). */
    public boolean isRange() {
        return raw != null && raw.has("rows");
    }

    /** One field of a single schema, or {@code null} when the answer has no such field. */
    public FieldValue field(String name) {
        return fields.get(name);
    }
}
