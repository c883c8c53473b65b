package org.datafold.api.query;

import java.time.Instant;

/**
 * One immutable version of a field's value.
 *
 * @param uuid          the atom id
 * @param schema        the schema it was written through
 * @param field         the field it was written through
 * @param rangeKey      the row, for range fields
 * @param sourceKey     who wrote it (public key, {@code owner}, or {@code transform:<id>})
 * @param createdAt     when
 * @param prevAtomUuid  the previous version, or null
 * @param content       the JSON value (null for a deleted value)
 * @param status        {@code ACTIVE} or {@code DELETED}
 */
public record AtomVersion(String uuid, String schema, String field, String rangeKey, String sourceKey,
        Instant createdAt, String prevAtomUuid, Object content, Status status) {
    public enum Status { ACTIVE, DELETED }
}
