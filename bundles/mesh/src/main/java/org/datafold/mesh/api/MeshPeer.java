package org.datafold.mesh.api;

import java.time.Instant;
import java.util.List;

/**
 * A peer node as this node sees it.
 *
 * @param address     its member address (JGroups logical name and UUID)
 * @param nodeKey     its identity (owner key), once a verified message came from it; else null
 * @param fingerprint the key's fingerprint, or null
 * @param distance    the trust distance this node assigns to the key, or null when it is not trusted
 * @param state       {@code member} or {@code left}
 * @param schemas     the schemas it announced as Approved
 * @param lastSeen    when the last accepted message from it arrived, or null
 * @param accepted    messages accepted from it
 * @param rejected    messages rejected from it
 */
public record MeshPeer(String address, String nodeKey, String fingerprint, Integer distance, String state,
        List<String> schemas, Instant lastSeen, long accepted, long rejected) {
}
