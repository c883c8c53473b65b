package org.datafold.apps.internal.command;

import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.datafold.api.app.AppInfo;
import org.datafold.api.app.Apps;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.apps.internal.App;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code fold:apps} and {@code fold:app}: the app bundles the node hosts. */
@Component(service = AppCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=apps",
        "osgi.command.function=app" })
public final class AppCommands {

    private final Apps apps;

    @Activate
    public AppCommands(@Reference Apps apps) {
        this.apps = apps;
    }

    @Descriptor("List the app bundles: id, bundle, state, identity, trust distance, schemas, calls and the latest error")
    public String apps() {
        return table(apps.list());
    }

    @Descriptor("Show everything the node knows about one app")
    public String app(@Descriptor("app id (from the bundle's DataFold-App header)") String id) {
        return describe(apps.get(id));
    }

    static String table(List<AppInfo> list) {
        StringBuilder sb = new StringBuilder();
        String row = "%-20s  %-6s  %-11s  %-19s  %-5s  %-24s  %-8s  %s%n";
        sb.append(String.format(row, "ID", "BUNDLE", "STATE", "FINGERPRINT", "TRUST", "SCHEMAS", "REQUESTS",
                "LAST ERROR"));
        for (AppInfo a : list) {
            sb.append(String.format(row, a.id(), a.bundleId(), a.state(), a.fingerprint(), trust(a.trustDistance()),
                    a.schemas().isEmpty() ? "-" : String.join(",", a.schemas()), a.requests(),
                    a.lastError() == null ? "-" : a.lastError()));
        }
        return sb.toString();
    }

    static String describe(AppInfo a) {
        String row = "%-14s%s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(row, "Id", a.id()));
        sb.append(String.format(row, "Name", a.name()));
        sb.append(String.format(row, "Bundle", a.bundleId() + " " + a.symbolicName() + " " + a.version()));
        sb.append(String.format(row, "State", a.state()));
        sb.append(String.format(row, "Key", PublicKeys.PREFIX + a.publicKey()));
        sb.append(String.format(row, "Fingerprint", a.fingerprint()));
        sb.append(String.format(row, "Identity", a.keySource().equals(App.NODE_KEY)
                ? "node (a pair the node created and keeps)" : "declared (from the DataFold-App header)"));
        sb.append(String.format(row, "Trust", a.trustDistance() == null
                ? "not trusted (perm:trust " + PublicKeys.PREFIX + a.publicKey() + " <distance>)"
                : "distance " + a.trustDistance()));
        sb.append(String.format(row, "Schemas", a.schemas().isEmpty() ? "-" : String.join(", ", a.schemas())));
        sb.append(String.format(row, "Outbound", a.outbound().isEmpty() ? "none allowed"
                : String.join(", ", a.outbound())));
        sb.append(String.format(row, "Requests", a.requests()));
        sb.append(String.format(row, "Errors", a.errors()));
        sb.append(String.format(row, "Last error", a.lastError() == null ? "-"
                : a.lastError() + " (" + a.lastErrorAt().truncatedTo(ChronoUnit.SECONDS) + ")"));
        return sb.toString();
    }

    private static String trust(Integer distance) {
        return distance == null ? "-" : distance == PermissionService.UNLIMITED ? "inf" : distance.toString();
    }
}
