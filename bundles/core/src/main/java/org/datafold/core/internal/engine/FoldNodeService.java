package org.datafold.core.internal.engine;

import java.util.List;
import java.util.Optional;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.core.api.ApprovalCheck;
import org.datafold.core.api.CommitListener;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.api.FieldStore;
import org.datafold.core.api.QueryForwarder;
import org.datafold.core.api.WriteGuard;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.storage.api.Storage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;

/**
 * The node service: schema operations go to the {@link SchemaRegistry}, data operations to the
 * {@link FoldEngine}, which asks the {@link PermissionService} about every field it reads or
 * writes. Field changes are posted to EventAdmin when one is present; the node works
 * without it (the events are then dropped).
 *
 * <p>The engine tells every {@link CommitListener} of each commit inside its unit of work, asks every
 * {@link WriteGuard} about the fields a mutation writes and every {@link ApprovalCheck} before a
 * schema is approved; it serves only while at least one commit listener is registered. It offers
 * its field-level reads and computed writes as the {@link FieldStore} service.
 */
@Component(service = {FoldNode.class, FieldStore.class})
public final class FoldNodeService implements FoldNode, FieldStore {

    private final SchemaRegistry registry;
    private final FoldEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.AT_LEAST_ONE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<CommitListener> commitListeners = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<WriteGuard> writeGuards = List.of();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ApprovalCheck> approvalChecks = List.of();

    /** The mesh's forwarding of queries that name another node, when the mesh runs. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile QueryForwarder queryForwarder;

    @Activate
    public FoldNodeService(@Reference Storage storage, @Reference SchemaRegistry registry,
            @Reference PermissionService permissions) {
        this.registry = registry;
        CommitListener commits = new CommitListener() {
            @Override
            public void committing(List<FieldChangeEvent> changes, int depth) {
                for (CommitListener l : commitListeners) {
                    l.committing(changes, depth);
                }
            }

            @Override
            public void committed() {
                for (CommitListener l : commitListeners) {
                    l.committed();
                }
            }
        };
        WriteGuard guard = fieldRef -> {
            for (WriteGuard g : writeGuards) {
                String refusal = g.refusal(fieldRef);
                if (refusal != null) {
                    return refusal;
                }
            }
            return null;
        };
        this.engine = new FoldEngine(storage, registry, new EventAdminPublisher(() -> eventAdmin),
                new PermissionAccessPolicy(permissions), commits, guard);
    }

    /** The node's own bundles act for whoever each call names; this view's default is the owner. */
    @Override
    public Caller caller() {
        return Caller.localOwner();
    }

    @Override
    public List<SchemaInfo> schemas() {
        return registry.all();
    }

    @Override
    public SchemaInfo schema(String name) {
        return registry.get(name);
    }

    @Override
    public SchemaInfo loadSchema(String json, String source) {
        return registry.load(json, source);
    }

    /**
     * Approves a schema after every {@link ApprovalCheck} accepted it (the transforms check the
     * logic, inputs and output of its declarative transforms: {@code TRANSFORM_INVALID} names the
     * field and the problem); a refused schema stays as it was.
     */
    @Override
    public SchemaInfo approve(String name) {
        SchemaInfo info = registry.get(name);
        for (ApprovalCheck check : approvalChecks) {
            check.check(info.schema());
        }
        return registry.approve(name);
    }

    @Override
    public SchemaInfo block(String name) {
        return registry.block(name);
    }

    @Override
    public SchemaInfo unload(String name) {
        return registry.unload(name);
    }

    @Override
    public DiscoveryReport discover() {
        return registry.discover();
    }

    @Override
    public DiscoveryReport lastDiscovery() {
        return registry.lastDiscovery();
    }

    @Override
    public QueryResult query(Caller caller, Query query) {
        return engine.query(caller, query);
    }

    @Override
    public QueryResult query(Caller caller, Query query, String node) {
        if (node == null || node.isBlank()) {
            return query(caller, query);
        }
        QueryForwarder forwarder = queryForwarder;
        if (forwarder == null) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "the mesh is not running: a query cannot name a node"
                    + " (enable it in etc/org.datafold.mesh.cfg)");
        }
        return forwarder.forward(node, caller, query);
    }

    @Override
    public MutationResult mutate(Caller caller, Mutation mutation) {
        return engine.mutate(caller, mutation);
    }

    @Override
    public List<AtomVersion> history(Caller caller, String schema, String field, String rangeKey, int limit) {
        return engine.history(caller, schema, field, rangeKey, limit);
    }

    @Override
    public Optional<Object> currentValue(String fieldRef, String rangeKey) {
        return engine.currentValue(fieldRef, rangeKey);
    }

    @Override
    public MutationResult writeComputed(String schema, String field, String rangeKey, Object value, String source,
            int depth, Runnable alsoInTransaction) {
        return engine.writeComputed(schema, field, rangeKey, value, source, depth, alsoInTransaction);
    }
}
