package org.datafold.core.internal.engine;

import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decoded atoms kept in memory for reads. Atoms are immutable (a write makes a new atom, it never
 * changes one), so a cached atom is never stale and nothing needs invalidating.
 *
 * <p>Direct-mapped: an atom has one slot (by the hash of its id), and a newer atom in the same slot
 * replaces it. Lookups neither lock nor allocate. Only atoms whose content is small (at most
 * {@link #MAX_CONTENT_CHARS} characters of text, counted roughly) are kept, so the cache holds at
 * most {@code slots * MAX_CONTENT_CHARS} characters of content.
 */
final class AtomCache {

    /** The largest content kept, in characters of text (numbers and names count as a few). */
    static final int MAX_CONTENT_CHARS = 2048;

    private final AtomicReferenceArray<Atom> slots;
    private final int mask;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** @param slots rounded up to a power of two; 0 disables the cache */
    AtomCache(int slots) {
        int size = slots <= 0 ? 0 : Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    /** The cached atom with this id, or null. */
    Atom get(String uuid) {
        if (mask < 0) {
            return null;
        }
        Atom atom = slots.get(slot(uuid));
        if (atom != null && atom.uuid().equals(uuid)) {
            hits.increment();
            return atom;
        }
        misses.increment();
        return null;
    }

    /** Keeps {@code atom} if its content is small. */
    void put(Atom atom) {
        if (mask >= 0 && small(atom.content(), MAX_CONTENT_CHARS) >= 0) {
            slots.set(slot(atom.uuid()), atom);
        }
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    private int slot(String uuid) {
        int h = uuid.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }

    /** What is left of {@code budget} after {@code node}'s text, or a negative number once exceeded. */
    static int small(JsonNode node, int budget) {
        if (node == null || budget < 0) {
            return budget;
        }
        if (node.isTextual()) {
            return budget - node.textValue().length();
        }
        if (!node.isContainerNode()) {
            return budget - 8;
        }
        int left = budget - 2;
        if (node.isObject()) {
            for (Iterator<java.util.Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && left >= 0; ) {
                java.util.Map.Entry<String, JsonNode> e = it.next();
                left = small(e.getValue(), left - e.getKey().length());
            }
        } else {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext() && left >= 0; ) {
                left = small(it.next(), left - 1);
            }
        }
        return left;
    }
}
