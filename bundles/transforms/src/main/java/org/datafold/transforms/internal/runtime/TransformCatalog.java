package org.datafold.transforms.internal.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.transforms.internal.lang.TransformGraph;
import org.datafold.transforms.internal.lang.TransformGraph.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every transform the node knows: the registered {@link Transform} services, the resolved
 * {@link TransformGraph} (rebuilt when the schemas or the services changed since the last look), the
 * counters of each transform since the start, and the owner's view of them ({@link TransformInfo}).
 */
final class TransformCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(TransformCatalog.class);

    /** Counters of one transform since the node started. */
    static final class Stats {
        final AtomicLong runs = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        volatile Instant lastRun;
        volatile String lastOutcome;
        volatile String lastError;
    }

    private record Cached(long generation, long registrations, TransformGraph graph) {
    }

    private final SchemaRegistry registry;
    private final Runnable changed;
    private final Map<Transform, TransformGraph.Registration> registrations = new ConcurrentHashMap<>();
    private final AtomicLong registrationOrder = new AtomicLong();
    private final AtomicLong registrationVersion = new AtomicLong();
    private final Map<String, Stats> stats = new ConcurrentHashMap<>();
    private volatile Cached cached = new Cached(Long.MIN_VALUE, -1, TransformGraph.empty());

    /** @param changed called when the resolved transforms changed (runs may start or stop) */
    TransformCatalog(SchemaRegistry registry, Runnable changed) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.changed = Objects.requireNonNull(changed, "changed");
    }

    /** A {@link Transform} service appeared; returns its resolved node. */
    Node register(Transform transform, String provider) {
        registrations.put(transform, new TransformGraph.Registration(registrationOrder.incrementAndGet(), transform,
                provider));
        registrationVersion.incrementAndGet();
        return find(transform);
    }

    /**
     * A {@link Transform} service went away; returns its registration and the node it had, or null
     * when it was not registered.
     */
    Removed unregister(Transform transform) {
        Node node = find(transform);
        TransformGraph.Registration reg = registrations.remove(transform);
        if (reg == null) {
            return null;
        }
        registrationVersion.incrementAndGet();
        return new Removed(reg, node);
    }

    /** A removed service: its registration and the node it had (null if it had none). */
    record Removed(TransformGraph.Registration registration, Node node) {
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
                changed.run();
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

    /** The id of the active transform computing the field with this data reference, or null. */
    String computedBy(String fieldRef) {
        Node writer = graph().writer(fieldRef);
        return writer == null ? null : writer.id();
    }

    /** The counters of a transform (created on first use). */
    Stats stats(String id) {
        return stats.computeIfAbsent(id, k -> new Stats());
    }

    // ================================================================ the owner's view

    List<TransformInfo> list(TransformQueue queue) {
        List<TransformInfo> all = new ArrayList<>();
        TransformGraph graph = graph();
        for (Node node : graph.all()) {
            all.add(info(node, queue));
        }
        queue.unknown(graph).forEach((id, queued) -> all.add(unknownInfo(id, queued)));
        all.sort((a, b) -> a.id().compareTo(b.id()));
        return all;
    }

    TransformInfo get(String id, TransformQueue queue) {
        TransformGraph graph = graph();
        Node node = id == null ? null : graph.get(id);
        if (node != null) {
            return info(node, queue);
        }
        Integer queued = id == null ? null : queue.unknown(graph).get(id);
        if (queued != null) {
            return unknownInfo(id, queued);
        }
        throw new FoldException(ErrorCode.NOT_FOUND, "no transform with id '" + id + "'",
                Map.of("transform", String.valueOf(id)), null);
    }

    private TransformInfo unknownInfo(String id, int queued) {
        Stats s = stats.getOrDefault(id, new Stats());
        return new TransformInfo(id, TransformInfo.Kind.JAVA, List.of(), "?", "unknown", TransformInfo.State.WAITING,
                "not known to the node now: " + queued + " queued run(s) wait for a transform with this id (a"
                        + " Transform service, or the transform of an approved schema)", s.runs.get(), s.skipped.get(),
                s.failures.get(), queued, s.lastRun, s.lastOutcome, s.lastError);
    }

    private TransformInfo info(Node node, TransformQueue queue) {
        Stats s = stats.getOrDefault(node.id(), new Stats());
        return new TransformInfo(node.id(), node.kind(), node.inputs(), node.output(), node.provider(), node.state(),
                node.problem(), s.runs.get(), s.skipped.get(), s.failures.get(), queue.count(node.id()), s.lastRun,
                s.lastOutcome, s.lastError);
    }
}
