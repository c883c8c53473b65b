package org.datafold.core.internal;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.datafold.api.node.ComponentProblem;
import org.datafold.api.node.Diagnostics;
import org.datafold.api.node.NodeInfo;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.dto.BundleDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.condition.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every platform bundle (manifest header {@code DataFold-Role: platform}) and its
 * components, answers {@link Diagnostics}, and registers the {@code fold.ready} condition while
 * there is no problem. It re-evaluates on every bundle or service event, and every second to
 * catch activation failures, which raise no event.
 */
@Component(service = { Diagnostics.class, PlatformHealth.class }, immediate = true)
public final class PlatformHealth implements Diagnostics {
    static final String ROLE_HEADER = "DataFold-Role";
    static final String PLATFORM = "platform";

    private static final Logger LOG = LoggerFactory.getLogger(PlatformHealth.class);

    private final BundleContext context;
    private final ServiceComponentRuntime scr;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final BundleListener bundleListener = e -> {
        if (e.getType() != BundleEvent.STARTING && e.getType() != BundleEvent.STOPPING) {
            schedule();
        }
    };
    private final ServiceListener serviceListener = e -> {
        if (e.getType() != ServiceEvent.MODIFIED) {
            schedule();
        }
    };

    /** Only touched on the executor thread. */
    private ServiceRegistration<Condition> readyRegistration;
    private volatile Instant readySince;
    private volatile List<ComponentProblem> lastProblems = List.of();

    @Activate
    public PlatformHealth(BundleContext context, @Reference ServiceComponentRuntime scr) {
        this.context = context;
        this.scr = scr;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "datafold-health");
            t.setDaemon(true);
            // The logging backend attributes log lines of this thread to this bundle.
            t.setContextClassLoader(PlatformHealth.class.getClassLoader());
            return t;
        });
        context.addBundleListener(bundleListener);
        context.addServiceListener(serviceListener);
        executor.scheduleWithFixedDelay(this::evaluate, 0, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        context.removeServiceListener(serviceListener);
        context.removeBundleListener(bundleListener);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        unregisterReady();
    }

    @Override
    public List<ComponentProblem> problems() {
        return ProblemFinder.find(platformBundles());
    }

    /** Whether the node is ready (the condition is registered). */
    public boolean isReady() {
        return readySince != null;
    }

    /** Since when the node is ready, or null. */
    public Instant readySince() {
        return readySince;
    }

    private void schedule() {
        if (pending.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    pending.set(false);
                    evaluate();
                });
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                pending.set(false);
            }
        }
    }

    private void evaluate() {
        try {
            if (context.getBundle(0).getState() != Bundle.ACTIVE) {
                // The framework is starting or stopping: bundles come and go by design.
                if (readyRegistration != null && context.getBundle(0).getState() == Bundle.STOPPING) {
                    LOG.info("Node stopping");
                    unregisterReady();
                }
                return;
            }
            List<ComponentProblem> problems = problems();
            if (problems.isEmpty() && readyRegistration == null) {
                Dictionary<String, Object> props = new Hashtable<>();
                props.put(Condition.CONDITION_ID, NodeInfo.READY_CONDITION);
                readySince = Instant.now();
                readyRegistration = context.registerService(Condition.class, Condition.INSTANCE, props);
                LOG.info("Node ready: every platform component is active ({} ms after JVM start)",
                        ManagementFactory.getRuntimeMXBean().getUptime());
            } else if (!problems.isEmpty() && readyRegistration != null) {
                LOG.warn("Node no longer ready: {}", problems);
                unregisterReady();
            } else if (!problems.isEmpty() && !problems.equals(lastProblems)) {
                LOG.debug("Not ready yet: {}", problems);
            }
            lastProblems = problems;
        } catch (IllegalStateException stopping) {
            // the bundle context became invalid while the framework stops
        } catch (RuntimeException e) {
            LOG.error("Readiness evaluation failed", e);
        }
    }

    private void unregisterReady() {
        ServiceRegistration<Condition> reg = readyRegistration;
        readyRegistration = null;
        readySince = null;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered when the bundle stopped
            }
        }
    }

    private List<ProblemFinder.PlatformBundle> platformBundles() {
        List<ProblemFinder.PlatformBundle> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (!PLATFORM.equals(b.getHeaders("").get(ROLE_HEADER))) {
                continue;
            }
            BundleDTO dto = b.adapt(BundleDTO.class);
            if (dto == null) {
                continue; // uninstalled meanwhile
            }
            boolean fragment = b.getHeaders("").get("Fragment-Host") != null;
            List<ProblemFinder.ComponentView> components = new ArrayList<>();
            if (b.getState() == Bundle.ACTIVE) {
                for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                    components.add(new ProblemFinder.ComponentView(d, scr.isComponentEnabled(d),
                            new ArrayList<>(scr.getComponentConfigurationDTOs(d))));
                }
            }
            out.add(new ProblemFinder.PlatformBundle(dto, fragment, components));
        }
        return out;
    }
}
