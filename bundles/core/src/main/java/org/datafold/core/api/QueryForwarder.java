package org.datafold.core.api;

import org.datafold.api.query.Caller;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs a query at another node (the mesh registers one). The node's {@code FoldNode} hands it every
 * query that names a target node; without one such a query is refused with {@code UNAVAILABLE}.
 *
 * @since 1.1
 */
@ConsumerType
public interface QueryForwarder {

    /**
     * @param node a node key, or a label of the trust table
     * @throws org.datafold.api.FoldException with a stable code when the query cannot be run there
     */
    QueryResult forward(String node, Caller caller, Query query);
}
