package org.datafold.transforms.internal.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.datafold.transforms.internal.lang.TransformGraph;

/**
 * The durable queue of transform runs (repository {@code transform_queue}, entries {@link QueuedRun}).
 * {@link #add} joins the calling thread's transaction, so a commit that asks for a run records it in
 * its own transaction; the other changes run in transactions of their own unless a caller's unit of
 * work is open.
 */
final class TransformQueue {

    static final RepositoryDescriptor<QueuedRun> QUEUE = new RepositoryDescriptor<>("transform_queue", QueuedRun.class);

    /** Queue entries looked at per pass (in key order); the rest waits for the next pass. */
    private static final int SCAN_LIMIT = 10_000;

    /** The queued entries of one transform and row, run together. */
    static final class Group {
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

    private final Storage storage;
    private final Repository<QueuedRun> queue;

    TransformQueue(Storage storage) {
        this.storage = storage;
        this.queue = storage.repository(QUEUE);
    }

    /** Records a run of a transform (for one row), in the calling thread's transaction. */
    void add(String transformId, String rangeKey, int depth) {
        queue.put(QueuedRun.newKey(transformId, rangeKey), new QueuedRun(transformId, rangeKey, depth, 0, 0, null));
    }

    /** The queued entries, grouped by transform and row, in key order. */
    Map<String, Group> groups() {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Repository.Entry<QueuedRun> e : queue.list(SCAN_LIMIT)) {
            QueuedRun run = e.value();
            String name = QueuedRun.group(run.transformId(), run.rangeKey());
            groups.computeIfAbsent(name, n -> new Group(n, run)).add(e.key(), run);
        }
        return groups;
    }

    /**
     * Removes the entries of a group that were seen (changes queued meanwhile ask for another run), in
     * the calling thread's transaction.
     */
    void remove(Group group) {
        group.keys.forEach(queue::delete);
    }

    /** Removes the entries of a group in a transaction of their own. */
    void drop(Group group) {
        storage.run(() -> remove(group));
    }

    /** Marks the entries of a group that are still queued as failed, not to start before {@code notBefore}. */
    void retryLater(Group group, int attempts, long notBefore, String error) {
        storage.run(() -> {
            for (int i = 0; i < group.keys.size(); i++) {
                String key = group.keys.get(i);
                if (queue.getForUpdate(key).isPresent()) {
                    queue.put(key, group.runs.get(i).failed(attempts, notBefore, error));
                }
            }
        });
    }

    /** Removes every queued run of a transform; returns how many. */
    int dropAll(String transformId) {
        return storage.inTransaction(() -> {
            int n = 0;
            for (Repository.Entry<QueuedRun> e : queue.scanPrefix(QueuedRun.prefix(transformId))) {
                queue.delete(e.key());
                n++;
            }
            return n;
        });
    }

    long count() {
        return queue.count();
    }

    /** The queued runs of one transform. */
    int count(String transformId) {
        return queue.scanPrefix(QueuedRun.prefix(transformId)).size();
    }

    /**
     * Queued runs of transforms {@code graph} does not know (a service not registered since the
     * start, a schema no longer approved), by id.
     */
    Map<String, Integer> unknown(TransformGraph graph) {
        Map<String, Integer> parked = new TreeMap<>();
        for (Repository.Entry<QueuedRun> e : queue.list(SCAN_LIMIT)) {
            String id = e.value().transformId();
            if (graph.get(id) == null) {
                parked.merge(id, 1, Integer::sum);
            }
        }
        return parked;
    }
}
