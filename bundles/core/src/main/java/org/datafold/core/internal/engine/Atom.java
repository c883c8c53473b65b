package org.datafold.core.internal.engine;

import java.time.Instant;

import org.datafold.api.query.AtomVersion;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One immutable version of a field's value, stored in the {@code atoms} repository under its
 * {@code uuid}. Atoms are never changed or removed: a new value is a new atom whose
 * {@code prevAtomUuid} points at the one it replaces, so the history of a field is the chain of
 * {@code prevAtomUuid} links starting at the atom its {@link AtomRef} points at.
 *
 * @param uuid         the atom id (a random UUID)
 * @param schema       the schema the value was written through
 * @param field        the field the value was written through (a mapped field shares its data
 *                     with the field it maps to, so the history of one field can hold atoms
 *                     written through another schema)
 * @param rangeKey     the row, for a range schema; null for a single schema
 * @param sourceKey    who wrote it ({@link org.datafold.api.query.Caller#sourceKey()})
 * @param createdAt    when it was written
 * @param prevAtomUuid the version it replaces, or null for the first one
 * @param content      the JSON value; JSON null for a deleted value
 * @param status       {@code ACTIVE}, or {@code DELETED} for the atom a delete writes
 */
public record Atom(String uuid, String schema, String field, String rangeKey, String sourceKey,
        Instant createdAt, String prevAtomUuid, JsonNode content, AtomVersion.Status status) {

    /** The API view of this atom, with the content as plain Java values. */
    public AtomVersion toVersion() {
        return new AtomVersion(uuid, schema, field, rangeKey, sourceKey, createdAt, prevAtomUuid,
                JsonValues.toJava(content), status);
    }
}
