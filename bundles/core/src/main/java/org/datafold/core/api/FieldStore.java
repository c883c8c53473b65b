package org.datafold.core.api;

import java.util.Optional;

import org.datafold.api.FoldException;
import org.datafold.api.query.MutationResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The engine's field-level access for platform bundles that compute fields: the current value of a
 * field by its data reference, and writes of computed values, which bypass the checks that protect
 * computed fields from callers.
 */
@ProviderType
public interface FieldStore {

    /**
     * The current value of a field (of one row) by its data reference, as the Java value a query
     * returns; empty when it was never written, is deleted, or holds null.
     *
     * @param rangeKey the row, for a range field; else null
     */
    Optional<Object> currentValue(String fieldRef, String rangeKey);

    /**
     * Writes a computed value: one field (of one row), as a new atom whose source is {@code source}.
     * The write, {@code alsoInTransaction} and the {@link CommitListener}s' work (at depth
     * {@code depth + 1}) commit together.
     *
     * @param rangeKey the row, for a range schema; else null
     * @param depth    the cascade depth of the work that computed the value
     * @throws FoldException {@code SCHEMA_NOT_APPROVED}, {@code FIELD_NOT_FOUND},
     *         {@code INVALID_VALUE}, or a storage error; nothing is written then
     */
    MutationResult writeComputed(String schema, String field, String rangeKey, Object value, String source, int depth,
            Runnable alsoInTransaction);
}
