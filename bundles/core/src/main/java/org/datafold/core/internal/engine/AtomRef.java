package org.datafold.core.internal.engine;

/**
 * The head of one field's history, stored in the {@code atom_refs} repository. The key is the
 * field's data reference ({@code refAtomUuid} of its definition) for a single schema, and
 * {@code <ref>/<rangeKey>} for a row of a range schema. Mapped fields carry the reference of the
 * field they map to, so they share one head and one history.
 *
 * @param atomUuid the latest atom
 * @param versions how many atoms the history holds (including deleted ones)
 * @param deleted  whether the latest atom is a {@code Deleted} one
 */
public record AtomRef(String atomUuid, long versions, boolean deleted) {
}
