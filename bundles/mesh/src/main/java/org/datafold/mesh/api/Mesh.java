package org.datafold.mesh.api;

import java.util.List;

import org.datafold.api.query.Caller;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
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

    /**
     * Runs a query at another node of the mesh on behalf of {@code caller}. The request travels
     * signed; the target evaluates permissions with the caller's distance here increased by the
     * distance the target assigns to this node. This node's own key runs the query here.
     *
     * @param node a node key, or a label of the trust table
     * @throws org.datafold.api.FoldException with a stable code: {@code NOT_FOUND} (no such member),
     *         {@code UNAVAILABLE} (mesh off or not connected, target busy), {@code TIMEOUT}, the
     *         target's own error ({@code SCHEMA_NOT_FOUND}, {@code PERMISSION_DENIED}, ...), or
     *         {@code INVALID_ARGUMENT} for a query that cannot be forwarded
     */
    QueryResult query(String node, Caller caller, Query query);
}
