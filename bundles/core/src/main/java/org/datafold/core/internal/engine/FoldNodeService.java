package org.datafold.core.internal.engine;

import java.util.List;

import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.TransformRun;
import org.datafold.api.transform.Transforms;
import org.datafold.core.internal.transform.TransformGraph;
import org.datafold.core.internal.transform.TransformRuntime;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
@Component(service = {FoldNode.class, Transforms.class}, configurationPid = TransformConfig.PID)
@Designate(ocd = TransformConfig.class)
public final class FoldNodeService implements FoldNode, Transforms {

    private static final Logger LOG = LoggerFactory.getLogger(FoldNodeService.class);

    private final SchemaRegistry registry;
    private final FoldEngine engine;
    private final TransformRuntime transforms;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Activate
    public FoldNodeService(@Reference Storage storage, @Reference SchemaRegistry registry,
            @Reference PermissionService permissions, TransformConfig config, BundleContext context) {
        this(storage, registry, permissions, settings(config), stoppingFramework(context));
    }

    /** Package-private for tests: the engine and the transforms without OSGi. */
    FoldNodeService(Storage storage, SchemaRegistry registry, PermissionService permissions,
            TransformRuntime.Settings settings) {
        this(storage, registry, permissions, settings, () -> false);
    }

    private FoldNodeService(Storage storage, SchemaRegistry registry, PermissionService permissions,
            TransformRuntime.Settings settings, java.util.function.BooleanSupplier frameworkStopping) {
        this.registry = registry;
        this.transforms = new TransformRuntime(storage, registry, settings, frameworkStopping);
        this.engine = new FoldEngine(storage, registry, new EventAdminPublisher(() -> eventAdmin),
                new PermissionAccessPolicy(permissions), transforms);
        transforms.start(engine);
    }

    /** Whether the framework is stopping (then removed transforms keep their queued runs). */
    private static java.util.function.BooleanSupplier stoppingFramework(BundleContext context) {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        return () -> framework == null || (framework.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
    }

    @Modified
    void modified(TransformConfig config) {
        transforms.configure(settings(config));
    }

    @Deactivate
    void deactivate() {
        transforms.close();
    }

    private static TransformRuntime.Settings settings(TransformConfig c) {
        return new TransformRuntime.Settings(c.enabled(), c.threads(), c.max_depth(), c.max_attempts(),
                c.retry_initial_ms(), c.retry_max_ms());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeTransform")
    void addTransform(Transform transform, ServiceReference<Transform> ref) {
        Bundle b = ref.getBundle();
        String provider = b == null ? "a stopped bundle" : b.getSymbolicName() + " " + b.getVersion();
        transforms.register(transform, provider);
    }

    void removeTransform(Transform transform) {
        try {
            transforms.unregister(transform);
        } catch (RuntimeException e) {
            LOG.warn("could not drop the queued runs of a removed transform: {}", e.toString());
        }
    }

    /** The engine's transforms (for tests in this package). */
    TransformRuntime transformRuntime() {
        return transforms;
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
     * Approves a schema after checking its declarative transforms (logic, inputs, output):
     * {@code TRANSFORM_INVALID} names the field and the problem, and the schema stays as it was.
     */
    @Override
    public SchemaInfo approve(String name) {
        SchemaInfo info = registry.get(name);
        info.schema().fields().forEach((field, def) -> {
            if (def.transform() != null) {
                String id = info.schema().name() + "." + field;
                String problem = TransformGraph.checkDeclarative(id, def.transform());
                if (problem != null) {
                    throw new FoldException(ErrorCode.TRANSFORM_INVALID, "schema " + name + " cannot be approved: the"
                            + " transform of " + id + " is refused: " + problem, Map.of("schema", name, "field", field),
                            null);
                }
            }
        });
        return registry.approve(name);
    }

    @Override
    public List<TransformInfo> list() {
        return transforms.list();
    }

    @Override
    public TransformInfo get(String id) {
        return transforms.get(id);
    }

    @Override
    public TransformRun run(String id, String rangeKey) {
        return transforms.run(id, rangeKey);
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
