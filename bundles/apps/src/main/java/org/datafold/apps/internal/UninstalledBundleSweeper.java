package org.datafold.apps.internal;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the framework forget the bundles that were uninstalled, so that apps and transforms can be
 * deployed and removed any number of times without the node growing.
 *
 * <p>Apache Felix (7.0.5) keeps, per bundle, a record of every service the bundle got
 * ({@code ServiceRegistry.m_inUseMap}, keyed by the {@link Bundle}). When the bundle releases a
 * service its record stays, with a use count of zero, until that service is unregistered; stopping
 * or uninstalling the bundle does not remove it. The services an app uses stay registered for as
 * long as the node runs (its view of the node, its outbound access, ConfigurationAdmin, the
 * logging service), so every bundle ever removed from {@code deploy/} stayed reachable: its
 * {@code Bundle} object, revision, archive, manifest and capabilities, some kilobytes per removal
 * (its class loader and classes do go).
 *
 * <p>This component removes those records of uninstalled bundles: when it starts, and whenever a
 * bundle is uninstalled. An uninstalled bundle has stopped, and the framework released every
 * service it still held when it stopped, so its records only count past uses; the bundle can get
 * no service again. The records are reached by reflection on the system bundle (Felix's
 * {@code m_registry} and the registry's {@code m_inUseMap}); on a framework where they are not
 * found the component says so once in the log and does nothing.
 */
@Component(immediate = true)
public final class UninstalledBundleSweeper implements BundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(UninstalledBundleSweeper.class);

    private final BundleContext context;
    /** The framework's service use records by bundle, or null when this framework keeps them elsewhere. */
    private final Map<?, ?> records;

    @Activate
    public UninstalledBundleSweeper(BundleContext context) {
        this.context = context;
        this.records = serviceUseRecords(context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION));
        if (records != null) {
            context.addBundleListener(this);
            sweep();
        }
    }

    @Deactivate
    void close() {
        context.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.UNINSTALLED) {
            sweep();
        }
    }

    /**
     * Removes the service use records of every uninstalled bundle.
     *
     * @return the bundles whose records were removed (none when the framework is not supported)
     */
    List<Bundle> sweep() {
        List<Bundle> released = new ArrayList<>();
        if (records == null) {
            return released;
        }
        for (Object key : records.keySet()) {
            if (key instanceof Bundle bundle && bundle.getState() == Bundle.UNINSTALLED
                    && records.remove(bundle) != null) {
                released.add(bundle);
                LOG.debug("released the framework's service use records of uninstalled bundle {} ({})",
                        bundle.getBundleId(), bundle.getSymbolicName());
            }
        }
        return released;
    }

    /**
     * The framework's service use records by bundle: Felix's {@code ServiceRegistry.m_inUseMap},
     * found through the system bundle; null (logged) when the framework has no such map.
     */
    static Map<?, ?> serviceUseRecords(Bundle systemBundle) {
        try {
            Object registry = read(systemBundle, "m_registry");
            if (read(registry, "m_inUseMap") instanceof Map<?, ?> map) {
                return map;
            }
            LOG.info("the framework's service use records are not a map; uninstalled bundles are left to the"
                    + " framework ({})", systemBundle.getClass().getName());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.info("the framework keeps no service use records where Apache Felix does; uninstalled bundles are"
                    + " left to the framework ({}: {})", systemBundle.getClass().getName(), e.toString());
        }
        return null;
    }

    /** The value of a field declared by the object's class or one of its superclasses. */
    private static Object read(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field.get(target);
            } catch (NoSuchFieldException e) {
                // declared further up, if at all
            }
        }
        throw new NoSuchFieldException(target.getClass().getName() + "." + name);
    }
}
