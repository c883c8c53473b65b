package org.datafold.api.permission;

import java.time.Instant;

/**
 * A security event. Keys appear only as short fingerprints ({@link PublicKeys#fingerprint(String)}).
 *
 * @param at      when it happened
 * @param kind    what happened
 * @param subject the fingerprint of the key concerned (the caller denied, the key trusted or
 *                granted), or {@code owner}
 * @param schema  the schema concerned, or null
 * @param field   the field concerned, or null
 * @param rule    the rule that decided (for a denial) or the change made (distance, access...)
 * @param detail  one human-readable sentence
 */
public record AuditEvent(Instant at, Kind kind, String subject, String schema, String field, String rule,
        String detail) {

    /** The kinds of security events. */
    public enum Kind { DENIED, GRANTED, REVOKED, TRUSTED, UNTRUSTED }
}
