package org.datafold.api.transform;

import java.time.Instant;
import java.util.List;

/**
 * What the node knows of one transform.
 *
 * @param id          the transform's id (for a declarative transform: its output field)
 * @param kind        declarative (from a schema field) or Java (a {@link Transform} service)
 * @param inputs      the input fields, {@code Schema.field}
 * @param output      the output field, {@code Schema.field}
 * @param provider    where it comes from: the schema, or the bundle {@code <symbolic name> <version>}
 * @param state       whether it runs
 * @param problem     why it does not run (state other than {@code ACTIVE}), else null
 * @param runs        runs that wrote an output since the node started
 * @param skipped     runs that did not write because an input had no value
 * @param failures    runs that failed (each failure is retried)
 * @param queued      runs waiting in the durable queue
 * @param lastRun     when it last ran, or null
 * @param lastOutcome what the last run did, or null
 * @param lastError   the last failure, or null
 */
public record TransformInfo(String id, Kind kind, List<String> inputs, String output, String provider, State state,
        String problem, long runs, long skipped, long failures, int queued, Instant lastRun, String lastOutcome,
        String lastError) {

    public TransformInfo {
        inputs = List.copyOf(inputs);
    }

    /** Where a transform is defined. */
    public enum Kind {
        /** The {@code transform} object of a schema field. */
        DECLARATIVE,
        /** A {@link Transform} service. */
        JAVA
    }

    /** Whether a transform runs. */
    public enum State {
        /** Runs when an input changes. */
        ACTIVE,
        /** Waits for a schema of an input or of the output to be approved. */
        WAITING,
        /** Refused: bad logic, a cycle, an output computed by another transform, bad field names. */
        INVALID
    }
}
