package org.datafold.schema.internal;

/**
 * The owner of a content hash, stored in the {@code schemas.by_hash} repository keyed by hash:
 * one content is known under one name only.
 *
 * @param name the schema with this content
 */
public record SchemaHashRecord(String name) {
}
