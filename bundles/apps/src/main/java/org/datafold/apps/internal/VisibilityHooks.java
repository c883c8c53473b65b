package org.datafold.apps.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;

import org.datafold.api.app.Apps;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.hooks.service.EventListenerHook;
import org.osgi.framework.hooks.service.FindHook;
import org.osgi.framework.hooks.service.ListenerHook.ListenerInfo;

/**
 * Applies {@link Visibility} to service look-ups ({@link FindHook}) and service events
 * ({@link EventListenerHook}). SCR looks services up and listens with each bundle's own context, so
 * the components of an app see what the app sees. What a bundle is comes from its headers, cached
 * per bundle until the bundle is updated; as a {@link BundleListener} it forgets uninstalled bundles.
 */
final class VisibilityHooks implements FindHook, EventListenerHook, BundleListener {

    /** The header and value that mark platform bundles. */
    static final String ROLE_HEADER = "DataFold-Role";
    static final String PLATFORM_ROLE = "platform";

    private record Kind(long lastModified, boolean app, boolean platform) {
    }

    private final Map<Long, Kind> kinds = new ConcurrentHashMap<>();
    private final LongPredicate accepted;

    /** @param accepted whether a bundle (by id) is an app the node accepted */
    VisibilityHooks(LongPredicate accepted) {
        this.accepted = accepted;
    }

    @Override
    public void find(BundleContext context, String name, String filter, boolean allServices,
            Collection<ServiceReference<?>> references) {
        Bundle requester = bundleOf(context);
        if (requester == null || requester.getBundleId() == 0) {
            return;
        }
        references.removeIf(ref -> !visible(requester, ref));
    }

    @Override
    public void event(ServiceEvent event, Map<BundleContext, Collection<ListenerInfo>> listeners) {
        ServiceReference<?> ref = event.getServiceReference();
        listeners.keySet().removeIf(context -> {
            Bundle requester = bundleOf(context);
            return requester != null && requester.getBundleId() != 0 && !visible(requester, ref);
        });
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.UNINSTALLED) {
            kinds.remove(event.getBundle().getBundleId());
        }
    }

    /** How many bundles' kinds are cached. */
    int cached() {
        return kinds.size();
    }

    private boolean visible(Bundle requester, ServiceReference<?> ref) {
        Bundle registrant = ref.getBundle();
        if (registrant == null) {
            return true;
        }
        Visibility.Requester who = !kind(requester).app() ? Visibility.Requester.OTHER
                : accepted.test(requester.getBundleId()) ? Visibility.Requester.APP : Visibility.Requester.REFUSED_APP;
        Visibility.Registrant owner = registrant.getBundleId() == 0 ? Visibility.Registrant.FRAMEWORK
                : kind(registrant).platform() ? Visibility.Registrant.PLATFORM : Visibility.Registrant.OTHER;
        boolean appView = Visibility.isAppView(ref.getProperty(Constants.OBJECTCLASS),
                ref.getProperty(Visibility.VIEW_PROPERTY));
        return Visibility.visible(who, owner, requester.getBundleId() == registrant.getBundleId(), appView);
    }

    private Kind kind(Bundle bundle) {
        long modified = bundle.getLastModified();
        Kind k = kinds.get(bundle.getBundleId());
        if (k == null || k.lastModified() != modified) {
            var headers = bundle.getHeaders("");
            k = new Kind(modified, headers.get(Apps.HEADER) != null,
                    PLATFORM_ROLE.equals(headers.get(ROLE_HEADER) == null ? null : headers.get(ROLE_HEADER).strip()));
            kinds.put(bundle.getBundleId(), k);
        }
        return k;
    }

    private static Bundle bundleOf(BundleContext context) {
        try {
            return context.getBundle();
        } catch (IllegalStateException e) {
            return null;
        }
    }
}
