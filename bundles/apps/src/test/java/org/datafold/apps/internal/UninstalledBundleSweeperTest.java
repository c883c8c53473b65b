package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

class UninstalledBundleSweeperTest extends FrameworkFixture {

    @Test
    void theFrameworkKeepsTheRecordsOfAnUninstalledBundleUntilSwept() throws Exception {
        ServiceRegistration<Runnable> registration = framework.getBundleContext().registerService(Runnable.class,
                () -> { }, null);
        ServiceReference<Runnable> ref = registration.getReference();
        Bundle released = started("test.released", Map.of());
        Bundle holding = started("test.holding", Map.of());
        Runnable service = holding.getBundleContext().getService(ref);
        released.getBundleContext().getService(ref);
        released.getBundleContext().ungetService(ref);
        Map<?, ?> records = UninstalledBundleSweeper.serviceUseRecords(framework);
        assertThat(records).as("Felix's records of service use").isNotNull();
        assertThat(bundles(records)).contains(released, holding);

        released.uninstall();
        assertThat(bundles(records)).as("the framework alone keeps the record of a service released and still"
                + " registered").contains(released);

        UninstalledBundleSweeper sweeper = new UninstalledBundleSweeper(framework.getBundleContext());
        try {
            assertThat(bundles(records)).as("swept when the component starts").doesNotContain(released)
                    .contains(holding);
            assertThat(holding.getBundleContext().getService(ref)).as("a live bundle keeps its service")
                    .isSameAs(service);

            holding.uninstall();
            sweeper.sweep();
            assertThat(bundles(records)).as("a bundle uninstalled while holding the service").doesNotContain(holding);
            assertThat(sweeper.sweep()).as("nothing left to release").isEmpty();
        } finally {
            sweeper.close();
        }
    }

    /** The bundles the framework keeps records of, now. */
    private static Set<Object> bundles(Map<?, ?> records) {
        return new HashSet<>(records.keySet());
    }

    @Test
    void aFrameworkWithoutTheRecordsIsLeftAlone() {
        Bundle system = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Bundle.class },
                (proxy, method, args) -> method.getName().equals("toString") ? "another framework" : null);
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] { BundleContext.class },
                (proxy, method, args) -> method.getName().equals("getBundle") ? system : null);
        assertThat(UninstalledBundleSweeper.serviceUseRecords(system)).isNull();
        UninstalledBundleSweeper sweeper = new UninstalledBundleSweeper(context);
        assertThat(sweeper.sweep()).isEmpty();
        sweeper.close();
    }
}
