package org.datafold.permissions.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.datafold.api.permission.AuditEvent;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The security audit: every event is logged at once (logger {@code org.datafold.security}) and
 * queued; a background thread writes the queue to the {@code permission.audit} repository in one
 * transaction per batch and enforces the retention (age and count). Requests never wait for the
 * disk; {@link #since(Instant)} writes what is queued first, so it sees every event recorded before.
 */
final class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final Storage storage;
    private final Repository<AuditEvent> events;
    private final Clock clock;
    private final Duration retention;
    private final int maxEvents;
    private final Queue<AuditEvent> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
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
    }

    /** Logs the event and queues it for storage. */
    void record(AuditEvent event) {
        PermissionServiceImpl.SECURITY.info("{} {} {}{}: {}", event.kind(), event.subject(),
                event.schema() == null ? "" : event.schema() + (event.field() == null ? "" : "." + event.field()) + " ",
                "[" + event.rule() + "]", event.detail());
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
