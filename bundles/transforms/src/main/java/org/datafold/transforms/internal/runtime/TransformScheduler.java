package org.datafold.transforms.internal.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.datafold.api.FoldException;
import org.datafold.api.query.MutationResult;
import org.datafold.api.transform.TransformRun;
import org.datafold.core.api.FieldStore;
import org.datafold.transforms.internal.lang.TransformGraph;
import org.datafold.transforms.internal.lang.TransformGraph.Field;
import org.datafold.transforms.internal.lang.TransformGraph.Node;
import org.datafold.transforms.internal.runtime.TransformCatalog.Stats;
import org.datafold.transforms.internal.runtime.TransformQueue.Group;
import org.datafold.transforms.internal.runtime.TransformRuntime.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued transforms: a dispatcher thread hands due runs to a small pool of workers; a worker
 * reads the inputs, computes the output and writes it through the {@link FieldStore}, removing the
 * run's queue entries in the same transaction as the output. A run whose input has no value is
 * skipped (and says so); a failing run is retried with exponential back-off up to
 * {@link Settings#maxAttempts()} times, then dropped.
 */
final class TransformScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(TransformScheduler.class);
    private static final long IDLE_WAIT_MS = 60_000;

    private final TransformQueue queue;
    private final TransformCatalog catalog;
    private final Supplier<FieldStore> store;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ThreadPoolExecutor workers;
    private final AtomicInteger threadCount = new AtomicInteger();

    private volatile Settings settings;
    private volatile boolean closed;
    private boolean signalled;
    private Thread dispatcher;

    /** @param store the field store in use, or null while there is none (runs then wait) */
    TransformScheduler(TransformQueue queue, TransformCatalog catalog, Settings settings, Supplier<FieldStore> store) {
        this.queue = queue;
        this.catalog = catalog;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = store;
        this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "datafold-transform-" + threadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    Settings settings() {
        return settings;
    }

    boolean closed() {
        return closed;
    }

    synchronized void start() {
        dispatcher = new Thread(this::dispatch, "datafold-transform-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    /** Applies new settings; the worker pool is resized, queued runs are not touched. */
    void configure(Settings next) {
        Settings previous = this.settings;
        this.settings = Objects.requireNonNull(next, "settings");
        if (next.threads() > workers.getMaximumPoolSize()) {
            workers.setMaximumPoolSize(next.threads());
            workers.setCorePoolSize(next.threads());
        } else {
            workers.setCorePoolSize(next.threads());
            workers.setMaximumPoolSize(next.threads());
        }
        if (previous.enabled() != next.enabled()) {
            LOG.info(next.enabled() ? "transform runs enabled" : "transform runs paused: changes are queued, not run");
        }
        signal();
    }

    /** Stops the dispatcher and waits (bounded) for running transforms to finish. */
    void close() {
        closed = true;
        Thread d;
        synchronized (this) {
            d = dispatcher;
        }
        signal();
        workers.shutdown();
        try {
            if (d != null) {
                d.join(5_000);
            }
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("transform runs still going after 10 s at shutdown; their queue entries stay for the next start");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes the dispatcher: runs may be due. */
    void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void dispatch() {
        while (!closed) {
            long waitMs = IDLE_WAIT_MS;
            try {
                if (settings.enabled() && store.get() != null) {
                    waitMs = startDueRuns();
                }
            } catch (RuntimeException e) {
                LOG.warn("could not read the transform queue; trying again: {}", e.toString());
                waitMs = Math.max(1_000, settings.retryInitialMs());
            }
            lock.lock();
            try {
                if (!signalled && !closed) {
                    wake.await(waitMs, TimeUnit.MILLISECONDS);
                }
                signalled = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Hands due runs to the workers; returns how long to wait for the next one that is not due yet. */
    private long startDueRuns() {
        TransformGraph graph = catalog.graph();
        long now = System.currentTimeMillis();
        long waitMs = IDLE_WAIT_MS;
        int limit = settings.threads() * 4;
        for (Group group : queue.groups().values()) {
            if (inFlight.size() >= limit) {
                break; // the rest waits for a worker to finish (which signals)
            }
            Node node = graph.get(group.first.transformId());
            if (node == null || !node.active() || inFlight.contains(group.name)) {
                continue; // parked until the transform runs again, or already running
            }
            if (group.notBefore > now) {
                waitMs = Math.min(waitMs, group.notBefore - now);
                continue;
            }
            inFlight.add(group.name);
            try {
                workers.execute(() -> {
                    try {
                        runQueued(group, node);
                    } finally {
                        inFlight.remove(group.name);
                        signal();
                    }
                });
            } catch (RuntimeException rejected) {
                inFlight.remove(group.name);
                return waitMs; // shutting down
            }
        }
        return Math.max(1, waitMs);
    }

    private void runQueued(Group group, Node node) {
        FieldStore fields = store.get();
        if (closed || fields == null) {
            return;
        }
        // Only the entries seen are removed; changes queued meanwhile ask for another run.
        TransformRun result = execute(fields, node, group.first.rangeKey(), group.depth, () -> queue.remove(group));
        try {
            switch (result.status()) {
                case WRITTEN -> {
                    // The entries went with the output's transaction.
                }
                case SKIPPED -> queue.drop(group);
                case FAILED -> retryOrDrop(group, node, result.message());
            }
        } catch (RuntimeException e) {
            LOG.warn("transform {}: could not update its queue entries (it runs again): {}", node.id(), e.toString());
        }
    }

    private void retryOrDrop(Group group, Node node, String error) {
        Settings s = settings;
        int attempts = group.attempts + 1;
        String row = group.first.rangeKey();
        if (attempts >= s.maxAttempts()) {
            queue.drop(group);
            String message = "gave up after " + attempts + " attempts" + rowText(row) + ": " + error;
            catalog.stats(node.id()).lastError = message;
            LOG.error("transform {} {}", node.id(), message);
            return;
        }
        long pause = Math.min(s.retryMaxMs(), s.retryInitialMs() << Math.min(attempts - 1, 30));
        queue.retryLater(group, attempts, System.currentTimeMillis() + pause, error);
        LOG.warn("transform {} failed{} (attempt {} of {}, next in {} ms): {}", node.id(), rowText(row),
                attempts, s.maxAttempts(), pause, error);
    }

    static String rowText(String rangeKey) {
        return rangeKey == null ? "" : " for row '" + rangeKey + "'";
    }

    /**
     * One run: reads the inputs, computes, writes (with {@code alsoInTransaction}). Never throws for
     * the transform's own failures; they are in the returned run.
     */
    TransformRun execute(FieldStore fields, Node node, String rangeKey, int depth, Runnable alsoInTransaction) {
        Stats s = catalog.stats(node.id());
        s.lastRun = Instant.now();
        String row = node.perRow() ? rangeKey : null;
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        try {
            for (Field in : node.inputFields()) {
                Optional<Object> value = fields.currentValue(in.ref(), row);
                if (value.isPresent()) {
                    values.put(in.name(), value.get());
                } else {
                    missing.add(in.name());
                }
            }
        } catch (RuntimeException e) {
            return failed(s, node, row, "could not read its inputs: " + describe(e));
        }
        if (!missing.isEmpty()) {
            s.skipped.incrementAndGet();
            String why = "not run" + rowText(row) + ": input" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + (missing.size() == 1 ? " has" : " have") + " no value";
            s.lastOutcome = why;
            LOG.debug("transform {} {}", node.id(), why);
            return new TransformRun(node.id(), row, TransformRun.Status.SKIPPED, null, null, why);
        }
        Object output;
        try {
            output = node.function().apply(Collections.unmodifiableMap(values));
        } catch (Exception | LinkageError e) {
            return failed(s, node, row, describe(e));
        }
        try {
            Field out = node.outputField();
            MutationResult written = fields.writeComputed(out.schema(), out.field(), row, output,
                    "transform:" + node.id(), depth, alsoInTransaction);
            s.runs.incrementAndGet();
            s.lastOutcome = "wrote " + out.name() + rowText(row);
            return new TransformRun(node.id(), row, TransformRun.Status.WRITTEN, output,
                    written.atoms().get(out.field()), null);
        } catch (RuntimeException e) {
            return failed(s, node, row, "could not write its output: " + describe(e));
        }
    }

    private static TransformRun failed(Stats s, Node node, String row, String message) {
        s.failures.incrementAndGet();
        s.lastError = message;
        s.lastOutcome = "failed" + rowText(row);
        return new TransformRun(node.id(), row, TransformRun.Status.FAILED, null, null, message);
    }

    private static String describe(Throwable e) {
        if (e instanceof FoldException f) {
            return f.code() + ": " + f.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
