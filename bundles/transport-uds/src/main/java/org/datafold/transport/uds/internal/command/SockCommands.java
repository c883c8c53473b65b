package org.datafold.transport.uds.internal.command;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.datafold.transport.uds.internal.AppSocket;
import org.datafold.transport.uds.internal.SocketServer;
import org.datafold.transport.uds.internal.Stats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code sock:stats} and {@code sock:connections}: the app socket at a glance. */
@Component(service = SockCommands.class, property = {
        "osgi.command.scope=sock",
        "osgi.command.function=stats",
        "osgi.command.function=connections" })
public final class SockCommands {

    private final AppSocket socket;

    @Activate
    public SockCommands(@Reference AppSocket socket) {
        this.socket = socket;
    }

    @Descriptor("Show the app socket's counters: connections, authentications, and per operation the count, errors by code and latency p50/p90/p99")
    public String stats() {
        SocketServer s = socket.server();
        if (s == null) {
            return "The app socket is disabled." + System.lineSeparator();
        }
        return render(s);
    }

    /** What {@code sock:stats} prints for a running server. */
    public static String render(SocketServer s) {
        Stats st = s.stats();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Socket             %s%n", s.path()));
        sb.append(String.format("Connections        %d active, %d busy, %d accepted, %d refused%n",
                s.activeConnections(), s.inFlight(), st.accepted.sum(), st.refused.sum()));
        sb.append(String.format("Authentication     %d ok, %d failed%n", st.authSuccesses.sum(), st.authFailures.sum()));
        SocketServer.Settings set = s.settings();
        sb.append(String.format("Limits             %d connections, %d per uid, %d unauthenticated (%d open now),"
                + " authentication within %d s%n", set.maxConnections(), set.maxConnectionsPerUid(),
                set.maxUnauthenticated(), s.unauthenticatedConnections(), set.authTimeout().toSeconds()));
        sb.append(String.format("Frames refused     %d too large, %d timeouts (%d of them authentication)%n",
                st.framesTooLarge.sum(), st.timeouts.sum(), st.authTimeouts.sum()));
        sb.append(String.format("Frame memory       %d KiB of %d KiB in use, %d frames waited for it%n",
                s.frameMemoryInUse() / 1024, set.frameMemoryBytes() / 1024, st.framesWaitedForMemory.sum()));
        StringBuilder events = new StringBuilder();
        st.events.counts().forEach((kind, n) -> events.append(kind).append('=').append(n).append(' '));
        sb.append(String.format("Security events    %s%n", events.length() == 0 ? "none" : events.toString().strip()));
        sb.append(String.format("%-16s %10s %8s %10s %10s %10s  %s%n", "OPERATION", "COUNT", "ERRORS", "P50(us)",
                "P90(us)", "P99(us)", "ERRORS BY CODE"));
        for (Map.Entry<String, Stats.Op> e : st.operations().entrySet()) {
            Stats.Op op = e.getValue();
            StringBuilder codes = new StringBuilder();
            new java.util.TreeMap<>(op.errors).forEach((code, n) -> codes.append(code).append('=').append(n.sum()).append(' '));
            sb.append(String.format("%-16s %10d %8d %10.0f %10.0f %10.0f  %s%n", e.getKey(), op.count.sum(),
                    op.errorCount(), op.latency.percentileMicros(0.5), op.latency.percentileMicros(0.9),
                    op.latency.percentileMicros(0.99), codes.toString().strip()));
        }
        return sb.toString();
    }

    @Descriptor("List the open app connections: peer uid/gid/pid, authenticated key fingerprint, requests, idle time")
    public String connections() {
        StringBuilder sb = new StringBuilder(String.format("%-6s %-7s %-7s %-8s %-22s %-6s %9s %9s %s%n", "ID", "UID",
                "GID", "PID", "KEY", "OWNER", "REQUESTS", "IDLE(s)", "CONNECTED"));
        Instant now = Instant.now();
        for (SocketServer.ConnectionInfo c : socket.connections()) {
            sb.append(String.format("%-6d %-7d %-7d %-8d %-22s %-6s %9d %9d %s%n", c.id(), c.uid(), c.gid(), c.pid(),
                    c.key(), c.owner() ? "yes" : "no", c.requests(),
                    c.busy() ? 0 : Duration.between(c.lastActive(), now).toSeconds(), c.connectedAt()));
        }
        return sb.toString();
    }
}
