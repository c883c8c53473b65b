package org.datafold.transport.uds.internal;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.datafold.support.log.EventLimiter;

/**
 * Counters of the app socket: per operation count, errors by code and a latency histogram. Public
 * for {@code sock:stats} ({@code internal.command}); written by the server only.
 */
public final class Stats {
    public final LongAdder accepted = new LongAdder();
    public final LongAdder refused = new LongAdder();
    public final LongAdder authFailures = new LongAdder();
    public final LongAdder authSuccesses = new LongAdder();
    public final LongAdder framesTooLarge = new LongAdder();
    public final LongAdder timeouts = new LongAdder();
    public final LongAdder authTimeouts = new LongAdder();
    public final LongAdder framesWaitedForMemory = new LongAdder();
    /**
     * Security events (refusals, failed authentications, oversized frames, time-outs) counted
     * exactly by kind; logged in full a few at a time per peer and kind, then summarised.
     */
    public final EventLimiter events = new EventLimiter(EventLimiter.logTo(Dispatcher.SECURITY, "app socket", "sock:stats"), 5, Duration.ofMinutes(1), 1024);
    private final Map<String, Op> ops = new ConcurrentHashMap<>();

    Op op(String name) {
        return ops.computeIfAbsent(name, n -> new Op());
    }

    /** Records one request: its latency and, if it failed, its code. */
    void record(String operation, long nanos, String errorCode) {
        Op op = op(operation);
        op.count.increment();
        op.latency.record(nanos);
        if (errorCode != null) {
            op.errors.computeIfAbsent(errorCode, c -> new LongAdder()).increment();
        }
    }

    /** A snapshot, by operation name. */
    public Map<String, Op> operations() {
        return new TreeMap<>(ops);
    }

    /** The counters of one operation. */
    public static final class Op {
        public final LongAdder count = new LongAdder();
        public final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        public final Histogram latency = new Histogram();

        /** The failed requests, whatever their code. */
        public long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    /**
     * Latencies in fixed logarithmic buckets: bucket i holds values up to 2^(i/4) microseconds
     * (about 19 % resolution), from 1 µs to about 9 minutes. Percentiles report the bucket's upper
     * bound.
     */
    public static final class Histogram {
        static final int BUCKETS = 120;
        private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

        void record(long nanos) {
            counts.incrementAndGet(bucket(nanos / 1000.0));
        }

        static int bucket(double micros) {
            if (micros <= 1) {
                return 0;
            }
            int b = (int) Math.ceil(4 * Math.log(micros) / Math.log(2));
            return Math.min(Math.max(b, 0), BUCKETS - 1);
        }

        static double upperBoundMicros(int bucket) {
            return Math.pow(2, bucket / 4.0);
        }

        long total() {
            long n = 0;
            for (int i = 0; i < BUCKETS; i++) {
                n += counts.get(i);
            }
            return n;
        }

        /** The latency in microseconds below which {@code q} (0..1) of the requests fall; 0 when empty. */
        public double percentileMicros(double q) {
            long n = total();
            if (n == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(q * n));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts.get(i);
                if (seen >= rank) {
                    return upperBoundMicros(i);
                }
            }
            return upperBoundMicros(BUCKETS - 1);
        }
    }
}
