package org.datafold.mesh.api;

/**
 * The state of this node in the mesh.
 *
 * @param enabled     whether the mesh is enabled in the configuration
 * @param connected   whether the node is a member of a cluster now
 * @param cluster     the cluster (mesh) name
 * @param viewId      the current JGroups view, or null when not connected
 * @param members     the members of the current view, this node included
 * @param nodeKey     this node's identity: the owner's public key
 * @param address     this node's member address, or null
 * @param globalStep  the global step as this node knows it
 * @param generator   the pattern generator in use ({@code digital_root} or {@code hmac})
 * @param sent        messages sent
 * @param accepted    messages received and accepted
 * @param rejected    messages received and rejected (anomalies)
 * @param untrusted   messages dropped because the sender's key is unknown or not trusted enough
 * @param malformed   messages dropped because they could not be decoded
 * @param merges      partition merges seen
 * @param forwarded   queries this node forwarded that got an answer
 * @param forwardMedianMicros the median round trip of the last (up to 1000) of them in microseconds,
 *                    or -1 when there was none
 * @param problem     why the mesh is not connected (configuration, start failure), or null
 */
public record MeshStatus(boolean enabled, boolean connected, String cluster, String viewId, int members,
        String nodeKey, String address, long globalStep, String generator, long sent, long accepted,
        long rejected, long untrusted, long malformed, long merges, long forwarded, long forwardMedianMicros,
        String problem) {
}
