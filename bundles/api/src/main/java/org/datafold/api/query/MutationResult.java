package org.datafold.api.query;

import java.util.Map;

/**
 * What a mutation wrote.
 *
 * @param schema   the schema
 * @param rangeKey the row, for a range schema
 * @param atoms    field name to the uuid of the atom written
 */
public record MutationResult(String schema, String rangeKey, Map<String, String> atoms) {
    public MutationResult {
        atoms = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(atoms));
    }
}
