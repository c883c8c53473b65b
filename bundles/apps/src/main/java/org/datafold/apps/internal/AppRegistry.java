package org.datafold.apps.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

import org.datafold.api.permission.PublicKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apps the node knows, by bundle and by id. A bundle becomes an app here when its header is
 * valid, its id is not taken by another bundle, and its identity is acceptable (a declared key is
 * neither the owner's nor another app's). Refusals are logged as errors naming the bundle and the
 * rule; a refused bundle gets no view of the node.
 */
final class AppRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(AppRegistry.class);

    private final AppIdentities identities;
    private final String ownerKey;
    private final Clock clock;
    private final Map<Long, App> byBundle = new ConcurrentHashMap<>();
    private final Map<String, App> byId = new ConcurrentHashMap<>();

    AppRegistry(AppIdentities identities, String ownerKey, Clock clock) {
        this.identities = Objects.requireNonNull(identities, "identities");
        this.ownerKey = PublicKeys.normalize(ownerKey);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Takes a bundle with a {@code DataFold-App} header in as an app.
     *
     * @param header   the header value
     * @param platform whether the bundle also carries {@code DataFold-Role: platform}
     * @return the app, or empty when the bundle is refused (the reason is logged)
     */
    synchronized Optional<App> add(long bundleId, String symbolicName, String version, String header, boolean platform,
            IntSupplier state) {
        String bundle = "bundle " + bundleId + " (" + symbolicName + ")";
        App known = byBundle.get(bundleId);
        if (known != null) {
            return Optional.of(known);
        }
        AppHeader parsed;
        try {
            parsed = AppHeader.parse(header);
        } catch (IllegalArgumentException e) {
            LOG.error("{} is not an app: its DataFold-App header is invalid: {}", bundle, e.getMessage());
            return Optional.empty();
        }
        String id = parsed.id();
        if (platform) {
            LOG.error("{} is not an app: it declares app {} but also carries DataFold-Role: platform, which app"
                    + " bundles must not", bundle, id);
            return Optional.empty();
        }
        App other = byId.get(id);
        if (other != null) {
            LOG.error("{} is not an app: app id {} is already taken by bundle {} ({}); app ids are unique", bundle, id,
                    other.bundleId(), other.symbolicName());
            return Optional.empty();
        }
        String key;
        String source;
        if (parsed.key() != null) {
            key = parsed.key();
            source = App.DECLARED_KEY;
            if (key.equals(ownerKey)) {
                LOG.error("{} is not an app: app {} declares the owner's key; an app never acts as the owner", bundle,
                        id);
                return Optional.empty();
            }
            for (App a : byId.values()) {
                if (a.publicKey().equals(key)) {
                    LOG.error("{} is not an app: app {} declares the key {} of app {}; every app has its own key",
                            bundle, id, PublicKeys.fingerprint(key), a.id());
                    return Optional.empty();
                }
            }
        } else {
            key = identities.publicKey(id);
            source = App.NODE_KEY;
        }
        App app = new App(id, parsed.name(), bundleId, symbolicName, version, key, source, new AppStats(clock), state);
        byBundle.put(bundleId, app);
        byId.put(id, app);
        LOG.info("app {} (\"{}\") found in bundle {} ({} {}), identity {} ({} key)", id, app.name(), bundleId,
                symbolicName, version, app.fingerprint(), source);
        return Optional.of(app);
    }

    /** Forgets the app of a bundle (uninstalled or no longer an app); returns it if there was one. */
    synchronized Optional<App> remove(long bundleId) {
        App app = byBundle.remove(bundleId);
        if (app != null) {
            byId.remove(app.id(), app);
        }
        return Optional.ofNullable(app);
    }

    /** The app of a bundle, or null. */
    App byBundle(long bundleId) {
        return byBundle.get(bundleId);
    }

    /** The app with an id, or null. */
    App byId(String id) {
        return id == null ? null : byId.get(id);
    }

    /** Every app, by id. */
    List<App> all() {
        List<App> apps = new ArrayList<>(byId.values());
        apps.sort(Comparator.comparing(App::id));
        return apps;
    }
}
