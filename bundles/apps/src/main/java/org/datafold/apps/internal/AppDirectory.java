package org.datafold.apps.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.app.AppInfo;
import org.datafold.api.app.Apps;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.schema.SchemaInfo;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What {@link Apps} answers: the registry's apps with their trust, schemas, destinations and counts. */
final class AppDirectory implements Apps {

    private static final Logger LOG = LoggerFactory.getLogger(AppDirectory.class);

    private final AppRegistry registry;
    private final FoldNode node;
    private final PermissionService permissions;
    private final Supplier<OutboundSettings> settings;

    AppDirectory(AppRegistry registry, FoldNode node, PermissionService permissions,
            Supplier<OutboundSettings> settings) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.node = Objects.requireNonNull(node, "node");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public List<AppInfo> list() {
        List<App> apps = registry.all();
        if (apps.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> trust = trust();
        List<SchemaInfo> schemas = schemas();
        List<AppInfo> out = new ArrayList<>();
        for (App app : apps) {
            out.add(info(app, trust, schemas));
        }
        return out;
    }

    @Override
    public AppInfo get(String id) {
        App app = registry.byId(id);
        if (app == null) {
            throw new FoldException(ErrorCode.NOT_FOUND, "no installed bundle declares app '" + id + "'",
                    Map.of("app", String.valueOf(id)), null);
        }
        return info(app, trust(), schemas());
    }

    private AppInfo info(App app, Map<String, Integer> trust, List<SchemaInfo> schemas) {
        String bundlePrefix = "bundle:" + app.symbolicName() + "/";
        String apiSource = "app:" + app.id();
        List<String> names = new ArrayList<>();
        for (SchemaInfo s : schemas) {
            String source = s.source();
            if (source != null && (source.startsWith(bundlePrefix) || source.equals(apiSource))) {
                names.add(s.schema().name());
            }
        }
        AppStats stats = app.stats();
        AppStats.LastError last = stats.lastError();
        return new AppInfo(app.id(), app.name(), app.bundleId(), app.symbolicName(), app.version(),
                stateName(app.state().getAsInt()), app.publicKey(), app.fingerprint(), app.keySource(),
                trust.get(app.publicKey()), names, settings.get().policy().destinations(app.id()), stats.requests(),
                stats.errors(), last == null ? null : last.text(), last == null ? null : last.at());
    }

    private Map<String, Integer> trust() {
        Map<String, Integer> byKey = new HashMap<>();
        for (TrustEntry e : permissions.keys()) {
            byKey.put(e.key(), e.distance());
        }
        return byKey;
    }

    private List<SchemaInfo> schemas() {
        try {
            return node.schemas();
        } catch (FoldException e) {
            LOG.debug("schemas of apps unknown: {}", e.describe());
            return List.of();
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN(" + state + ")";
        };
    }
}
