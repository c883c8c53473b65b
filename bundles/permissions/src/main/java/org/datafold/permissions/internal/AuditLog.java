package org.datafold.permissions.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.datafold.api.permission.AuditEvent;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.Storage;
import org.datafold.support.log.EventLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security audit: every event is logged at once (logger {@code org.datafold.security}) and
 * queued; a background thread writes the queue to the {@code permission.audit} repository in one
 * transaction per batch and enforces the retention (age and count). Requests never wait for the
 * disk; {@link #since(Instant)} writes what is queued first, so it sees every event recorded before.
 *
 * <p>What a caller can drive is bounded: denials are logged in full a few at a time per key and
 * minute, then summarised in one line a minute; at most {@value #MAX_PENDING} events wait for the
 * writer, and events beyond that are counted as dropped (and said so in the log) rather than held.
 */
final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    static final int MAX_PENDING = 10_000;

    private final Storage storage;
    private final Repository<AuditEvent> events;
    private final Clock clock;
    private final Duration retention;
    private final int maxEvents;
    private final Queue<AuditEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final EventLimiter denials = new EventLimiter(
            EventLimiter.logTo(PermissionServiceImpl.SECURITY, "permissions", "perm:audit"), 5, Duration.ofMinutes(1),
            1024);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "datafold-audit");
        t.setDaemon(true);
        return t;
    });

    AuditLog(Storage storage, Clock clock, Duration retention, int maxEvents) {
        this.storage = storage;
        this.events = storage.repository(PermissionServiceImpl.AUDIT);
        this.clock = clock;
        this.retention = retention;
        this.maxEvents = maxEvents;
        writer.scheduleWithFixedDelay(denials::flush, 10, 10, TimeUnit.SECONDS);
    }

    /** Logs the event and queues it for storage. */
    void record(AuditEvent event) {
        if (event.kind() != AuditEvent.Kind.DENIED || denials.admit(event.subject(), "denied")) {
            PermissionServiceImpl.SECURITY.info("{} {} {}{}: {}", event.kind(), event.subject(),
                    event.schema() == null ? "" : event.schema() + (event.field() == null ? "" : "." + event.field())
                            + " ", "[" + event.rule() + "]", event.detail());
        }
        if (pendingCount.incrementAndGet() > MAX_PENDING) {
            pendingCount.decrementAndGet();
            dropped.increment();
            if (denials.admit("audit writer", "dropped")) {
                LOG.warn("{} security event(s) waiting to be stored already: {} not stored (they are counted)",
                        MAX_PENDING, event.kind());
            }
            return;
        }
        pending.add(event);
        if (scheduled.compareAndSet(false, true)) {
            try {
                writer.execute(() -> {
                    scheduled.set(false);
                    flush();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                scheduled.set(false);
                flush();
            }
        }
    }

    /** The stored events at or after {@code since}, oldest first. */
    List<AuditEvent> since(Instant since) {
        flush();
        List<AuditEvent> out = new ArrayList<>();
        for (Repository.Entry<AuditEvent> e : events.list(Integer.MAX_VALUE)) {
            if (!e.value().at().isBefore(since)) {
                out.add(e.value());
            }
        }
        return out;
    }

    /** Writes the queued events and applies the retention. */
    synchronized void flush() {
        List<AuditEvent> batch = new ArrayList<>();
        for (AuditEvent e; (e = pending.poll()) != null;) {
            pendingCount.decrementAndGet();
            batch.add(e);
        }
        if (batch.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(batch.size());
        for (AuditEvent e : batch) {
            keys.add(String.format("%013d-%012d", e.at().toEpochMilli(), sequence.incrementAndGet()));
        }
        try {
            storage.run(() -> {
                for (int i = 0; i < batch.size(); i++) {
                    events.put(keys.get(i), batch.get(i));
                }
                prune();
            });
        } catch (RuntimeException e) {
            LOG.warn("could not store {} security event(s) (they are in the log): {}", batch.size(), e.toString());
        }
    }

    private void prune() {
        String cutoff = String.format("%013d", clock.instant().minus(retention).toEpochMilli());
        long excess = events.count() - maxEvents;
        while (true) {
            int chunk = (int) Math.min(Integer.MAX_VALUE - 64L, Math.max(excess, 0)) + 64;
            List<Repository.Entry<AuditEvent>> oldest = events.list(chunk);
            for (Repository.Entry<AuditEvent> e : oldest) {
                if (excess <= 0 && e.key().compareTo(cutoff) >= 0) {
                    return;
                }
                events.delete(e.key());
                excess--;
            }
            if (oldest.size() < chunk) {
                return;
            }
        }
    }

    /** Events that were not stored because too many were waiting. */
    long dropped() {
        return dropped.sum();
    }

    /** Events counted so far by kind of limited event ("denied", "dropped"). */
    java.util.Map<String, Long> limitedCounts() {
        return denials.counts();
    }

    /** Stops the writer (without interrupting it: it may be inside storage) and writes what is left. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the audit writer did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
