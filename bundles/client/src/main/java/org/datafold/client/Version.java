package org.datafold.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One version of a field's value.
 *
 * @param uuid      the atom id
 * @param value     the value (JSON null for a deleted value)
 * @param status    {@code ACTIVE} or {@code DELETED}
 * @param createdAt when, as the node wrote it (ISO-8601)
 * @param source    who wrote it (a public key, {@code owner}, or {@code transform:<id>})
 * @param prev      the previous version's atom id, or {@code null}
 */
public record Version(String uuid, JsonNode value, String status, String createdAt, String source, String prev) {
}
