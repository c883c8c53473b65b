package org.datafold.core.internal.command;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.datafold.api.node.ComponentProblem;
import org.datafold.api.node.Diagnostics;
import org.datafold.api.node.NodeInfo;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.storage.api.DiskSpace;
import org.datafold.storage.api.Storage;
import org.datafold.support.text.ByteSizes;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code fold:status} and {@code fold:diag}. Both answer even when the node is not ready: the
 * node and storage services are optional here, because that is when the owner needs them most.
 */
@Component(service = NodeCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=status",
        "osgi.command.function=diag" })
public final class NodeCommands {

    private final BundleContext context;
    private final Diagnostics diagnostics;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile NodeInfo node;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile Storage storage;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile PermissionService permissions;

    @Activate
    public NodeCommands(BundleContext context, @Reference Diagnostics diagnostics) {
        this.context = context;
        this.diagnostics = diagnostics;
    }

    /** What {@code fold:status} shows, as data; {@code disk} is {@code null} while the storage is unavailable. */
    public record Status(String nodeId, String ownerKey, Instant startedAt, Duration uptime, boolean ready, int problems,
            String dataDirectory, DiskSpace disk, List<BundleLine> bundles) {
    }

    /** One bundle of {@link Status}. */
    public record BundleLine(long id, String state, int level, String symbolicName, String version) {
    }

    @Descriptor("Show the node's id, owner key, uptime, readiness, data directory with its free space and disk limits,"
            + " and bundles")
    public String status() {
        return format(collect());
    }

    Status collect() {
        NodeInfo n = node;
        Storage s = storage;
        PermissionService p = permissions;
        Instant started = n != null ? n.startedAt()
                : Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        List<ComponentProblem> problems = diagnostics.problems();
        List<BundleLine> bundles = java.util.Arrays.stream(context.getBundles())
                .map(b -> new BundleLine(b.getBundleId(), stateName(b.getState()),
                        b.adapt(BundleStartLevel.class) == null ? 0 : b.adapt(BundleStartLevel.class).getStartLevel(),
                        b.getSymbolicName(), b.getVersion().toString()))
                .toList();
        return new Status(n == null ? "(unavailable: storage not open)" : n.nodeId(),
                p == null ? "(unavailable)" : PublicKeys.PREFIX + p.ownerKey(), started,
                Duration.between(started, Instant.now()), n != null && n.isReady() && problems.isEmpty(),
                problems.size(), s == null ? "(unavailable)" : s.dataDirectory().toString(),
                s == null ? null : s.diskSpace(), bundles);
    }

    static String format(Status st) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Node        %s%n", st.nodeId()));
        sb.append(String.format("Owner key   %s%n", st.ownerKey()));
        sb.append(String.format("Started     %s (uptime %s)%n", st.startedAt(), human(st.uptime())));
        sb.append(String.format("Ready       %s%n", st.ready() ? "yes"
                : "no (" + st.problems() + " problem(s); run fold:diag)"));
        sb.append(String.format("Data        %s%n", st.dataDirectory()));
        DiskSpace d = st.disk();
        sb.append(String.format("Disk        %s%n", d == null ? "(unavailable)"
                : ByteSizes.format(d.freeBytes()) + " free of " + ByteSizes.format(d.totalBytes())
                        + ", store " + ByteSizes.format(d.storeBytes())));
        sb.append(String.format("Limits      %s%n", d == null ? "(unavailable)" : limits(d)));
        long active = st.bundles().stream().filter(b -> b.state().equals("Active")).count();
        sb.append(String.format("Bundles     %d (%d active)%n", st.bundles().size(), active));
        sb.append(String.format("  %4s  %-11s %5s  %s%n", "ID", "State", "Level", "Name"));
        for (BundleLine b : st.bundles()) {
            sb.append(String.format("  %4d  %-11s %5d  %s %s%n", b.id(), b.state(), b.level(), b.symbolicName(),
                    b.version()));
        }
        return sb.toString();
    }

    /** The disk limits and whether writes are refused because of them. */
    private static String limits(DiskSpace d) {
        String store = d.maxStoreBytes() == 0 ? "unlimited" : "at most " + ByteSizes.format(d.maxStoreBytes());
        String state = d.readOnly()
                ? "REACHED, writes fail with DISK_FULL (store open read-only: free space, then restart the node)"
                : d.limitReached() ? "REACHED, writes fail with DISK_FULL" : "writes accepted";
        return "store " + store + " (max_disk_mb), keep " + ByteSizes.format(d.keepFreeBytes())
                + " free (free_disk_mb): " + state;
    }

    @Descriptor("List every DataFold platform component that is not active, and why (empty when healthy)")
    public String diag() {
        List<ComponentProblem> problems = diagnostics.problems();
        if (problems.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (ComponentProblem p : problems) {
            sb.append(p.bundle()).append(" / ").append(p.component()).append(": ").append(p.state())
                    .append(System.lineSeparator());
            for (String r : p.reasons()) {
                sb.append("    ").append(r).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + (s % 3600 / 60) + "m";
        }
        return (s / 86400) + "d " + (s % 86400 / 3600) + "h";
    }

    static String stateName(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "Active";
            case Bundle.RESOLVED -> "Resolved";
            case Bundle.INSTALLED -> "Installed";
            case Bundle.STARTING -> "Starting";
            case Bundle.STOPPING -> "Stopping";
            case Bundle.UNINSTALLED -> "Uninstalled";
            default -> String.valueOf(state);
        };
    }
}
