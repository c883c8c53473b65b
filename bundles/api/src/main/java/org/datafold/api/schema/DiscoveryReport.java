package org.datafold.api.schema;

import java.time.Instant;
import java.util.List;

/**
 * What one discovery pass found.
 *
 * @param at      when the pass ran
 * @param entries one per schema source looked at
 */
public record DiscoveryReport(Instant at, List<Entry> entries) {
    public DiscoveryReport {
        entries = List.copyOf(entries);
    }

    /** What happened to one source. */
    public enum Outcome {
        /** New schema, now Available. */
        LOADED,
        /** Already known with the same content. */
        UNCHANGED,
        /** Known under the same name with other content; the known (persisted) one is kept. */
        DIFFERS,
        /** Refused; see the error. */
        FAILED
    }

    /**
     * @param name    the schema name when it could be read, else null
     * @param source  the file or bundle entry
     * @param outcome what happened
     * @param error   the error code and message for {@code FAILED} and {@code DIFFERS}, else null
     */
    public record Entry(String name, String source, Outcome outcome, String error) {
    }
}
