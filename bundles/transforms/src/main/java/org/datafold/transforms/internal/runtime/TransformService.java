package org.datafold.transforms.internal.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.MutationResult;
import org.datafold.api.schema.Schema;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.TransformRun;
import org.datafold.api.transform.Transforms;
import org.datafold.core.api.ApprovalCheck;
import org.datafold.core.api.CommitListener;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.api.FieldStore;
import org.datafold.core.api.WriteGuard;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.storage.api.Storage;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transforms as services: the owner's {@link Transforms} view, and the engine's
 * {@link CommitListener} (queueing runs inside each commit's transaction), {@link WriteGuard}
 * (outputs refuse direct writes) and {@link ApprovalCheck} (declarative transforms are checked at
 * approval). Runs read and write through the engine's {@link FieldStore}, a dynamic reference: the
 * engine itself waits for a commit listener, so this component must come up without it.
 * {@link Transform} services are dynamic references too: a transform bundle coming or going
 * restarts nothing.
 */
@Component(service = {Transforms.class, CommitListener.class, WriteGuard.class, ApprovalCheck.class},
        configurationPid = TransformConfig.PID)
@Designate(ocd = TransformConfig.class)
public final class TransformService implements Transforms, CommitListener, WriteGuard, ApprovalCheck {

    private static final Logger LOG = LoggerFactory.getLogger(TransformService.class);

    private final TransformRuntime runtime;
    private volatile LazyFieldStore fieldStore;

    @Activate
    public TransformService(@Reference Storage storage, @Reference SchemaRegistry registry, TransformConfig config,
            Map<String, Object> properties, BundleContext context) {
        this.runtime = new TransformRuntime(storage, registry, settings(config, properties),
                stoppingFramework(context));
        runtime.start();
    }

    /** Whether the framework is stopping (then removed transforms keep their queued runs). */
    private static BooleanSupplier stoppingFramework(BundleContext context) {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        return () -> framework == null || (framework.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
    }

    /**
     * The runtime's settings from a configuration. A key written with dots instead of underscores
     * ({@code max.depth}) is read when the documented key ({@code max_depth}) is absent, with a warning.
     */
    static TransformRuntime.Settings settings(TransformConfig c, Map<String, ?> properties) {
        return new TransformRuntime.Settings(c.enabled(), c.threads(),
                (int) dotted(properties, "max_depth", c.max__depth()),
                (int) dotted(properties, "max_attempts", c.max__attempts()),
                dotted(properties, "retry_initial_ms", c.retry__initial__ms()),
                dotted(properties, "retry_max_ms", c.retry__max__ms()));
    }

    private static long dotted(Map<String, ?> properties, String key, long value) {
        String dotted = key.replace('_', '.');
        Object old = properties.get(dotted);
        if (old == null || properties.containsKey(key)) {
            return value;
        }
        LOG.warn("{}: read '{}' as '{}'; write '{}', the name the documentation gives", TransformConfig.PID, dotted,
                key, key);
        try {
            return old instanceof Number n ? n.longValue() : Long.parseLong(old.toString().strip());
        } catch (NumberFormatException e) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, TransformConfig.PID + ": '" + dotted
                    + "' must be a whole number, not '" + old + "'", Map.of("pid", TransformConfig.PID, "key", dotted),
                    null);
        }
    }

    @Modified
    void modified(TransformConfig config, Map<String, Object> properties) {
        runtime.configure(settings(config, properties));
    }

    @Deactivate
    void deactivate() {
        runtime.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeFieldStore")
    void addFieldStore(ComponentServiceObjects<FieldStore> store) {
        LazyFieldStore lazy = new LazyFieldStore(store);
        fieldStore = lazy;
        runtime.attach(lazy);
    }

    void removeFieldStore(ComponentServiceObjects<FieldStore> store) {
        LazyFieldStore lazy = fieldStore;
        if (lazy != null && lazy.objects == store) {
            runtime.detach(lazy);
            lazy.release();
        }
    }

    /**
     * The engine's {@link FieldStore}, got on first use (by a run, after this component is active)
     * rather than when it is bound: the engine waits for this component's {@link CommitListener}, so
     * getting it while this component activates would be a circular activation.
     */
    private static final class LazyFieldStore implements FieldStore {
        final ComponentServiceObjects<FieldStore> objects;
        private FieldStore store;
        private boolean released;

        LazyFieldStore(ComponentServiceObjects<FieldStore> objects) {
            this.objects = objects;
        }

        private synchronized FieldStore store() {
            if (released) {
                throw new FoldException(ErrorCode.UNAVAILABLE, "the node's field store went away");
            }
            if (store == null) {
                store = objects.getService();
            }
            return store;
        }

        synchronized void release() {
            released = true;
            if (store != null) {
                objects.ungetService(store);
                store = null;
            }
        }

        @Override
        public Optional<Object> currentValue(String fieldRef, String rangeKey) {
            return store().currentValue(fieldRef, rangeKey);
        }

        @Override
        public MutationResult writeComputed(String schema, String field, String rangeKey, Object value, String source,
                int depth, Runnable alsoInTransaction) {
            return store().writeComputed(schema, field, rangeKey, value, source, depth, alsoInTransaction);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeTransform")
    void addTransform(Transform transform, ServiceReference<Transform> ref) {
        Bundle b = ref.getBundle();
        String provider = b == null ? "a stopped bundle" : b.getSymbolicName() + " " + b.getVersion();
        runtime.register(transform, provider);
    }

    void removeTransform(Transform transform) {
        try {
            runtime.unregister(transform);
        } catch (RuntimeException e) {
            LOG.warn("could not drop the queued runs of a removed transform: {}", e.toString());
        }
    }

    @Override
    public List<TransformInfo> list() {
        return runtime.list();
    }

    @Override
    public TransformInfo get(String id) {
        return runtime.get(id);
    }

    @Override
    public TransformRun run(String id, String rangeKey) {
        return runtime.run(id, rangeKey);
    }

    @Override
    public void committing(List<FieldChangeEvent> changes, int depth) {
        runtime.committing(changes, depth);
    }

    @Override
    public void committed() {
        runtime.committed();
    }

    @Override
    public String refusal(String fieldRef) {
        return runtime.refusal(fieldRef);
    }

    @Override
    public void check(Schema schema) {
        runtime.check(schema);
    }
}
