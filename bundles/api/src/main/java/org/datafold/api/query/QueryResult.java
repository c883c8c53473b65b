package org.datafold.api.query;

import java.util.List;
import java.util.Map;

/**
 * The result of a query: one row for a single schema (range key null), or one row per matching
 * range key, in key order.
 */
public record QueryResult(String schema, List<Row> rows) {
    public QueryResult {
        rows = List.copyOf(rows);
    }

    /**
     * @param rangeKey the row's range key, null for a single schema
     * @param fields   field name to outcome, in the order asked
     */
    public record Row(String rangeKey, Map<String, FieldOutcome> fields) {
        public Row {
            fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        }
    }
}
