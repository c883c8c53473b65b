package org.datafold.mesh.internal.command;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import java.util.Arrays;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.mesh.api.Mesh;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshPeer;
import org.datafold.mesh.api.MeshStatus;
import org.datafold.mesh.internal.QueryForwarding;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code mesh:status}, {@code mesh:peers}, {@code mesh:anomalies}, {@code mesh:holders},
 * {@code mesh:query}.
 */
@Component(service = MeshCommands.class, property = {
        "osgi.command.scope=mesh",
        "osgi.command.function=status",
        "osgi.command.function=peers",
        "osgi.command.function=anomalies",
        "osgi.command.function=holders",
        "osgi.command.function=query" })
public final class MeshCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Mesh mesh;
    private final PermissionService permissions;

    @Activate
    public MeshCommands(@Reference Mesh mesh, @Reference PermissionService permissions) {
        this.mesh = mesh;
        this.permissions = permissions;
    }

    @Descriptor("Run a query at another node of the mesh (the target applies its permissions to the forwarded caller)")
    public String query(
            @Descriptor("evaluate as this identity would: a public key or a label of the trust table (default: the owner)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("the target: a node key or a label of the trust table") String node,
            @Descriptor("schema name") String schema,
            @Descriptor("comma-separated field names") String fields) throws Exception {
        List<String> names = Arrays.stream(fields.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name at least one field");
        }
        Caller caller = as.isBlank() ? Caller.localOwner() : Caller.key(permissions.resolve(as));
        QueryResult result = mesh.query(node, caller, Query.of(schema, names));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(QueryForwarding.encode(result)) + "\n";
    }

    @Descriptor("This node in the mesh: cluster, view, identity, global step, message counts")
    public String status() {
        MeshStatus s = mesh.status();
        StringBuilder sb = new StringBuilder();
        line(sb, "Enabled", Boolean.toString(s.enabled()));
        line(sb, "Connected", Boolean.toString(s.connected()));
        if (s.problem() != null) {
            line(sb, "Problem", s.problem());
        }
        line(sb, "Cluster", dash(s.cluster()));
        line(sb, "View", s.viewId() == null ? "-" : s.viewId() + " (" + s.members() + " members)");
        line(sb, "Node key", s.nodeKey());
        line(sb, "Address", dash(s.address()));
        line(sb, "Global step", Long.toString(s.globalStep()));
        line(sb, "Pattern", dash(s.generator()));
        line(sb, "Messages", s.sent() + " sent, " + s.accepted() + " accepted, " + s.rejected() + " rejected, "
                + s.untrusted() + " untrusted, " + s.malformed() + " malformed");
        line(sb, "Merges", Long.toString(s.merges()));
        line(sb, "Forwarded", s.forwarded() + " queries" + (s.forwardMedianMicros() < 0 ? ""
                : String.format(", median round trip %.2f ms (last 1000)", s.forwardMedianMicros() / 1000.0)));
        return sb.toString();
    }

    @Descriptor("The peers: address, node key fingerprint, trust distance, state, counts, schemas held")
    public String peers() {
        List<MeshPeer> peers = mesh.peers();
        if (peers.isEmpty()) {
            return "No peers. " + (mesh.status().connected() ? "This node is alone in its view.\n"
                    : "The mesh is not connected (mesh:status).\n");
        }
        StringBuilder sb = new StringBuilder();
        String row = "%-28s  %-19s  %-8s  %-6s  %8s  %8s  %-20s  %s%n";
        sb.append(String.format(row, "ADDRESS", "NODE", "DISTANCE", "STATE", "ACCEPTED", "REJECTED", "LAST SEEN",
                "SCHEMAS"));
        for (MeshPeer p : peers) {
            sb.append(String.format(row, p.address(), dash(p.fingerprint()),
                    p.distance() == null ? "-" : p.distance().toString(), p.state(), p.accepted(), p.rejected(),
                    p.lastSeen() == null ? "-" : seconds(p.lastSeen()),
                    p.schemas().isEmpty() ? "-" : String.join(",", p.schemas())));
        }
        return sb.toString();
    }

    @Descriptor("The recent anomalies: rejected messages (pattern mismatch, step too far, replay, bad signature)")
    public String anomalies() {
        List<MeshAnomaly> all = mesh.anomalies();
        if (all.isEmpty()) {
            return "No anomalies.\n";
        }
        StringBuilder sb = new StringBuilder();
        String row = "%-20s  %-16s  %-28s  %10s  %s%n";
        sb.append(String.format(row, "AT", "KIND", "ADDRESS", "STEP", "DETAIL"));
        for (MeshAnomaly a : all) {
            sb.append(String.format(row, seconds(a.at()), a.kind(), a.address(), a.step(), a.detail()));
        }
        return sb.toString();
    }

    @Descriptor("The peers that hold a schema Approved (their node keys)")
    public String holders(@Descriptor("schema name") String schema) {
        List<String> keys = mesh.holders(schema);
        return keys.isEmpty() ? "No peer holds " + schema + " Approved.\n" : String.join("\n", keys) + "\n";
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(String.format("%-12s %s%n", name + ":", value));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
