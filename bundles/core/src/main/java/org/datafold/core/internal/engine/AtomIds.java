package org.datafold.core.internal.engine;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids of new atoms: time-ordered UUIDs (version 7 of RFC 9562: 48 bits of Unix milliseconds, then
 * random bits). Atoms are stored by id, so ids that grow with time put each new atom at the end of
 * the store's B-tree instead of at a random place in it: a write touches the same few tree nodes
 * as the writes before it, which keeps the tree's working set small and its checkpoints short.
 * Within one millisecond the 12 bits after the timestamp count up, so that ids of one node keep
 * growing; the remaining 62 bits are random.
 */
final class AtomIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** The last timestamp (ms, high 52 bits) and sequence (low 12 bits) handed out. */
    private static final AtomicLong LAST = new AtomicLong();

    private AtomIds() {
    }

    static String next() {
        return next(System.currentTimeMillis());
    }

    static String next(long nowMillis) {
        long stamp;
        long previous;
        do {
            previous = LAST.get();
            long candidate = nowMillis << 12;
            // Same or earlier millisecond (a clock step back): count up after the last one.
            stamp = candidate > previous ? candidate : previous + 1;
        } while (!LAST.compareAndSet(previous, stamp));
        long millis = stamp >>> 12;
        long sequence = stamp & 0xFFF;
        long msb = (millis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | sequence;
        long lsb = RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
