package org.datafold.core.internal.engine;

/**
 * The key of a field's history head in the {@code atom_refs} repository: the field's data
 * reference for a single schema, {@code <ref>/<rangeKey>} for a row of a range schema. The one
 * place that renders and reads that form.
 *
 * @param ref      the field's data reference
 * @param rangeKey the row, or null for a single schema
 */
record AtomKey(String ref, String rangeKey) {

    static AtomKey of(String ref, String rangeKey) {
        return new AtomKey(ref, rangeKey);
    }

    /** The storage key. */
    String storageKey() {
        return rangeKey == null ? ref : rowPrefix(ref) + rangeKey;
    }

    /** The common prefix of the keys of every row of a field of a range schema. */
    static String rowPrefix(String ref) {
        return ref + "/";
    }

    /** The range key of a storage key that starts with {@link #rowPrefix(String)} of {@code ref}. */
    static String rangeKeyOf(String ref, String storageKey) {
        return storageKey.substring(rowPrefix(ref).length());
    }
}
