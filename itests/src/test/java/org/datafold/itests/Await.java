package org.datafold.itests;

import static org.junit.Assert.assertNotNull;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/** Bounded waits on real signals (services appearing), never on the clock alone. */
final class Await {
    static final long TIMEOUT_MS = 60_000;

    private Await() {
    }

    /** Waits for the {@code fold.ready} condition. */
    static void ready(BundleContext context) throws InterruptedException {
        Object condition = service(context, "(&(objectClass=org.osgi.service.condition.Condition)"
                + "(osgi.condition.id=fold.ready))");
        assertNotNull("fold.ready within " + TIMEOUT_MS + " ms", condition);
    }

    /** Waits for a service matching the filter and returns it, or null after the timeout. */
    static Object service(BundleContext context, String filter) throws InterruptedException {
        Filter f;
        try {
            f = context.createFilter(filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, f, null);
        tracker.open(true);
        try {
            return tracker.waitForService(TIMEOUT_MS);
        } finally {
            tracker.close();
        }
    }
}
