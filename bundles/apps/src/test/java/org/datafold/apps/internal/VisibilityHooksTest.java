package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.datafold.api.app.Apps;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.hooks.service.FindHook;

class VisibilityHooksTest extends FrameworkFixture {

    @Test
    void forgetsTheBundlesThatWereUninstalled() throws Exception {
        VisibilityHooks hooks = new VisibilityHooks(id -> true);
        framework.getBundleContext().registerService(FindHook.class, hooks, null);
        framework.getBundleContext().registerService(Runnable.class, () -> { }, null);
        Bundle app = started("test.app", Map.of(Apps.HEADER, "test"));
        Bundle other = started("test.other", Map.of());
        assertThat(app.getBundleContext().getServiceReferences(Runnable.class, null)).hasSize(1);
        assertThat(other.getBundleContext().getServiceReferences(Runnable.class, null)).hasSize(1);
        assertThat(hooks.cached()).as("the two bundles that looked a service up").isEqualTo(2);

        app.uninstall();
        hooks.bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, app));
        assertThat(hooks.cached()).isEqualTo(1);
        hooks.bundleChanged(new BundleEvent(BundleEvent.STOPPED, other));
        assertThat(hooks.cached()).as("only uninstalling forgets a bundle").isEqualTo(1);
    }
}
