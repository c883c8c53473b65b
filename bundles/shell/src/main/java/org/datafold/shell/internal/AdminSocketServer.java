package org.datafold.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.node.NodeInfo;
import org.datafold.support.config.RenamedKeys;
import org.datafold.support.socket.SocketPaths;
import org.datafold.support.home.HomePaths;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.condition.Condition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the owner's shell on a Unix domain socket: each connection runs Gogo commands in its own
 * session. The socket file is created inside a directory only the owner can enter, then set to
 * 0600; a peer whose uid differs from the node's is refused and logged as a security event.
 */
@Component(immediate = true, configurationPid = AdminSocketServer.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = AdminSocketConfig.class)
public final class AdminSocketServer {
    public static final String PID = "org.datafold.shell.admin";

    private static final Logger LOG = LoggerFactory.getLogger(AdminSocketServer.class);
    private static final Logger SECURITY = LoggerFactory.getLogger("org.datafold.security");

    private final CommandProcessor processor;
    private final PeerPolicy peers;
    private final ServiceTracker<Condition, Condition> readiness;
    private final int maxReadyWaitMillis;
    private final Path socketPath;
    private final SocketPaths.Bound<AFUNIXServerSocket> bound;
    private final AFUNIXServerSocket server;
    private final ThreadPoolExecutor workers;
    private final Set<AFUNIXSocket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    /**
     * Binds the socket and starts accepting; the keys of earlier releases
     * ({@link AdminSocketConfig#OLD_KEYS}) are read from the raw properties where the new keys are absent.
     */
    @Activate
    public AdminSocketServer(AdminSocketConfig config, Map<String, Object> properties, BundleContext context,
            @Reference CommandProcessor processor) throws IOException {
        this.processor = processor;
        config = RenamedKeys.apply(AdminSocketConfig.class, config, properties, PID, AdminSocketConfig.OLD_KEYS, LOG);
        if (config.max__connections() < 1) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID,
                    PID + ": max_connections must be >= 1, was " + config.max__connections());
        }
        this.maxReadyWaitMillis = Math.max(0, config.max__ready__wait__seconds()) * 1000;
        this.peers = PeerPolicy.forCurrentUser();
        this.readiness = new ServiceTracker<>(context, readyFilter(context), null);
        this.readiness.open();
        if (!config.enabled()) {
            LOG.info("Admin socket disabled by configuration {}", PID);
            this.socketPath = null;
            this.bound = null;
            this.server = null;
            this.workers = null;
            this.acceptor = null;
            return;
        }
        this.socketPath = resolve(config.path());
        try {
            this.bound = bindPrivately(socketPath);
        } catch (FoldException e) {
            if (e.code() == ErrorCode.CONFIGURATION_INVALID) {
                LOG.error("{}", e.getMessage());
                System.err.println("datafold: " + e.getMessage()); // the console too: no shell without this socket
            }
            readiness.close();
            throw e;
        }
        this.server = bound.socket();
        if (bound.replacedStale()) {
            LOG.info("Replaced the stale admin socket {} left by an earlier run", bound.bound());
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, config.max__connections(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "datafold-admin-" + n.incrementAndGet());
                    t.setDaemon(true);
                    t.setContextClassLoader(AdminSocketServer.class.getClassLoader());
                    return t;
                });
        this.acceptor = new Thread(this::acceptLoop, "datafold-admin-accept");
        this.acceptor.setDaemon(true);
        this.acceptor.setContextClassLoader(AdminSocketServer.class.getClassLoader());
        this.acceptor.start();
        LOG.info("Admin socket listening on {}{} (mode 0600, uid {} only)", socketPath,
                bound.linked() ? " -> " + bound.bound() : "", peers.ownerUid());
    }

    @Deactivate
    void deactivate() {
        readiness.close();
        if (server == null) {
            return;
        }
        try {
            server.close(); // junixsocket removes the socket file on close
        } catch (IOException e) {
            LOG.warn("Closing admin socket {} failed: {}", socketPath, e.toString());
        }
        for (AFUNIXSocket s : open) {
            closeQuietly(s);
        }
        workers.shutdownNow();
        try {
            acceptor.join(5000);
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            bound.removeFiles();
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", socketPath, e.toString());
        }
        LOG.info("Admin socket {} closed", socketPath);
    }

    /** The socket file, or null when disabled. */
    Path socketPath() {
        return socketPath;
    }

    static Path resolve(String configured) {
        return HomePaths.resolve(configured);
    }

    private static Filter readyFilter(BundleContext context) {
        try {
            return context.createFilter("(&(objectClass=" + Condition.class.getName() + ")("
                    + Condition.CONDITION_ID + "=" + NodeInfo.READY_CONDITION + "))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Binds inside a directory that only the owner and its group can enter (0750; the app socket
     * {@code datafold.sock} shares it and admits the group), so the socket is never reachable by
     * others, even during the moment between bind and chmod (junixsocket creates the file with mode
     * 0666); the admin socket itself is then 0600. A configured path too long for a Unix socket is
     * bound in a short per-user directory with a link at the configured path ({@link SocketPaths}).
     * A leftover socket file is replaced unless a live node answers on it.
     */
    static SocketPaths.Bound<AFUNIXServerSocket> bindPrivately(Path socket) throws IOException {
        try {
            return SocketPaths.bindPrivately(socket, null, "rw-------", "admin socket", path -> {
                AFUNIXServerSocket server = AFUNIXServerSocket.newInstance();
                try {
                    server.bind(AFUNIXSocketAddress.of(path));
                    return server;
                } catch (IOException | RuntimeException e) {
                    server.close();
                    throw e;
                }
            });
        } catch (SocketPaths.SocketInUseException e) {
            throw new FoldException(ErrorCode.UNAVAILABLE, e.getMessage()
                    + " (another node is running from this directory)");
        } catch (SocketPaths.SocketPathException e) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "admin socket: " + e.getMessage(),
                    java.util.Map.of("path", socket.toString(), "length", SocketPaths.length(socket), "limit",
                            SocketPaths.MAX_BYTES), null);
        }
    }


    private void acceptLoop() {
        while (!server.isClosed()) {
            AFUNIXSocket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("Admin socket accept failed: {}", e.toString());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(socket));
            } catch (RejectedExecutionException full) {
                LOG.warn("Admin connection refused: {} connections already open", workers.getMaximumPoolSize());
                reply(socket, AdminProtocol.REFUSED, "UNAVAILABLE: too many admin connections");
                closeQuietly(socket);
            }
        }
    }

    private void serve(AFUNIXSocket socket) {
        open.add(socket);
        try (socket) {
            AFUNIXSocketCredentials creds = socket.getPeerCredentials();
            long uid = creds == null ? -1 : creds.getUid();
            String refusal = peers.refusal(uid);
            if (refusal != null) {
                SECURITY.warn("SECURITY admin socket {}: refused connection from uid={} pid={}: {}", socketPath,
                        uid, creds == null ? -1 : creds.getPid(), refusal);
                reply(socket, AdminProtocol.REFUSED, "PERMISSION_DENIED: " + refusal);
                return;
            }
            LOG.debug("Admin connection from pid {}", creds.getPid());
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            PrintStream console = new PrintStream(buffer, true, StandardCharsets.UTF_8);
            CommandSession session = processor.createSession(InputStream.nullInputStream(), console, console);
            try {
                AdminProtocol.Frame frame;
                while ((frame = AdminProtocol.read(in, AdminProtocol.MAX_REQUEST)) != null) {
                    switch (frame.kind()) {
                        case AdminProtocol.AWAIT_READY -> awaitReady(out, frame.text());
                        case AdminProtocol.RUN -> run(session, console, buffer, out, frame.text());
                        default -> {
                            AdminProtocol.write(out, AdminProtocol.FAILED,
                                    "INVALID_ARGUMENT: unknown request type " + frame.kind());
                            return;
                        }
                    }
                }
            } finally {
                session.close();
            }
        } catch (IOException e) {
            if (!server.isClosed()) {
                LOG.debug("Admin connection ended: {}", e.toString());
            }
        } finally {
            open.remove(socket);
        }
    }

    private void awaitReady(DataOutputStream out, String millisText) throws IOException {
        long millis;
        try {
            millis = Math.min(Long.parseLong(millisText.trim()), maxReadyWaitMillis);
        } catch (NumberFormatException e) {
            AdminProtocol.write(out, AdminProtocol.FAILED, "INVALID_ARGUMENT: not a number of milliseconds");
            return;
        }
        try {
            boolean ready = readiness.getService() != null
                    || (millis > 0 && readiness.waitForService(millis) != null);
            AdminProtocol.write(out, ready ? AdminProtocol.OK : AdminProtocol.NOT_READY,
                    ready ? "ready" : "node not ready after " + millis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            AdminProtocol.write(out, AdminProtocol.NOT_READY, "UNAVAILABLE: node is stopping");
        }
    }

    private static void run(CommandSession session, PrintStream console, ByteArrayOutputStream buffer,
            DataOutputStream out, String line) throws IOException {
        byte status = AdminProtocol.OK;
        try {
            Object result = session.execute(line);
            if (result != null) {
                console.println(session.format(result, Converter.INSPECT));
            }
        } catch (FoldException e) {
            status = AdminProtocol.FAILED;
            console.println(e.describe());
        } catch (Exception e) {
            status = AdminProtocol.FAILED;
            console.println(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        console.flush();
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        AdminProtocol.write(out, status, text);
    }

    private static void reply(AFUNIXSocket socket, byte status, String text) {
        try {
            AdminProtocol.write(new DataOutputStream(socket.getOutputStream()), status, text);
        } catch (IOException ignored) {
            // the peer is gone; nothing to tell it
        }
    }

    private static void closeQuietly(AFUNIXSocket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

}
