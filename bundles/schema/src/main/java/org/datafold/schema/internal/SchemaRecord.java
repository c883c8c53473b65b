package org.datafold.schema.internal;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.datafold.api.schema.SchemaState;

/**
 * A schema as stored in the {@code schemas} repository, keyed by name.
 *
 * @param name       the schema name
 * @param definition the definition in the normalized DataFold format, without hash and data
 *                   references (see {@link SchemaJson#toJson})
 * @param hash       the content hash
 * @param state      the lifecycle state
 * @param source     where the schema was first loaded from
 * @param refs       field name to data reference, for every field once approved; kept for good
 *                   (unload and block keep them, so a re-approved schema finds its data again)
 * @param mappings   field name to the {@code Schema.field} whose data reference it shares, for
 *                   each mapped field once approved
 * @param loadedAt   when the schema became known to the node
 * @param changedAt  when its state last changed
 */
public record SchemaRecord(String name, String definition, String hash, SchemaState state, String source,
        Map<String, String> refs, Map<String, String> mappings, Instant loadedAt, Instant changedAt) {

    public SchemaRecord {
        refs = copy(refs);
        mappings = copy(mappings);
    }

    SchemaRecord withState(SchemaState newState, Instant at) {
        return new SchemaRecord(name, definition, hash, newState, source, refs, mappings, loadedAt, at);
    }

    SchemaRecord approved(Map<String, String> newRefs, Map<String, String> newMappings, Instant at) {
        return new SchemaRecord(name, definition, hash, SchemaState.APPROVED, source, newRefs, newMappings,
                loadedAt, at);
    }

    private static Map<String, String> copy(Map<String, String> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
