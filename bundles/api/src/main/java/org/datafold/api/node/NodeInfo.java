package org.datafold.api.node;

import java.time.Instant;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Identity and state of the running node. Registered by the node once its storage is open.
 */
@ProviderType
public interface NodeInfo {

    /**
     * The condition id of the readiness signal: an {@code org.osgi.service.condition.Condition}
     * service with {@code osgi.condition.id=fold.ready} is registered while every platform
     * component is active, and withdrawn otherwise.
     */
    String READY_CONDITION = "fold.ready";

    /** A stable id for this node, created on first start and kept in its data. */
    String nodeId();

    /** When this node process started. */
    Instant startedAt();

    /** Whether every platform component is active right now. */
    boolean isReady();
}
