package org.datafold.api.permission;

import java.time.Instant;

/**
 * A key the owner assigned a trust distance to.
 *
 * @param key        the public key (canonical form: standard base64 of the raw 32 bytes)
 * @param distance   the trust distance, 0 or more (0 is as trusted as the owner)
 * @param label      a short name the owner gave the key, or null
 * @param assignedAt when the distance was (last) assigned
 */
public record TrustEntry(String key, int distance, String label, Instant assignedAt) {
}
