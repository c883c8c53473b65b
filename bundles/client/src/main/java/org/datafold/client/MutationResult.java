package org.datafold.client;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer to a mutation.
 *
 * @param schema   the schema
 * @param rangeKey the row of a range schema, or {@code null}
 * @param atoms    field to the atom id of its new version
 * @param raw      the response's {@code data} as sent
 */
public record MutationResult(String schema, String rangeKey, Map<String, String> atoms, JsonNode raw) {
    public MutationResult {
        atoms = atoms == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(atoms));
    }
}
