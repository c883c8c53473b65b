package org.datafold.mesh.internal.command;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.datafold.mesh.api.Mesh;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshPeer;
import org.datafold.mesh.api.MeshStatus;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code mesh:status}, {@code mesh:peers}, {@code mesh:anomalies}, {@code mesh:holders}. */
@Component(service = MeshCommands.class, property = {
        "osgi.command.scope=mesh",
        "osgi.command.function=status",
        "osgi.command.function=peers",
        "osgi.command.function=anomalies",
        "osgi.command.function=holders" })
public final class MeshCommands {

    private final Mesh mesh;

    @Activate
    public MeshCommands(@Reference Mesh mesh) {
        this.mesh = mesh;
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
