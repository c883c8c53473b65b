package org.datafold.api.permission;

import java.time.Instant;

/**
 * Access the owner granted to a key at run time, on top of the schema's policies.
 *
 * @param id        the grant's id
 * @param key       the public key it was granted to (canonical form)
 * @param schema    the schema name
 * @param field     the field name, or null for every field of the schema
 * @param access    read or write
 * @param grantedAt when it was granted
 * @param expiresAt when it stops being valid, or null for never
 */
public record Grant(String id, String key, String schema, String field, Access access, Instant grantedAt,
        Instant expiresAt) {

    /** Whether the grant is valid at {@code now}. */
    public boolean liveAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    /** Whether the grant covers this field of this schema for this access. */
    public boolean covers(String schemaName, String fieldName, Access wanted) {
        return access == wanted && schema.equals(schemaName) && (field == null || field.equals(fieldName));
    }
}
