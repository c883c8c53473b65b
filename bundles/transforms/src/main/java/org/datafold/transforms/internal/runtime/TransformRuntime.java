package org.datafold.transforms.internal.runtime;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.Schema;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.TransformRun;
import org.datafold.api.transform.Transforms;
import org.datafold.core.api.ApprovalCheck;
import org.datafold.core.api.CommitListener;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.api.FieldStore;
import org.datafold.core.api.WriteGuard;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.storage.api.Storage;
import org.datafold.transforms.internal.lang.TransformGraph;
import org.datafold.transforms.internal.lang.TransformGraph.Node;
import org.datafold.transforms.internal.runtime.TransformCatalog.Stats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs transforms. A commit that changes an input field records a {@link QueuedRun} in the
 * {@link TransformQueue} inside its own transaction ({@link #committing}); the
 * {@link TransformScheduler} runs it and writes the output, removing the queue entry in the same
 * transaction as the output. A crash between the input's commit and the output's leaves the entry in
 * the queue, and the run happens after the restart. Which transforms exist, and their counters, is
 * the {@link TransformCatalog}'s.
 *
 * <p>Nothing a run does can fail or delay the mutation that asked for it, beyond writing the queue
 * entry.
 */
public final class TransformRuntime implements CommitListener, WriteGuard, ApprovalCheck, Transforms {

    private static final Logger LOG = LoggerFactory.getLogger(TransformRuntime.class);

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

    private final BooleanSupplier frameworkStopping;
    private final AtomicReference<FieldStore> store = new AtomicReference<>();
    private final TransformQueue queue;
    private final TransformCatalog catalog;
    private final TransformScheduler scheduler;

    public TransformRuntime(Storage storage, SchemaRegistry registry, Settings settings, BooleanSupplier frameworkStopping) {
        Objects.requireNonNull(storage, "storage");
        this.frameworkStopping = Objects.requireNonNull(frameworkStopping, "frameworkStopping");
        this.queue = new TransformQueue(storage);
        this.catalog = new TransformCatalog(registry, this::graphChanged);
        this.scheduler = new TransformScheduler(queue, catalog, settings, store::get);
    }

    /** The resolved transforms changed: parked runs may start. */
    private void graphChanged() {
        scheduler.signal();
    }

    /** Starts the dispatcher; queued runs start once a {@link FieldStore} is {@linkplain #attach attached}. */
    public void start() {
        scheduler.start();
        long queued = queue.count();
        if (queued > 0) {
            LOG.info("{} transform run(s) waiting in the queue from before the start", queued);
        }
    }

    /** Runs transforms through {@code store}, which reads their inputs and writes their outputs. */
    public void attach(FieldStore store) {
        this.store.set(Objects.requireNonNull(store, "store"));
        scheduler.signal();
    }

    /** {@code store} went away: runs wait for the next one (if it is still the one in use). */
    public void detach(FieldStore store) {
        this.store.compareAndSet(store, null);
    }

    /** Applies new settings; the worker pool is resized, queued runs are not touched. */
    public void configure(Settings next) {
        scheduler.configure(next);
    }

    /** Stops the dispatcher and waits (bounded) for running transforms to finish. */
    public void close() {
        scheduler.close();
    }

    // ================================================================ Transform services

    /** A {@link Transform} service appeared. */
    public void register(Transform transform, String provider) {
        Node node = catalog.register(transform, provider);
        if (node != null && node.active()) {
            LOG.info("transform {} registered by {}: {} -> {}", node.id(), provider, node.inputs(), node.output());
        } else if (node != null) {
            LOG.warn("transform {} registered by {} does not run: {}", node.id(), provider, node.problem());
        }
        scheduler.signal();
    }

    /**
     * A {@link Transform} service went away: it stops, and its queued runs are dropped, unless the
     * node itself is stopping (then they stay for the next start).
     */
    public void unregister(Transform transform) {
        TransformCatalog.Removed removed = catalog.unregister(transform);
        if (removed == null || removed.node() == null) {
            return;
        }
        Node node = removed.node();
        if (scheduler.closed() || frameworkStopping.getAsBoolean()) {
            LOG.info("transform {} stopped with the node; its queued runs are kept", node.id());
            return;
        }
        Node now = catalog.graph().get(node.id());
        if (now != null && now.active()) {
            return; // another registration now provides this id
        }
        int dropped = queue.dropAll(node.id());
        LOG.info("transform {} removed ({}){}", node.id(), removed.registration().provider(),
                dropped == 0 ? "" : "; " + dropped + " queued run(s) dropped");
    }

    // ================================================================ the engine's side

    /** The id of the active transform computing the field with this data reference, or null. */
    public String computedBy(String fieldRef) {
        return catalog.computedBy(fieldRef);
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
        TransformGraph graph = catalog.graph();
        int maxDepth = scheduler.settings().maxDepth();
        Set<String> groups = null;
        for (FieldChangeEvent change : changes) {
            for (Node reader : graph.readers(change.fieldRef())) {
                String row = reader.perRow() ? change.rangeKey() : null;
                if (reader.perRow() && row == null) {
                    continue;
                }
                if (depth > maxDepth) {
                    Stats s = catalog.stats(reader.id());
                    s.lastError = "not run: the cascade reached the depth bound of " + maxDepth
                            + " transforms (change of " + change.schema() + "." + change.field() + ")";
                    s.lastOutcome = s.lastError;
                    LOG.warn("transform {} {}", reader.id(), s.lastError);
                    continue;
                }
                if (groups == null) {
                    groups = new HashSet<>();
                }
                if (groups.add(QueuedRun.group(reader.id(), row))) {
                    queue.add(reader.id(), row, depth);
                }
            }
        }
    }

    /** The queued runs may start. */
    @Override
    public void committed() {
        scheduler.signal();
    }

    // ================================================================ Transforms (owner side)

    @Override
    public List<TransformInfo> list() {
        return catalog.list(queue);
    }

    @Override
    public TransformInfo get(String id) {
        return catalog.get(id, queue);
    }

    @Override
    public TransformRun run(String id, String rangeKey) {
        Node node = id == null ? null : catalog.graph().get(id);
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
        FieldStore fields = store.get();
        if (fields == null || scheduler.closed()) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "transforms are not running");
        }
        return scheduler.execute(fields, node, rangeKey, 1, () -> {
        });
    }
}
