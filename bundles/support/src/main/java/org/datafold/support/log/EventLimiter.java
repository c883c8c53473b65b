package org.datafold.support.log;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;

/**
 * Keeps log volume bounded under hostile load while the counts stay exact. Events are keyed by
 * peer (a uid) and kind; in each interval the first {@code burst} events of a key are logged in
 * full, the others only counted, and when the interval ends one line says how many were suppressed.
 * The number of keys is bounded: past {@code maxKeys}, new peers share one key. Every event is
 * counted by kind ({@link #counts()}), logged or not.
 */
public final class EventLimiter {
    public static final String OTHER_PEERS = "other peers";

    private final Reporter reporter;
    private final LongSupplier clock;
    private final int burst;
    private final long intervalNanos;
    private final int maxKeys;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    /** Per key, in insertion order; guarded by itself. */
    private final Map<Key, Window> windows = new LinkedHashMap<>();

    private record Key(String peer, String kind) {
    }

    private static final class Window {
        long startNanos;
        int logged;
        long suppressed;

        Window(long now) {
            startNanos = now;
        }
    }

    /** Says how many events of a key were not logged one by one in an interval. */
    @FunctionalInterface
    public interface Reporter {
        void suppressed(String peer, String kind, long count, Duration interval);
    }

    /**
     * Reports suppressed events as one security log line each, e.g. {@code "SECURITY app socket: 95
     * more 'authentication-failed' event(s) from uid 7 in the last 60 s were not logged one by one
     * (counts in sock:stats)"}.
     *
     * @param source what logs ("app socket")
     * @param counts where the exact counts are shown ("sock:stats")
     */
    public static Reporter logTo(Logger log, String source, String counts) {
        return (peer, kind, count, interval) -> log.warn("SECURITY {}: {} more '{}' event(s) from {} in the last {} s"
                + " were not logged one by one (counts in {})", source, count, kind, peer, interval.toSeconds(), counts);
    }

    public EventLimiter(Reporter reporter, int burst, Duration interval, int maxKeys) {
        this(reporter, burst, interval, maxKeys, System::nanoTime);
    }

    public EventLimiter(Reporter reporter, int burst, Duration interval, int maxKeys, LongSupplier clock) {
        this.clock = clock;
        this.reporter = reporter;
        this.burst = burst;
        this.intervalNanos = interval.toNanos();
        this.maxKeys = maxKeys;
    }

    /**
     * Counts an event and says whether to log it in full. The caller logs when this returns true
     * (so that the message is only built for events that are logged).
     */
    public boolean admit(String peer, String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
        long now = clock.getAsLong();
        synchronized (windows) {
            Key key = new Key(peer, kind);
            Window w = windows.get(key);
            if (w == null) {
                if (windows.size() >= maxKeys) {
                    key = new Key(OTHER_PEERS, kind);
                    w = windows.get(key);
                }
                if (w == null) {
                    w = new Window(now);
                    windows.put(key, w);
                }
            }
            if (now - w.startNanos >= intervalNanos) {
                report(key, w);
                w.startNanos = now;
                w.logged = 0;
                w.suppressed = 0;
            }
            if (w.logged < burst) {
                w.logged++;
                return true;
            }
            w.suppressed++;
            return false;
        }
    }

    /** Reports the suppressed events of windows that have ended, and forgets quiet keys. */
    public void flush() {
        long now = clock.getAsLong();
        synchronized (windows) {
            for (Iterator<Map.Entry<Key, Window>> it = windows.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Key, Window> e = it.next();
                Window w = e.getValue();
                if (now - w.startNanos >= intervalNanos) {
                    report(e.getKey(), w);
                    it.remove();
                }
            }
        }
    }

    private void report(Key key, Window w) {
        if (w.suppressed > 0) {
            reporter.suppressed(key.peer(), key.kind(), w.suppressed, Duration.ofNanos(intervalNanos));
        }
    }

    /** Events counted so far, by kind. */
    public Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Keys currently tracked (bounded by {@code maxKeys} plus one per kind). */
    public int trackedKeys() {
        synchronized (windows) {
            return windows.size();
        }
    }
}
