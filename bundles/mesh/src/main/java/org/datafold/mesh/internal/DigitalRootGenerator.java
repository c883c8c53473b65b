package org.datafold.mesh.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generator of the mesh's original design: at a phase boundary ({@code step % phaseResetInterval
 * == 0}) the value is the seed; at any other step it is the digital root (the repeated digit sum) of
 * the previous step's value times the seed. With seed 7, steps 0 to 3 give 7, 4, 1, 7.
 *
 * <p>Anyone who knows the seed and the interval can compute it: it detects corruption and careless
 * senders, not forgers (the {@link HmacGenerator} does). Computed values are kept in a bounded
 * least-recently-used cache.
 */
final class DigitalRootGenerator implements PatternGenerator {

    static final String NAME = "digital_root";
    /** The largest seed: its square still fits a long. */
    static final long MAX_SEED = 1_000_000_000L;

    private final long seed;
    private final long phaseResetInterval;
    private final Map<Long, Long> cache;
    private long hits;
    private long misses;

    /**
     * @param seed               1 to {@link #MAX_SEED}
     * @param phaseResetInterval 1 or more
     * @param cacheSize          the most values kept (0 keeps none)
     */
    DigitalRootGenerator(long seed, long phaseResetInterval, int cacheSize) {
        if (seed < 1 || seed > MAX_SEED) {
            throw new IllegalArgumentException("pattern_seed must be 1 to " + MAX_SEED + ", not " + seed);
        }
        if (phaseResetInterval < 1) {
            throw new IllegalArgumentException("phase_reset_interval must be 1 or more, not " + phaseResetInterval);
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("pattern_cache_size must be 0 or more, not " + cacheSize);
        }
        this.seed = seed;
        this.phaseResetInterval = phaseResetInterval;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
                return size() > cacheSize;
            }
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized long value(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("negative step " + step);
        }
        Long cached = cache.get(step);
        if (cached != null) {
            hits++;
            return cached;
        }
        misses++;
        // Start from the nearest earlier step of the same phase whose value is cached, or the phase start.
        long phaseStart = step - step % phaseResetInterval;
        long from = step;
        while (from > phaseStart && !cache.containsKey(from)) {
            from--;
        }
        long value = from == phaseStart ? seed : cache.get(from);
        for (long s = from + 1; s <= step; s++) {
            value = digitalRoot(value * seed);
        }
        cache.put(step, value);
        return value;
    }

    /** Cache hits and misses so far (for tests and diagnostics). */
    synchronized long[] cacheStats() {
        return new long[] { hits, misses, cache.size() };
    }

    /** The repeated digit sum of a non-negative number: 0 for 0, else 1 + (n - 1) % 9. */
    static long digitalRoot(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative " + n);
        }
        return n == 0 ? 0 : 1 + (n - 1) % 9;
    }
}
