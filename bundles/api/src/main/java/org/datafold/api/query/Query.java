package org.datafold.api.query;

import java.util.List;
import java.util.Objects;

/**
 * Reads the latest values of some fields of a schema.
 *
 * @param schema         the schema name
 * @param fields         the fields to read
 * @param filter         for range schemas, which rows (null: all rows); must be null for single schemas
 * @param includeHistory also return each field's versions, newest first
 * @param historyLimit   the most versions per field when {@code includeHistory}
 */
public record Query(String schema, List<String> fields, RangeFilter filter, boolean includeHistory,
        int historyLimit) {
    public Query {
        Objects.requireNonNull(schema, "schema");
        fields = List.copyOf(fields);
    }

    public static Query of(String schema, List<String> fields) {
        return new Query(schema, fields, null, false, 0);
    }

    public static Query of(String schema, List<String> fields, RangeFilter filter) {
        return new Query(schema, fields, filter, false, 0);
    }
}
