package org.datafold.api.transform;

/**
 * The outcome of one run of a transform.
 *
 * @param id       the transform
 * @param rangeKey the row it ran for, null for a single output
 * @param status   what happened
 * @param value    the value written ({@code WRITTEN}), else null
 * @param atomUuid the atom written ({@code WRITTEN}), else null
 * @param message  why it skipped or failed, else null
 */
public record TransformRun(String id, String rangeKey, Status status, Object value, String atomUuid, String message) {

    /** What a run did. */
    public enum Status {
        /** The output was computed and written. */
        WRITTEN,
        /** An input had no value: nothing was computed or written. */
        SKIPPED,
        /** The transform failed (the message says why); nothing was written. */
        FAILED
    }
}
