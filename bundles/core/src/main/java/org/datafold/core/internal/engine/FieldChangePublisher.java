package org.datafold.core.internal.engine;

import java.util.List;

import org.datafold.core.api.FieldChangeEvent;

/**
 * Receives the field changes of each committed mutation, once the commit is done (never for a
 * mutation that failed or rolled back). Implementations must not block: the mutating caller waits
 * for {@link #publish} to return.
 */
@FunctionalInterface
public interface FieldChangePublisher {

    /** Publishes nothing. */
    FieldChangePublisher NONE = changes -> {
    };

    /** The changes of one committed mutation, one per field written, in the mutation's order. */
    void publish(List<FieldChangeEvent> changes);
}
