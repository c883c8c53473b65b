package org.datafold.core.internal.transform;

/**
 * A transform run waiting in the durable queue (repository {@code transform_queue}, keyed by
 * {@link #key(String, String)}): one per transform and row, however many changes asked for it,
 * since a run reads the inputs' latest values anyway.
 *
 * @param transformId the transform
 * @param rangeKey    the row, null for a single output
 * @param seq         changes whenever the run is asked for again: a finished run removes the entry
 *                    only if it still has the seq it started with
 * @param depth       the cascade depth (1: triggered by a caller's mutation)
 * @param attempts    failed attempts so far
 * @param notBefore   do not start before this time (epoch milliseconds; back-off after a failure)
 * @param lastError   the latest failure, or null
 */
public record QueuedRun(String transformId, String rangeKey, long seq, int depth, int attempts, long notBefore,
        String lastError) {

    /** The queue key: the id (which cannot contain {@code |}), {@code |}, and the row key or nothing. */
    public static String key(String transformId, String rangeKey) {
        return transformId + "|" + (rangeKey == null ? "" : rangeKey);
    }

    /** The prefix of every queue key of one transform. */
    public static String prefix(String transformId) {
        return transformId + "|";
    }

    String key() {
        return key(transformId, rangeKey);
    }

    QueuedRun failed(int attempts, long notBefore, String error) {
        return new QueuedRun(transformId, rangeKey, seq, depth, attempts, notBefore, error);
    }
}
