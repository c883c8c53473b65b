package org.datafold.api;

import java.util.List;

import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.SchemaInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node: schemas and their lifecycle, queries, mutations and history. Every failure is a
 * {@link FoldException} with a stable {@link ErrorCode}.
 */
@ProviderType
public interface FoldNode {

    /**
     * The identity this view of the node acts as. An app bundle gets a view of its own whose
     * caller is the app's key: every call it makes carries that identity, whatever caller it
     * passes, and passing another identity (the owner's or another key) is refused with
     * {@code PERMISSION_DENIED}. The node's own bundles get the full view, where this is the
     * local owner and each call names its caller.
     */
    Caller caller();

    /** Every schema the node knows, by name. */
    List<SchemaInfo> schemas();

    /** One schema; {@code SCHEMA_NOT_FOUND} when unknown. */
    SchemaInfo schema(String name);

    /**
     * Adds a schema from its JSON definition; it becomes {@code Available}. Loading the same
     * content again under the same name is a no-op.
     *
     * @param json   the definition
     * @param source where it came from, named in errors (a file path, {@code api}, ...)
     * @throws FoldException {@code SCHEMA_INVALID} or {@code SCHEMA_CONFLICT}
     */
    SchemaInfo loadSchema(String json, String source);

    /** Approves a schema: its fields get data references and its mappings are applied. */
    SchemaInfo approve(String name);

    /** Blocks a schema: it can no longer be queried or written; its data is kept. */
    SchemaInfo block(String name);

    /** Returns a schema to {@code Available}. */
    SchemaInfo unload(String name);

    /** Looks for schemas in the node's schema folder and in bundles again; returns what it found. */
    DiscoveryReport discover();

    /** The report of the latest discovery pass. */
    DiscoveryReport lastDiscovery();

    QueryResult query(Caller caller, Query query);

    /**
     * Runs a query at another node of the mesh, on behalf of the caller; with a null or blank
     * {@code node} it is {@link #query(Caller, Query)}. The target evaluates permissions with the
     * caller's trust distance here increased by the distance the target assigns to this node.
     *
     * @param node a node key, or a label of the trust table
     * @throws FoldException {@code UNAVAILABLE} when the mesh is not running (or this view does not
     *         forward), {@code NOT_FOUND} when no member has that key, {@code TIMEOUT}, or the
     *         target's own error code
     * @since 1.3
     */
    default QueryResult query(Caller caller, Query query, String node) {
        if (node == null || node.isBlank()) {
            return query(caller, query);
        }
        throw new FoldException(ErrorCode.UNAVAILABLE, "this view of the node does not forward queries to the mesh");
    }

    MutationResult mutate(Caller caller, Mutation mutation);

    /**
     * The versions of one field, newest first.
     *
     * @param rangeKey the row for a range field, else null
     * @param limit    the most versions to return (at least 1)
     */
    List<AtomVersion> history(Caller caller, String schema, String field, String rangeKey, int limit);
}
