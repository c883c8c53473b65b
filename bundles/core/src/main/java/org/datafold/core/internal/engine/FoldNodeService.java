package org.datafold.core.internal.engine;

import java.util.List;

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
 */
@Component(service = FoldNode.class)
public final class FoldNodeService implements FoldNode {

    private final SchemaRegistry registry;
    private final FoldEngine engine;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public FoldNodeService(@Reference Storage storage, @Reference SchemaRegistry registry,
            @Reference PermissionService permissions) {
        this.registry = registry;
        this.engine = new FoldEngine(storage, registry, new EventAdminPublisher(() -> eventAdmin),
                new PermissionAccessPolicy(permissions));
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

    @Override
    public SchemaInfo approve(String name) {
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
    public MutationResult mutate(Caller caller, Mutation mutation) {
        return engine.mutate(caller, mutation);
    }

    @Override
    public List<AtomVersion> history(Caller caller, String schema, String field, String rangeKey, int limit) {
        return engine.history(caller, schema, field, rangeKey, limit);
    }
}
