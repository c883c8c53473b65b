package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.datafold.apps.internal.Visibility.Registrant.FRAMEWORK;
import static org.datafold.apps.internal.Visibility.Registrant.OTHER;
import static org.datafold.apps.internal.Visibility.Registrant.PLATFORM;
import static org.datafold.apps.internal.Visibility.visible;

import org.datafold.api.FoldNode;
import org.datafold.api.app.Apps;
import org.datafold.api.app.OutboundAccess;
import org.junit.jupiter.api.Test;

class VisibilityTest {

    private static final Visibility.Requester APP = Visibility.Requester.APP;
    private static final Visibility.Requester NON_APP = Visibility.Requester.OTHER;
    private static final Visibility.Requester SYSTEM = Visibility.Requester.FRAMEWORK;

    @Test
    void appsSeeOnlyTheAppViewsOfPlatformBundles() {
        assertThat(visible(APP, PLATFORM, false, false)).as("real FoldNode, Storage, ...").isFalse();
        assertThat(visible(APP, PLATFORM, false, true)).as("app view").isTrue();
        assertThat(visible(APP, OTHER, false, false)).as("services of other bundles").isTrue();
        assertThat(visible(APP, FRAMEWORK, false, false)).as("framework services").isTrue();
        assertThat(visible(APP, OTHER, true, false)).as("its own services").isTrue();
    }

    @Test
    void otherBundlesNeverSeeTheAppViews() {
        assertThat(visible(NON_APP, PLATFORM, false, true)).isFalse();
        assertThat(visible(NON_APP, OTHER, false, true)).isFalse();
        assertThat(visible(NON_APP, PLATFORM, false, false)).isTrue();
        assertThat(visible(NON_APP, OTHER, false, false)).isTrue();
        assertThat(visible(NON_APP, PLATFORM, true, true)).as("the app host sees what it registered").isTrue();
    }

    @Test
    void refusedAppsSeeNeitherPlatformServicesNorAppViews() {
        Visibility.Requester refused = Visibility.Requester.REFUSED_APP;
        assertThat(visible(refused, PLATFORM, false, false)).isFalse();
        assertThat(visible(refused, PLATFORM, false, true)).isFalse();
        assertThat(visible(refused, OTHER, false, false)).isTrue();
        assertThat(visible(refused, FRAMEWORK, false, false)).isTrue();
    }

    @Test
    void theFrameworkSeesEverything() {
        for (Visibility.Registrant r : Visibility.Registrant.values()) {
            assertThat(visible(SYSTEM, r, false, true)).isTrue();
            assertThat(visible(SYSTEM, r, false, false)).isTrue();
        }
    }

    @Test
    void appViewsAreFoldNodeOrOutboundAccessMarkedAsViews() {
        String[] node = { FoldNode.class.getName() };
        String[] outbound = { OutboundAccess.class.getName() };
        assertThat(Visibility.isAppView(node, "app")).isTrue();
        assertThat(Visibility.isAppView(outbound, "app")).isTrue();
        assertThat(Visibility.isAppView(new String[] { "x.Y", OutboundAccess.class.getName() }, "app")).isTrue();
        assertThat(Visibility.isAppView(node, null)).isFalse();
        assertThat(Visibility.isAppView(node, "full")).isFalse();
        assertThat(Visibility.isAppView(new String[] { Apps.class.getName() }, "app")).isFalse();
        assertThat(Visibility.isAppView(null, "app")).isFalse();
        assertThat(Visibility.isAppView(FoldNode.class.getName(), "app")).as("objectClass is a String[]").isFalse();
    }
}
