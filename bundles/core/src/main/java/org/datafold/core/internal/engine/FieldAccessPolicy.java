package org.datafold.core.internal.engine;

import java.util.Optional;

import org.datafold.api.query.Caller;
import org.datafold.api.schema.Schema;

/**
 * Decides, field by field, whether a caller may read or write. The engine asks once per field of
 * a query (a refusal becomes that field's {@code DENIED} outcome, the other fields are still
 * answered) and once per field of a mutation (a refusal fails the whole mutation with
 * {@code PERMISSION_DENIED} before anything is written).
 */
@FunctionalInterface
public interface FieldAccessPolicy {

    /** What the caller wants to do with the field. */
    enum Access { READ, WRITE }

    /** Lets every caller read and write every field. */
    FieldAccessPolicy ALLOW_ALL = (caller, schema, field, access) -> Optional.empty();

    /**
     * Why the caller may not access the field, or empty when it may.
     *
     * @param schema the approved schema
     * @param field  a field of that schema
     */
    Optional<String> denial(Caller caller, Schema schema, String field, Access access);
}
