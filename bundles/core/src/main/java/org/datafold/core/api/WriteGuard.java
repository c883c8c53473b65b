package org.datafold.core.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Refuses direct writes of fields whose values another platform bundle owns (a field computed by a
 * transform). The engine asks every guard for every field of a mutation, before anything is written;
 * computed writes ({@link FieldStore#writeComputed}) are not asked.
 */
@ConsumerType
public interface WriteGuard {

    /**
     * Why callers may not write the field with this data reference, completing "field S.f is ... and
     * cannot be written" (for example {@code computed by transform T}), or null when it may be.
     */
    String refusal(String fieldRef);
}
