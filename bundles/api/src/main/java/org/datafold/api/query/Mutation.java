package org.datafold.api.query;

import java.util.Map;
import java.util.Objects;

/**
 * Writes fields of a schema, all or nothing. For a range schema, {@code values} must hold the
 * range key field with a non-blank value (strings; numbers and booleans are stringified); it
 * selects the row. For {@code DELETE} the values of the listed fields are ignored: each listed field
 * gets a {@code Deleted} atom with null content.
 *
 * @param schema the schema name
 * @param type   create, update (fails on fields without a value) or delete
 * @param values field name to JSON value
 */
public record Mutation(String schema, Type type, Map<String, Object> values) {
    public enum Type { CREATE, UPDATE, DELETE }

    public Mutation {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(type, "type");
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
}
