package org.datafold.core.internal;

import java.time.Instant;

/** The node's identity as stored in the {@code node} repository. */
public record NodeRecord(String nodeId, Instant createdAt) {
}
