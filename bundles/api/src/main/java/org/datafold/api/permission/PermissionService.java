package org.datafold.api.permission;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.datafold.api.query.Caller;
import org.datafold.api.schema.Schema;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The one permission check of the node, and what it depends on: the owner's identity, the trust
 * table, grants and the security audit. Keys are accepted in the text form of {@link PublicKeys}
 * (with or without {@code ed25519:}); wherever a key is expected a label from the trust table
 * (or {@code owner}) may be given instead.
 */
@ProviderType
public interface PermissionService {

    /** The distance of callers nobody assigned one to when the configuration says unlimited. */
    int UNLIMITED = Integer.MAX_VALUE;

    /** The owner's public key (canonical form), created on the node's first start. */
    String ownerKey();

    /**
     * Whether the caller may read or write one field of a schema. Total: an unknown field, a schema
     * that is not approved or a malformed caller key give a denial, never an exception. Every denial
     * is recorded in the audit.
     */
    Decision decide(Caller caller, Schema schema, String field, Access access);

    /** The caller's trust distance: 0 for the owner, {@link #UNLIMITED} when unlimited. */
    int distance(Caller caller);

    /**
     * The canonical key for a key or a label ({@code owner} is the owner's key).
     *
     * @throws org.datafold.api.FoldException {@code INVALID_ARGUMENT} when it is neither a key nor a
     *         known label
     */
    String resolve(String keyOrLabel);

    /**
     * Assigns a trust distance (and optionally a label) to a key; replaces an earlier assignment.
     * Effective for the next request.
     *
     * @param keyOrLabel a key, or the label of a key already in the table
     * @param distance   0 or more
     * @param label      a new label, or null to keep the current one
     */
    TrustEntry trust(String keyOrLabel, int distance, String label);

    /** Removes a key from the trust table; returns whether it was there. */
    boolean untrust(String keyOrLabel);

    /** The trust table, by distance then key. */
    List<TrustEntry> keys();

    /**
     * Grants access to a field (or a whole schema) to a key.
     *
     * @param field     a field, or null for every field of the schema
     * @param expiresIn how long it is valid, or null for until revoked
     */
    Grant grant(String keyOrLabel, String schema, String field, Access access, Duration expiresIn);

    /**
     * Revokes the grants to a key that match exactly.
     *
     * @param field  a field, or null for the schema-wide grants
     * @param access read or write, or null for both
     * @return the grants revoked
     */
    List<Grant> revoke(String keyOrLabel, String schema, String field, Access access);

    /** The grants that are live now. */
    List<Grant> grants();

    /** The security events recorded at or after {@code since}, oldest first. */
    List<AuditEvent> audit(Instant since);
}
