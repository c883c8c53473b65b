package org.datafold.transforms.internal.runtime;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A transform run waiting in the durable queue (repository {@code transform_queue}). Every change
 * that asks for a run adds an entry under a key of its own ({@link #newKey}), so a mutation never
 * waits for a lock a running transform holds; the entries of one transform and row share a
 * {@link #group} prefix and are run together, once, since a run reads the inputs' latest values.
 *
 * @param transformId the transform
 * @param rangeKey    the row, null for a single output
 * @param depth       the cascade depth (1: asked for by a caller's mutation)
 * @param attempts    failed attempts so far
 * @param notBefore   do not start before this time (epoch milliseconds; back-off after a failure)
 * @param lastError   the latest failure, or null
 */
public record QueuedRun(String transformId, String rangeKey, int depth, int attempts, long notBefore,
        String lastError) {

    /**
     * The prefix of the keys of one transform and row: the id (which cannot contain {@code |}),
     * {@code |}, the row key's length in UTF-8 bytes, {@code :}, the row key, {@code |}; so no
     * row's prefix is a prefix of another row's.
     */
    public static String group(String transformId, String rangeKey) {
        String row = rangeKey == null ? "" : rangeKey;
        return transformId + "|" + row.getBytes(StandardCharsets.UTF_8).length + ":" + row + "|";
    }

    /** The prefix of every key of one transform. */
    public static String prefix(String transformId) {
        return transformId + "|";
    }

    /** A fresh key in the group: the time in hex (so keys sort by age) and a random part. */
    static String newKey(String transformId, String rangeKey) {
        return group(transformId, rangeKey) + String.format("%012x-%08x", System.currentTimeMillis(),
                ThreadLocalRandom.current().nextInt());
    }

    QueuedRun failed(int attempts, long notBefore, String error) {
        return new QueuedRun(transformId, rangeKey, depth, attempts, notBefore, error);
    }
}
