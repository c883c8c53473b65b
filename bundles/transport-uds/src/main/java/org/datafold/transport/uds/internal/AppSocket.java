package org.datafold.transport.uds.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.node.NodeInfo;
import org.datafold.api.permission.PermissionService;
import org.datafold.support.config.RenamedKeys;
import org.datafold.support.home.HomePaths;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The app socket as a component: the configuration, the node's services, and the server. */
@Component(immediate = true, service = AppSocket.class, configurationPid = AppSocket.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = UdsConfig.class)
public final class AppSocket {
    public static final String PID = "org.datafold.transport.uds";
    private static final Logger LOG = LoggerFactory.getLogger(AppSocket.class);

    private final FoldNode node;
    private final PermissionService permissions;
    private final NodeInfo info;
    private volatile SocketServer server;

    /**
     * Starts the server unless disabled; the keys of earlier releases ({@link UdsConfig#OLD_KEYS}) are
     * read from the raw properties where the new keys are absent.
     */
    @Activate
    public AppSocket(UdsConfig config, Map<String, Object> properties, @Reference FoldNode node,
            @Reference PermissionService permissions, @Reference NodeInfo info) throws IOException {
        config = current(config, properties);
        this.node = node;
        this.permissions = permissions;
        this.info = info;
        if (!config.enabled()) {
            LOG.info("App socket disabled by configuration {}", PID);
            return;
        }
        this.server = start(settings(config));
    }

    /** Starts a server; a socket path that cannot work is also said on the console, in one line. */
    private SocketServer start(SocketServer.Settings settings) throws IOException {
        try {
            return new SocketServer(settings, node, permissions, info::nodeId);
        } catch (FoldException e) {
            if (e.code() == ErrorCode.CONFIGURATION_INVALID) {
                LOG.error("{}", e.getMessage());
                System.err.println("datafold: " + e.getMessage());
            }
            throw e;
        }
    }

    /**
     * A changed configuration: limits, time-outs, workers and allowed peers apply in place, with
     * every connection kept; only {@code enabled}, {@code path}, {@code group} and {@code backlog}
     * need a new listening socket (and close the open connections).
     */
    @Modified
    synchronized void modified(UdsConfig config, Map<String, Object> properties) throws IOException {
        config = current(config, properties);
        SocketServer current = server;
        if (!config.enabled()) {
            if (current != null) {
                LOG.info("App socket disabled by configuration {}: closing it", PID);
                server = null;
                current.close();
            }
            return;
        }
        SocketServer.Settings next = settings(config);
        if (current == null) {
            LOG.info("App socket enabled by configuration {}", PID);
            server = start(next);
            return;
        }
        if (current.settings().needsRebind(next)) {
            LOG.warn("App socket: path, group or backlog changed in {}: binding the socket again; open connections"
                    + " are closed", PID);
            current.close();
            server = null;
            server = start(next);
            return;
        }
        List<String> changed = current.update(next);
        LOG.info("App socket: configuration {} applied in place, no connection dropped (changed: {})", PID,
                changed.isEmpty() ? "nothing" : String.join(", ", changed));
    }

    /** The configuration with the keys of earlier releases read where the new ones are absent. */
    static UdsConfig current(UdsConfig config, Map<String, Object> properties) {
        return RenamedKeys.apply(UdsConfig.class, config, properties, PID, UdsConfig.OLD_KEYS, LOG);
    }

    static SocketServer.Settings settings(UdsConfig c) {
        // Mutations wait for their group commit and take no permit (see SocketServer). For reads, a
        // small number of permits (2 per processor) cut the p99 at 64 connections by 3-4x but halved
        // the throughput (each waiting request parks and is woken: two context switches), so the
        // default lets most requests run at once.
        int workers = c.workers() > 0 ? c.workers() : Math.max(64, 8 * Runtime.getRuntime().availableProcessors());
        return new SocketServer.Settings(resolve(c.path()), c.group(), ids(c.allowed__uids(), "allowed_uids"),
                ids(c.allowed__gids(), "allowed_gids"), c.max__frame__bytes(), c.max__connections(), workers,
                Duration.ofSeconds(positive(c.idle__timeout__seconds(), "idle_timeout_seconds")),
                Duration.ofSeconds(positive(c.read__timeout__seconds(), "read_timeout_seconds")),
                Duration.ofSeconds(Math.max(0, c.shutdown__grace__seconds())),
                positive(c.backlog(), "backlog"), positive(c.max__unauthenticated(), "max_unauthenticated"),
                positive(c.max__connections__per__uid(), "max_connections_per_uid"),
                Duration.ofSeconds(positive(c.auth__timeout__seconds(), "auth_timeout_seconds")),
                positive(c.max__unauthenticated__frame__bytes(), "max_unauthenticated_frame_bytes"),
                (long) positive(c.frame__memory__mb(), "frame_memory_mb") << 20);
    }

    private static int positive(int v, String name) {
        if (v < 1) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, PID + ": " + name + " must be >= 1, was " + v);
        }
        return v;
    }

    static Set<Long> ids(String text, String name) {
        Set<Long> out = new LinkedHashSet<>();
        if (text == null) {
            return out;
        }
        for (String part : text.split("[,\\s]+")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Long.parseLong(part.strip()));
            } catch (NumberFormatException e) {
                throw new FoldException(ErrorCode.CONFIGURATION_INVALID, PID + ": " + name
                        + " must be comma-separated numbers, was '" + text + "'");
            }
        }
        return out;
    }

    static Path resolve(String configured) {
        return HomePaths.resolve(configured);
    }

    @Deactivate
    synchronized void deactivate() {
        SocketServer current = server;
        if (current != null) {
            current.close();
        }
    }

    /** The running server, or null when disabled. */
    public SocketServer server() {
        return server;
    }

    /** The open connections; none when the socket is disabled. */
    public List<SocketServer.ConnectionInfo> connections() {
        return server == null ? List.of() : server.connections();
    }
}
