package org.datafold.transforms.internal.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.MutationResult;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.TransformRun;
import org.datafold.api.transform.Transforms;
import org.datafold.api.schema.Schema;
import org.datafold.core.api.ApprovalCheck;
import org.datafold.core.api.CommitListener;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.api.FieldStore;
import org.datafold.core.api.WriteGuard;
import org.datafold.transforms.internal.lang.TransformGraph;
import org.datafold.transforms.internal.lang.TransformGraph.Field;
import org.datafold.transforms.internal.lang.TransformGraph.Node;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs transforms. A commit that changes an input field records a {@link QueuedRun} in the
 * durable queue inside its own transaction ({@link #queue}); a dispatcher thread hands due runs to
 * a small pool of workers; a worker reads the inputs, computes the output and writes it, removing
 * the queue entry in the same transaction as the output. A crash between the input's commit and
 * the output's leaves the entry in the queue, and the run happens after the restart.
 *
 * <p>A run whose input has no value is skipped (and says so); a failing run is retried with
 * exponential back-off up to {@link Settings#maxAttempts()} times. Nothing a run does can fail or
 * delay the mutation that asked for it, beyond writing the queue entry.
 */
public final class TransformRuntime implements CommitListener, WriteGuard, ApprovalCheck, Transforms {

    static final RepositoryDescriptor<QueuedRun> QUEUE = new RepositoryDescriptor<>("transform_queue", QueuedRun.class);

    private static final Logger LOG = LoggerFactory.getLogger(TransformRuntime.class);
    private static final long IDLE_WAIT_MS = 60_000;
    /** Queue entries looked at per dispatch pass (in key order); the rest waits for the next pass. */
    private static final int SCAN_LIMIT = 10_000;

    /**
     * How transforms run.
     *
     * @param enabled        false: runs are queued but not started (they start once enabled again)
     * @param threads        worker threads
     * @param maxDepth       the longest cascade (a transform's output triggering another) followed
     * @param maxAttempts    attempts of a failing run before it is dropped
     * @param retryInitialMs the pause after the first failure, doubled after each further one
     * @param retryMaxMs     the longest pause
     */
    public record Settings(boolean enabled, int threads, int maxDepth, int maxAttempts, long retryInitialMs,
            long retryMaxMs) {
        public Settings {
            if (threads < 1 || maxDepth < 1 || maxAttempts < 1 || retryInitialMs < 0 || retryMaxMs < retryInitialMs) {
                throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "transform settings out of range: threads,"
                        + " maxDepth and maxAttempts must be at least 1, 0 <= retryInitialMs <= retryMaxMs (were "
                        + threads + ", " + maxDepth + ", " + maxAttempts + ", " + retryInitialMs + ", " + retryMaxMs + ")");
            }
        }

        public static Settings defaults() {
            return new Settings(true, 2, 8, 10, 200, 60_000);
        }
    }

    /** Counters of one transform since the node started. */
    private static final class Stats {
        final AtomicLong runs = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        volatile Instant lastRun;
        volatile String lastOutcome;
        volatile String lastError;
    }

    private record Cached(long generation, long registrations, TransformGraph graph) {
    }

    private final Storage storage;
    private final SchemaRegistry registry;
    private final BooleanSupplier frameworkStopping;
    private final Repository<QueuedRun> queue;
    private final Map<Transform, TransformGraph.Registration> registrations = new ConcurrentHashMap<>();
    private final AtomicLong registrationOrder = new AtomicLong();
    private final AtomicLong registrationVersion = new AtomicLong();
    private final Map<String, Stats> stats = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final ThreadPoolExecutor workers;
    private final AtomicInteger threadCount = new AtomicInteger();

    private volatile Settings settings;
    private volatile Cached cached = new Cached(Long.MIN_VALUE, -1, TransformGraph.empty());
    private final java.util.concurrent.atomic.AtomicReference<FieldStore> store = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean closed;
    private boolean signalled;
    private Thread dispatcher;

    public TransformRuntime(Storage storage, SchemaRegistry registry, Settings settings, BooleanSupplier frameworkStopping) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.frameworkStopping = Objects.requireNonNull(frameworkStopping, "frameworkStopping");
        this.queue = storage.repository(QUEUE);
        this.workers = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "datafold-transform-" + threadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Starts the dispatcher; queued runs start once a {@link FieldStore} is {@linkplain #attach attached}. */
    public synchronized void start() {
        dispatcher = new Thread(this::dispatch, "datafold-transform-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
        long queued = queue.count();
        if (queued > 0) {
            LOG.info("{} transform run(s) waiting in the queue from before the start", queued);
        }
    }

    /** Runs transforms through {@code store}, which reads their inputs and writes their outputs. */
    public void attach(FieldStore store) {
        this.store.set(Objects.requireNonNull(store, "store"));
        signal();
    }

    /** {@code store} went away: runs wait for the next one (if it is still the one in use). */
    public void detach(FieldStore store) {
        this.store.compareAndSet(store, null);
    }

    /** Applies new settings; the worker pool is resized, queued runs are not touched. */
    public void configure(Settings next) {
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
    public void close() {
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

    // ================================================================ Transform services

    /** A {@link Transform} service appeared. */
    public void register(Transform transform, String provider) {
        registrations.put(transform, new TransformGraph.Registration(registrationOrder.incrementAndGet(), transform,
                provider));
        registrationVersion.incrementAndGet();
        TransformGraph.Node node = find(transform);
        if (node != null && node.active()) {
            LOG.info("transform {} registered by {}: {} -> {}", node.id(), provider, node.inputs(), node.output());
        } else if (node != null) {
            LOG.warn("transform {} registered by {} does not run: {}", node.id(), provider, node.problem());
        }
        signal();
    }

    /**
     * A {@link Transform} service went away: it stops, and its queued runs are dropped, unless the
     * node itself is stopping (then they stay for the next start).
     */
    public void unregister(Transform transform) {
        TransformGraph.Node node = find(transform);
        TransformGraph.Registration reg = registrations.remove(transform);
        if (reg == null) {
            return;
        }
        registrationVersion.incrementAndGet();
        if (node == null) {
            return;
        }
        if (closed || frameworkStopping.getAsBoolean()) {
            LOG.info("transform {} stopped with the node; its queued runs are kept", node.id());
            return;
        }
        Node now = graph().get(node.id());
        if (now != null && now.active()) {
            return; // another registration now provides this id
        }
        int dropped = storage.inTransaction(() -> {
            int n = 0;
            for (Repository.Entry<QueuedRun> e : queue.scanPrefix(QueuedRun.prefix(node.id()))) {
                queue.delete(e.key());
                n++;
            }
            return n;
        });
        LOG.info("transform {} removed ({}){}", node.id(), reg.provider(),
                dropped == 0 ? "" : "; " + dropped + " queued run(s) dropped");
    }

    private Node find(Transform transform) {
        TransformGraph.Registration reg = registrations.get(transform);
        if (reg == null) {
            return null;
        }
        for (Node node : graph().all()) {
            if (node.registration() == reg) {
                return node;
            }
        }
        return null;
    }

    // ================================================================ the resolved transforms

    /** The transforms, rebuilt when the schemas or the services changed since the last look. */
    TransformGraph graph() {
        Cached c = cached;
        long generation = registry.generation();
        long regs = registrationVersion.get();
        if (c.generation() == generation && c.registrations() == regs) {
            return c.graph();
        }
        synchronized (this) {
            c = cached;
            generation = registry.generation();
            regs = registrationVersion.get();
            if (c.generation() != generation || c.registrations() != regs) {
                TransformGraph graph = TransformGraph.resolve(registry.all(), List.copyOf(registrations.values()));
                report(c.graph(), graph);
                c = new Cached(generation, regs, graph);
                cached = c;
                signal();
            }
            return c.graph();
        }
    }

    /** Logs transforms that became active or stopped running. */
    private static void report(TransformGraph before, TransformGraph after) {
        for (Node node : after.all()) {
            Node old = before.get(node.id());
            boolean was = old != null && old.active();
            if (node.active() && !was) {
                LOG.info("transform {} active: {} -> {}", node.id(), node.inputs(), node.output());
            } else if (!node.active() && (old == null || !Objects.equals(old.problem(), node.problem()))) {
                LOG.warn("transform {} is {}: {}", node.id(), node.state().name().toLowerCase(), node.problem());
            }
        }
    }

    // ================================================================ the engine's side

    /** The id of the active transform computing the field with this data reference, or null. */
    public String computedBy(String fieldRef) {
        Node writer = graph().writer(fieldRef);
        return writer == null ? null : writer.id();
    }

    @Override
    public String refusal(String fieldRef) {
        String id = computedBy(fieldRef);
        return id == null ? null : "computed by transform " + id;
    }

    /**
     * Refuses a schema whose declarative transforms are invalid (logic, inputs, output):
     * {@code TRANSFORM_INVALID} names the field and the problem.
     */
    @Override
    public void check(Schema schema) {
        schema.fields().forEach((field, def) -> {
            if (def.transform() != null) {
                String id = schema.name() + "." + field;
                String problem = TransformGraph.checkDeclarative(id, def.transform());
                if (problem != null) {
                    throw new FoldException(ErrorCode.TRANSFORM_INVALID, "schema " + schema.name() + " cannot be"
                            + " approved: the transform of " + id + " is refused: " + problem,
                            Map.of("schema", schema.name(), "field", field), null);
                }
            }
        });
    }

    /** Records, in the commit's transaction, a run of every transform reading a changed field. */
    @Override
    public void committing(List<FieldChangeEvent> changes, int depth) {
        TransformGraph graph = graph();
        Set<String> groups = null;
        for (FieldChangeEvent change : changes) {
            for (Node reader : graph.readers(change.fieldRef())) {
                String row = reader.perRow() ? change.rangeKey() : null;
                if (reader.perRow() && row == null) {
                    continue;
                }
                if (depth > settings.maxDepth()) {
                    Stats s = stats(reader.id());
                    s.lastError = "not run: the cascade reached the depth bound of " + settings.maxDepth()
                            + " transforms (change of " + change.schema() + "." + change.field() + ")";
                    s.lastOutcome = s.lastError;
                    LOG.warn("transform {} {}", reader.id(), s.lastError);
                    continue;
                }
                String group = QueuedRun.group(reader.id(), row);
                if (groups == null) {
                    groups = new HashSet<>();
                }
                if (groups.add(group)) {
                    queue.put(QueuedRun.newKey(reader.id(), row), new QueuedRun(reader.id(), row, depth, 0, 0, null));
                }
            }
        }
    }

    /** The queued runs may start. */
    @Override
    public void committed() {
        signal();
    }

    private void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ================================================================ dispatching queued runs

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

    /** The queued entries of one transform and row, run together. */
    private static final class Group {
        final String name;
        final QueuedRun first;
        final List<String> keys = new ArrayList<>();
        final List<QueuedRun> runs = new ArrayList<>();
        long notBefore = Long.MAX_VALUE;
        int depth;
        int attempts;

        Group(String name, QueuedRun first) {
            this.name = name;
            this.first = first;
        }

        void add(String key, QueuedRun run) {
            keys.add(key);
            runs.add(run);
            notBefore = Math.min(notBefore, run.notBefore());
            depth = Math.max(depth, run.depth());
            attempts = Math.max(attempts, run.attempts());
        }
    }

    /** Hands due runs to the workers; returns how long to wait for the next one that is not due yet. */
    private long startDueRuns() {
        TransformGraph graph = graph();
        long now = System.currentTimeMillis();
        long waitMs = IDLE_WAIT_MS;
        int limit = settings.threads() * 4;
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Repository.Entry<QueuedRun> e : queue.list(SCAN_LIMIT)) {
            QueuedRun run = e.value();
            String name = QueuedRun.group(run.transformId(), run.rangeKey());
            groups.computeIfAbsent(name, n -> new Group(n, run)).add(e.key(), run);
        }
        for (Group group : groups.values()) {
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
        FieldStore engine = store.get();
        if (closed || engine == null) {
            return;
        }
        // Only the entries seen are removed; changes queued meanwhile ask for another run.
        Runnable removeSeen = () -> group.keys.forEach(queue::delete);
        TransformRun result = execute(engine, node, group.first.rangeKey(), group.depth, removeSeen);
        try {
            switch (result.status()) {
                case WRITTEN -> {
                    // The entries went with the output's transaction.
                }
                case SKIPPED -> storage.run(removeSeen::run);
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
            storage.run(() -> group.keys.forEach(queue::delete));
            String message = "gave up after " + attempts + " attempts" + rowText(row) + ": " + error;
            stats(node.id()).lastError = message;
            LOG.error("transform {} {}", node.id(), message);
            return;
        }
        long pause = Math.min(s.retryMaxMs(), s.retryInitialMs() << Math.min(attempts - 1, 30));
        long notBefore = System.currentTimeMillis() + pause;
        storage.run(() -> {
            for (int i = 0; i < group.keys.size(); i++) {
                String key = group.keys.get(i);
                if (queue.getForUpdate(key).isPresent()) {
                    queue.put(key, group.runs.get(i).failed(attempts, notBefore, error));
                }
            }
        });
        LOG.warn("transform {} failed{} (attempt {} of {}, next in {} ms): {}", node.id(), rowText(row),
                attempts, s.maxAttempts(), pause, error);
    }

    private static String rowText(String rangeKey) {
        return rangeKey == null ? "" : " for row '" + rangeKey + "'";
    }

    /**
     * One run: reads the inputs, computes, writes. Never throws for the transform's own failures;
     * they are in the returned run.
     */
    private TransformRun execute(FieldStore engine, Node node, String rangeKey, int depth, Runnable alsoInTransaction) {
        Stats s = stats(node.id());
        s.lastRun = Instant.now();
        String row = node.perRow() ? rangeKey : null;
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        try {
            for (Field in : node.inputFields()) {
                Optional<Object> value = engine.currentValue(in.ref(), row);
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
            MutationResult written = engine.writeComputed(out.schema(), out.field(), row, output,
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

    private Stats stats(String id) {
        return stats.computeIfAbsent(id, k -> new Stats());
    }

    // ================================================================ Transforms (owner side)

    @Override
    public List<TransformInfo> list() {
        List<TransformInfo> all = new ArrayList<>();
        TransformGraph graph = graph();
        for (Node node : graph.all()) {
            all.add(info(node));
        }
        parked(graph).forEach((id, queued) -> all.add(parkedInfo(id, queued)));
        all.sort((a, b) -> a.id().compareTo(b.id()));
        return all;
    }

    @Override
    public TransformInfo get(String id) {
        TransformGraph graph = graph();
        Node node = id == null ? null : graph.get(id);
        if (node != null) {
            return info(node);
        }
        Integer queued = id == null ? null : parked(graph).get(id);
        if (queued != null) {
            return parkedInfo(id, queued);
        }
        throw new FoldException(ErrorCode.NOT_FOUND, "no transform with id '" + id + "'",
                Map.of("transform", String.valueOf(id)), null);
    }

    /**
     * Queued runs of transforms the node does not know now (a service not registered since the
     * start, a schema no longer approved), by id: they wait for it to come back.
     */
    private Map<String, Integer> parked(TransformGraph graph) {
        Map<String, Integer> parked = new java.util.TreeMap<>();
        for (Repository.Entry<QueuedRun> e : queue.list(SCAN_LIMIT)) {
            String id = e.value().transformId();
            if (graph.get(id) == null) {
                parked.merge(id, 1, Integer::sum);
            }
        }
        return parked;
    }

    private TransformInfo parkedInfo(String id, int queued) {
        Stats s = stats.getOrDefault(id, new Stats());
        return new TransformInfo(id, TransformInfo.Kind.JAVA, List.of(), "?", "unknown", TransformInfo.State.WAITING,
                "not known to the node now: " + queued + " queued run(s) wait for a transform with this id (a"
                        + " Transform service, or the transform of an approved schema)", s.runs.get(), s.skipped.get(),
                s.failures.get(), queued, s.lastRun, s.lastOutcome, s.lastError);
    }

    private TransformInfo info(Node node) {
        Stats s = stats.getOrDefault(node.id(), new Stats());
        int queued = queue.scanPrefix(QueuedRun.prefix(node.id())).size();
        return new TransformInfo(node.id(), node.kind(), node.inputs(), node.output(), node.provider(), node.state(),
                node.problem(), s.runs.get(), s.skipped.get(), s.failures.get(), queued, s.lastRun, s.lastOutcome,
                s.lastError);
    }

    @Override
    public TransformRun run(String id, String rangeKey) {
        Node node = id == null ? null : graph().get(id);
        if (node == null) {
            throw new FoldException(ErrorCode.NOT_FOUND, "no transform with id '" + id + "'",
                    Map.of("transform", String.valueOf(id)), null);
        }
        if (!node.active()) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "transform " + id + " does not run: " + node.problem(),
                    Map.of("transform", id), null);
        }
        if (node.perRow() && (rangeKey == null || rangeKey.isBlank())) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "transform " + id + " computes the range field "
                    + node.output() + ": name the row to run it for", Map.of("transform", id), null);
        }
        if (!node.perRow() && rangeKey != null) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "transform " + id + " computes the single field "
                    + node.output() + ": it has no rows", Map.of("transform", id), null);
        }
        FieldStore engine = store.get();
        if (engine == null || closed) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "transforms are not running");
        }
        return execute(engine, node, rangeKey, 1, () -> {
        });
    }
}
