package org.datafold.apps.internal;

import org.datafold.api.FoldNode;
import org.datafold.api.app.OutboundAccess;

/**
 * Which services a bundle sees, as a pure function of what the requesting and the registering
 * bundles are:
 * <ul>
 * <li>an app does not see services registered by platform bundles, except the app views (the
 * app's own {@link FoldNode} and {@link OutboundAccess});</li>
 * <li>a bundle that is not an app does not see the app views, so the node's own bundles (and tests)
 * always resolve the node's full {@link FoldNode};</li>
 * <li>a bundle that declares itself an app but was refused (bad header, id taken, ...) sees neither:
 * its components stay unsatisfied, and the log says why;</li>
 * <li>the framework sees everything, and a bundle always sees its own services.</li>
 * </ul>
 */
final class Visibility {

    /** The property that marks the app views; its value is {@link #APP_VIEW}. */
    static final String VIEW_PROPERTY = "datafold.view";
    static final String APP_VIEW = "app";

    /** The requesting bundle. */
    enum Requester {
        /** The system bundle. */
        FRAMEWORK,
        /** An app the node accepted. */
        APP,
        /** A bundle with a {@code DataFold-App} header that the node refused. */
        REFUSED_APP,
        /** Any other bundle. */
        OTHER
    }

    /** The bundle that registered the service. */
    enum Registrant {
        /** The system bundle. */
        FRAMEWORK,
        /** A bundle with {@code DataFold-Role: platform}. */
        PLATFORM,
        /** Any other bundle. */
        OTHER
    }

    private Visibility() {
    }

    /**
     * Whether a service is visible.
     *
     * @param sameBundle whether the requester registered the service itself
     * @param appView    whether the service is an app view ({@link #isAppView(Object, Object)})
     */
    static boolean visible(Requester requester, Registrant registrant, boolean sameBundle, boolean appView) {
        if (requester == Requester.FRAMEWORK || registrant == Registrant.FRAMEWORK || sameBundle) {
            return true;
        }
        if (requester == Requester.APP) {
            return registrant != Registrant.PLATFORM || appView;
        }
        if (requester == Requester.REFUSED_APP) {
            return registrant != Registrant.PLATFORM && !appView;
        }
        return !appView;
    }

    /**
     * Whether a service is an app view: a {@link FoldNode} or an {@link OutboundAccess} with
     * {@code datafold.view=app}.
     *
     * @param objectClass the {@code objectClass} property (a {@code String[]})
     * @param view        the {@code datafold.view} property
     */
    static boolean isAppView(Object objectClass, Object view) {
        if (!APP_VIEW.equals(view) || !(objectClass instanceof String[] classes)) {
            return false;
        }
        for (String c : classes) {
            if (FoldNode.class.getName().equals(c) || OutboundAccess.class.getName().equals(c)) {
                return true;
            }
        }
        return false;
    }
}
