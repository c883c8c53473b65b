package org.datafold.transforms.internal.runtime;

import java.util.List;
import java.util.function.BooleanSupplier;

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

    @Activate
    public TransformService(@Reference Storage storage, @Reference SchemaRegistry registry, TransformConfig config,
            BundleContext context) {
        this.runtime = new TransformRuntime(storage, registry, settings(config),
                stoppingFramework(context));
        runtime.start();
    }

    /** Whether the framework is stopping (then removed transforms keep their queued runs). */
    private static BooleanSupplier stoppingFramework(BundleContext context) {
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        return () -> framework == null || (framework.getState() & (Bundle.STOPPING | Bundle.RESOLVED)) != 0;
    }

    private static TransformRuntime.Settings settings(TransformConfig c) {
        return new TransformRuntime.Settings(c.enabled(), c.threads(), c.max_depth(), c.max_attempts(),
                c.retry_initial_ms(), c.retry_max_ms());
    }

    @Modified
    void modified(TransformConfig config) {
        runtime.configure(settings(config));
    }

    @Deactivate
    void deactivate() {
        runtime.close();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeFieldStore")
    void addFieldStore(FieldStore store) {
        runtime.attach(store);
    }

    void removeFieldStore(FieldStore store) {
        runtime.detach(store);
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
