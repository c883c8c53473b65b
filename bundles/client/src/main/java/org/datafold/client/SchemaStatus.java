package org.datafold.client;

/**
 * A schema's state after a lifecycle operation or {@code schema_state}.
 *
 * @param name  the schema
 * @param state {@code Available}, {@code Approved} or {@code Blocked} (the node's names)
 */
public record SchemaStatus(String name, String state) {
}
