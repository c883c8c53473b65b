package org.datafold.core.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of the field changes of every commit of the engine, inside the commit's unit of work and
 * again once it committed. Repository writes a listener makes in {@link #committing} (on the
 * calling thread) join the commit's storage transaction: they are durable exactly when the changes
 * are. The node serves data only while at least one listener is registered, so that no commit
 * escapes a listener that must record it.
 */
@ConsumerType
public interface CommitListener {

    /**
     * Called inside the unit of work of a commit that changed fields, after the engine wrote them and
     * before the transaction commits. A storage conflict re-runs the unit of work, and with it this
     * call: no side effects outside storage. Throwing fails the commit.
     *
     * @param changes the fields written, in the commit's order
     * @param depth   the cascade depth of the commit: 1 for a caller's mutation, {@code n + 1} for a
     *                computed write made at depth {@code n} ({@link FieldStore#writeComputed})
     */
    void committing(List<FieldChangeEvent> changes, int depth);

    /** Called once the commit is done (not for one that rolled back); must not block. */
    void committed();
}
