package org.datafold.apps.internal;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Hashtable;
import java.util.List;

import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.app.AppInfo;
import org.datafold.api.app.Apps;
import org.datafold.api.app.OutboundAccess;
import org.datafold.api.permission.PermissionService;
import org.datafold.storage.api.Storage;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceFactory;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app host. It tracks bundles with a {@code DataFold-App} header, gives each app an identity,
 * registers the service hooks that decide what apps see, and the two bundle-scoped services apps
 * use: their own view of the {@link FoldNode} and their {@link OutboundAccess} (both with
 * {@code datafold.view=app}; a bundle that is not an app gets neither). The outbound configuration
 * is applied on change, without restarting; an invalid one denies every outbound request.
 */
@Component(service = Apps.class, immediate = true, configurationPid = AppsConfig.PID)
@Designate(ocd = AppsConfig.class)
public final class AppHost implements Apps {

    private static final Logger LOG = LoggerFactory.getLogger(AppHost.class);

    private final AppRegistry registry;
    private final AppDirectory directory;
    private final BundleTracker<Bundle> tracker;
    private final List<ServiceRegistration<?>> registrations;
    private final BundleContext context;
    private final VisibilityHooks hooks;
    private volatile OutboundSettings settings;

    @Activate
    public AppHost(BundleContext context, AppsConfig config, @Reference Storage storage,
            @Reference PermissionService permissions,
            @Reference(target = "(!(" + Visibility.VIEW_PROPERTY + "=" + Visibility.APP_VIEW + "))") FoldNode node) {
        this.context = context;
        this.settings = checked(config);
        Clock clock = Clock.systemUTC();
        this.registry = new AppRegistry(new AppIdentities(storage, clock), permissions.ownerKey(), clock);
        this.directory = new AppDirectory(registry, node, permissions, () -> settings);
        HttpClient client = AppOutbound.newClient();

        Hashtable<String, Object> hookProps = new Hashtable<>();
        hookProps.put("service.description", "DataFold app visibility");
        this.hooks = new VisibilityHooks(id -> registry.byBundle(id) != null);
        context.addBundleListener(hooks);
        ServiceRegistration<?> hookRegistration = context.registerService(
                new String[] { FindHook.class.getName(), EventListenerHook.class.getName() }, hooks, hookProps);
        ServiceRegistration<?> nodeViews = context.registerService(FoldNode.class.getName(),
                new NodeViewFactory(registry, node), viewProperties("The node as one app sees it"));
        ServiceRegistration<?> outbound = context.registerService(OutboundAccess.class.getName(),
                new OutboundFactory(registry, client, () -> settings), viewProperties("Outbound access of one app"));
        this.registrations = List.of(outbound, nodeViews, hookRegistration);

        this.tracker = new BundleTracker<>(context,
                Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING,
                new Tracker());
        tracker.open();
        LOG.info("app host ready: {} app(s), {} outbound rule(s)", registry.all().size(), settings.policy().size());
    }

    /**
     * The settings of a configuration. An invalid one is logged (PID, key, rule) and replaced by
     * {@link OutboundSettings#DENY_ALL}: outbound access fails closed, while the node and its apps
     * keep running, and fixing the file applies at once.
     */
    private static OutboundSettings checked(AppsConfig config) {
        try {
            return OutboundSettings.from(config);
        } catch (FoldException e) {
            LOG.error("invalid configuration, every outbound request is denied until it is fixed: {}",
                    e.getMessage());
            return OutboundSettings.DENY_ALL;
        }
    }

    @Modified
    void modified(AppsConfig config) {
        OutboundSettings next = checked(config);
        settings = next;
        LOG.info("outbound configuration applied: {} rule(s), time-out {} ms, at most {} bytes, http {}",
                next.policy().size(), next.timeout().toMillis(), next.maxBytes(),
                next.allowHttp() ? "allowed" : "refused");
    }

    @Deactivate
    void close() {
        tracker.close();
        context.removeBundleListener(hooks);
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already unregistered with the bundle
            }
        }
    }

    @Override
    public List<AppInfo> list() {
        return directory.list();
    }

    @Override
    public AppInfo get(String id) {
        return directory.get(id);
    }

    private static Hashtable<String, Object> viewProperties(String description) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Visibility.VIEW_PROPERTY, Visibility.APP_VIEW);
        props.put("service.description", description);
        return props;
    }

    /** Bundles with the header become apps; their state changes are logged. */
    private final class Tracker implements BundleTrackerCustomizer<Bundle> {

        @Override
        public Bundle addingBundle(Bundle bundle, BundleEvent event) {
            String header = bundle.getHeaders("").get(Apps.HEADER);
            if (header == null) {
                return null;
            }
            take(bundle, header);
            return bundle;
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, Bundle object) {
            if (event == null) {
                return;
            }
            switch (event.getType()) {
                case BundleEvent.UPDATED -> {
                    registry.remove(bundle.getBundleId());
                    String header = bundle.getHeaders("").get(Apps.HEADER);
                    if (header != null) {
                        take(bundle, header);
                    }
                }
                case BundleEvent.STARTED -> {
                    App app = registry.byBundle(bundle.getBundleId());
                    if (app != null) {
                        LOG.info("app {} started: bundle {} ({} {}), identity {}", app.id(), app.bundleId(),
                                app.symbolicName(), app.version(), app.fingerprint());
                    }
                }
                case BundleEvent.STOPPED -> {
                    App app = registry.byBundle(bundle.getBundleId());
                    if (app != null) {
                        LOG.info("app {} stopped: bundle {} ({} {}), identity {}", app.id(), app.bundleId(),
                                app.symbolicName(), app.version(), app.fingerprint());
                    }
                }
                default -> {
                    // other transitions are not logged
                }
            }
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, Bundle object) {
            registry.remove(bundle.getBundleId()).ifPresent(app -> {
                if (event != null) {
                    LOG.info("app {} removed: bundle {} ({}), identity {}", app.id(), app.bundleId(),
                            app.symbolicName(), app.fingerprint());
                }
            });
        }

        private void take(Bundle bundle, String header) {
            boolean platform = VisibilityHooks.PLATFORM_ROLE.equals(
                    String.valueOf(bundle.getHeaders("").get(VisibilityHooks.ROLE_HEADER)).strip());
            registry.add(bundle.getBundleId(), bundle.getSymbolicName(), bundle.getVersion().toString(), header,
                    platform, bundle::getState).ifPresent(app -> {
                        if (bundle.getState() == Bundle.ACTIVE) {
                            LOG.info("app {} is active: bundle {} ({} {}), identity {}", app.id(), app.bundleId(),
                                    app.symbolicName(), app.version(), app.fingerprint());
                        }
                    });
        }
    }

    /** Gives each app bundle its own view of the node; other bundles get nothing. */
    static final class NodeViewFactory implements ServiceFactory<FoldNode> {
        private final AppRegistry registry;
        private final FoldNode node;

        NodeViewFactory(AppRegistry registry, FoldNode node) {
            this.registry = registry;
            this.node = node;
        }

        @Override
        public FoldNode getService(Bundle bundle, ServiceRegistration<FoldNode> registration) {
            App app = registry.byBundle(bundle.getBundleId());
            if (app == null) {
                LOG.debug("bundle {} ({}) asked for an app view of the node but is not an app", bundle.getBundleId(),
                        bundle.getSymbolicName());
                return null;
            }
            return new AppNodeView(app, node);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<FoldNode> registration, FoldNode service) {
            if (service instanceof AppNodeView view) {
                view.close();
            }
        }
    }

    /** Gives each app bundle its own outbound access; other bundles get nothing. */
    static final class OutboundFactory implements ServiceFactory<OutboundAccess> {
        private final AppRegistry registry;
        private final HttpClient client;
        private final java.util.function.Supplier<OutboundSettings> settings;

        OutboundFactory(AppRegistry registry, HttpClient client,
                java.util.function.Supplier<OutboundSettings> settings) {
            this.registry = registry;
            this.client = client;
            this.settings = settings;
        }

        @Override
        public OutboundAccess getService(Bundle bundle, ServiceRegistration<OutboundAccess> registration) {
            App app = registry.byBundle(bundle.getBundleId());
            if (app == null) {
                LOG.debug("bundle {} ({}) asked for outbound access but is not an app", bundle.getBundleId(),
                        bundle.getSymbolicName());
                return null;
            }
            return new AppOutbound(app, client, settings);
        }

        @Override
        public void ungetService(Bundle bundle, ServiceRegistration<OutboundAccess> registration,
                OutboundAccess service) {
            if (service instanceof AppOutbound access) {
                access.close();
            }
        }
    }
}
