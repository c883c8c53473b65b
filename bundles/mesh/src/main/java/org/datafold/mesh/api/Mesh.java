package org.datafold.mesh.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * This node's view of the mesh. Available whether or not the mesh is enabled; when it is disabled
 * the status says so and the lists are empty.
 */
@ProviderType
public interface Mesh {

    /** The cluster, view, identity, global step and message counters. */
    MeshStatus status();

    /** The members of the current view (without this node) and the peers that left, newest first. */
    List<MeshPeer> peers();

    /** The most recent anomalies, oldest first (a bounded list). */
    List<MeshAnomaly> anomalies();

    /** The node keys of the current members that announced {@code schema} as Approved. */
    List<String> holders(String schema);
}
