package org.datafold.transport.uds.internal;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app socket server (docs/protocol.md), independent of OSGi. One selector thread accepts
 * connections, reads frames and writes responses; a bounded pool of workers runs the requests.
 * A connection has at most one request in flight: while it runs (and while its response is being
 * written) the connection is not read, so a client that pipelines is held back by the socket
 * buffers (back-pressure), responses come in request order, and the work queue never holds more
 * than one request per connection.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    private static final Logger SECURITY = Dispatcher.SECURITY;
    private static final int INITIAL_BODY = 64 * 1024;

    /** The settings of a server; durations are exact (the component converts seconds). */
    public record Settings(Path path, String group, Set<Long> allowedUids, Set<Long> allowedGids, int maxFrameBytes,
            int maxConnections, int workers, Duration idleTimeout, Duration readTimeout, Duration shutdownGrace) {
        public Settings {
            allowedUids = Set.copyOf(allowedUids);
            allowedGids = Set.copyOf(allowedGids);
            if (maxFrameBytes < 1 || maxConnections < 1 || workers < 1) {
                throw new FoldException(ErrorCode.CONFIGURATION_INVALID,
                        "maxFrameBytes, maxConnections and workers must be >= 1");
            }
        }
    }

    private final Settings settings;
    private final Dispatcher dispatcher;
    private final Stats stats = new Stats();
    private final SecureRandom random = new SecureRandom();
    private final AFUNIXServerSocketChannel serverChannel;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Map<Long, Conn> connections = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final long tickNanos;
    private volatile boolean stopping;
    private volatile long deadline;
    private volatile boolean stopped;

    public SocketServer(Settings settings, FoldNode node, PermissionService permissions, Supplier<String> nodeId)
            throws IOException {
        this.settings = settings;
        this.dispatcher = new Dispatcher(node, permissions, nodeId, stats);
        AFUNIXSelectorProvider provider = AFUNIXSelectorProvider.provider();
        this.serverChannel = bindPrivately(provider, settings.path(), settings.group());
        boolean ok = false;
        try {
            serverChannel.configureBlocking(false);
            this.selector = provider.openSelector();
            serverChannel.register(selector, SelectionKey.OP_ACCEPT);
            ok = true;
        } finally {
            if (!ok) {
                serverChannel.close();
                Files.deleteIfExists(settings.path());
            }
        }
        long shortest = Math.min(settings.readTimeout().toNanos(), settings.idleTimeout().toNanos());
        this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), shortest / 4));
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.maxConnections() + 1), r -> {
                    Thread t = new Thread(r, "datafold-uds-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    t.setContextClassLoader(SocketServer.class.getClassLoader());
                    return t;
                });
        this.loop = new Thread(this::run, "datafold-uds-selector");
        this.loop.setDaemon(true);
        this.loop.setContextClassLoader(SocketServer.class.getClassLoader());
        this.loop.start();
        LOG.info("App socket listening on {} (mode 0660{}, at most {} connections, {} workers)", settings.path(),
                settings.group() == null || settings.group().isBlank() ? "" : ", group " + settings.group(),
                settings.maxConnections(), settings.workers());
    }

    public Path path() {
        return settings.path();
    }

    Stats stats() {
        return stats;
    }

    int activeConnections() {
        return connections.size();
    }

    int inFlight() {
        return (int) connections.values().stream().filter(c -> c.inFlight).count();
    }

    /** A snapshot of the open connections, oldest first. */
    List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (Conn c : connections.values()) {
            out.add(new ConnectionInfo(c.id, c.uid, c.gid, c.pid, c.session.fingerprint(), c.session.owner,
                    c.connectedAt, c.requests, Instant.ofEpochMilli(c.lastActiveMillis), c.inFlight));
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    record ConnectionInfo(long id, long uid, long gid, long pid, String key, boolean owner, Instant connectedAt,
            long requests, Instant lastActive, boolean busy) {
    }

    // ------------------------------------------------------------------ binding

    /**
     * Binds inside a directory that neither others can enter (0750, optionally given the group), so
     * the socket is never reachable by others, even between bind and chmod (junixsocket creates the
     * file with mode 0666); then the socket becomes 0660. A leftover socket file is replaced unless
     * a live node answers on it.
     */
    @SuppressWarnings("try")
    static AFUNIXServerSocketChannel bindPrivately(AFUNIXSelectorProvider provider, Path socket, String group)
            throws IOException {
        Path dir = socket.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        GroupPrincipal groupPrincipal = null;
        if (group != null && !group.isBlank()) {
            try {
                groupPrincipal = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.strip());
            } catch (IOException e) {
                throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "unknown group '" + group + "' for the app socket",
                        Map.of("group", group), e);
            }
            Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(groupPrincipal);
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            try (AFUNIXSocket probe = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket))) {
                throw new FoldException(ErrorCode.UNAVAILABLE, "app socket " + socket
                        + " is in use: another node is running on this path", Map.of("path", socket.toString()), null);
            } catch (SocketException stale) {
                LOG.info("Removing stale app socket {}", socket);
                Files.delete(socket);
            }
        }
        AFUNIXServerSocketChannel channel = provider.openServerSocketChannel();
        try {
            channel.bind(AFUNIXSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            if (groupPrincipal != null) {
                Files.getFileAttributeView(socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setGroup(groupPrincipal);
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    // ------------------------------------------------------------------ shutdown

    /**
     * Stops accepting, lets in-flight requests finish within the grace period, answers requests that
     * arrive meanwhile with {@code SHUTTING_DOWN}, closes every connection and removes the socket file.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        stopping = true;
        selector.wakeup();
        try {
            loop.join(settings.shutdownGrace().toMillis() + 5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Never interrupt workers: a request may be inside storage I/O (see AGENTS.md on JE).
        workers.shutdown();
        try {
            if (!workers.awaitTermination(1, TimeUnit.SECONDS)) {
                LOG.warn("App socket: {} request(s) still running after the shutdown deadline; abandoned",
                        workers.getActiveCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(serverChannel);
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(settings.path());
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", settings.path(), e.toString());
        }
        LOG.info("App socket {} closed", settings.path());
    }

    boolean isStopped() {
        return stopped;
    }

    // ------------------------------------------------------------------ the selector loop

    private void run() {
        long nextTick = System.nanoTime() + tickNanos;
        boolean acceptClosed = false;
        try {
            while (true) {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
                selector.select(wait);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                if (stopping && !acceptClosed) {
                    acceptClosed = true;
                    SelectionKey k = serverChannel.keyFor(selector);
                    if (k != null) {
                        k.cancel();
                    }
                    closeQuietly(serverChannel);
                    try {
                        Files.deleteIfExists(settings.path());
                    } catch (IOException ignored) {
                        // retried in close()
                    }
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    try {
                        if (!key.isValid()) {
                            if (key.attachment() instanceof Conn c) {
                                c.close(); // junixsocket invalidates the key of a hung-up peer
                            }
                            continue;
                        }
                        if (key.isAcceptable()) {
                            accept();
                        } else {
                            Conn c = (Conn) key.attachment();
                            try {
                                if (key.isWritable()) {
                                    c.flush();
                                }
                                if (key.isValid() && key.isReadable()) {
                                    c.read();
                                }
                            } catch (IOException | RuntimeException e) {
                                LOG.debug("App connection {} ended: {}", c.id, e.toString());
                                c.close();
                            }
                        }
                    } catch (CancelledKeyException ignored) {
                        // closed meanwhile
                    }
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + tickNanos;
                    for (Conn c : connections.values()) {
                        c.checkTimeouts(now);
                    }
                }
                if (stopping) {
                    boolean busy = connections.values().stream().anyMatch(c -> c.inFlight || c.out != null);
                    if (!busy || now - deadline >= 0) {
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                LOG.error("App socket selector loop failed; the app socket stops", e);
            }
        } finally {
            for (Conn c : connections.values()) {
                c.close();
            }
            stopped = true;
        }
    }

    private void accept() throws IOException {
        AFUNIXSocketChannel ch = serverChannel.accept();
        if (ch == null) {
            return;
        }
        stats.accepted.increment();
        ch.configureBlocking(false);
        AFUNIXSocketCredentials creds = null;
        try {
            creds = ch.getPeerCredentials();
        } catch (IOException e) {
            LOG.debug("No peer credentials: {}", e.toString());
        }
        long uid = creds == null ? -1 : creds.getUid();
        long gid = creds == null ? -1 : creds.getGid();
        long pid = creds == null ? -1 : creds.getPid();
        String refusal = null;
        ErrorCode code = null;
        if (!settings.allowedUids().isEmpty() && !settings.allowedUids().contains(uid)) {
            refusal = "peer uid " + uid + " is not allowed";
            code = ErrorCode.PERMISSION_DENIED;
        } else if (!settings.allowedGids().isEmpty() && !allowedGroup(creds)) {
            refusal = "peer gid " + gid + " is not allowed";
            code = ErrorCode.PERMISSION_DENIED;
        } else if (connections.size() >= settings.maxConnections()) {
            refusal = "the node has " + settings.maxConnections() + " connections already";
            code = ErrorCode.TOO_MANY_CONNECTIONS;
        }
        if (refusal != null) {
            stats.refused.increment();
            if (code == ErrorCode.PERMISSION_DENIED) {
                SECURITY.warn("SECURITY app socket {}: refused connection from uid={} gid={} pid={}: {}",
                        settings.path(), uid, gid, pid, refusal);
            } else {
                LOG.warn("App connection from pid {} refused: {}", pid, refusal);
            }
            // Best effort: a fresh socket's buffer takes a small frame without blocking.
            try {
                ch.write(ByteBuffer.wrap(Dispatcher.encode(Dispatcher.error(null, code, refusal, Map.of()))));
            } catch (IOException ignored) {
                // gone already
            }
            closeQuietly(ch);
            return;
        }
        String challenge = challenge();
        Conn c = new Conn(ids.incrementAndGet(), ch, uid, gid, pid, challenge);
        connections.put(c.id, c);
        c.key = ch.register(selector, 0, c);
        c.send(Dispatcher.encode(dispatcher.greeting(c.session)), false);
    }

    private boolean allowedGroup(AFUNIXSocketCredentials creds) {
        if (creds == null) {
            return false;
        }
        if (settings.allowedGids().contains(creds.getGid())) {
            return true;
        }
        long[] gids = creds.getGids();
        if (gids != null) {
            for (long g : gids) {
                if (settings.allowedGids().contains(g)) {
                    return true;
                }
            }
        }
        return false;
    }

    private String challenge() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Runs on the selector thread soon. */
    private void submitToLoop(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** One connection; its fields belong to the selector thread unless volatile. */
    private final class Conn {
        final long id;
        final AFUNIXSocketChannel ch;
        final long uid;
        final long gid;
        final long pid;
        final Dispatcher.Session session;
        final Instant connectedAt = Instant.now();
        SelectionKey key;
        final ByteBuffer header = ByteBuffer.allocate(4);
        ByteBuffer body;
        int bodyLength;
        long frameStartedNanos = -1;
        long lastActiveNanos = System.nanoTime();
        volatile long lastActiveMillis = System.currentTimeMillis();
        volatile long requests;
        volatile boolean inFlight;
        ByteBuffer out;
        boolean closeAfterWrite;
        boolean closed;

        Conn(long id, AFUNIXSocketChannel ch, long uid, long gid, long pid, String challenge) {
            this.id = id;
            this.ch = ch;
            this.uid = uid;
            this.gid = gid;
            this.pid = pid;
            this.session = new Dispatcher.Session(challenge, "connection " + id + " uid=" + uid + " gid=" + gid
                    + " pid=" + pid);
        }

        void touch() {
            lastActiveNanos = System.nanoTime();
            lastActiveMillis = System.currentTimeMillis();
        }

        /** Reads what is there of the current frame; dispatches it once complete. */
        void read() throws IOException {
            while (!closed && !inFlight && out == null) {
                if (body == null) {
                    int n = ch.read(header);
                    if (n < 0) {
                        close();
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                    touch();
                    if (frameStartedNanos < 0) {
                        frameStartedNanos = System.nanoTime();
                    }
                    if (header.hasRemaining()) {
                        return;
                    }
                    int length = header.getInt(0);
                    if (length < 0 || length > settings.maxFrameBytes()) {
                        stats.framesTooLarge.increment();
                        stats.record("(frame)", 0, ErrorCode.FRAME_TOO_LARGE.name());
                        LOG.warn("App connection {} ({}): frame of {} bytes refused (limit {}); closing", id,
                                session.peer, Integer.toUnsignedLong(length), settings.maxFrameBytes());
                        send(Dispatcher.encode(Dispatcher.error(null, ErrorCode.FRAME_TOO_LARGE, "a frame of "
                                + Integer.toUnsignedLong(length) + " bytes is larger than the limit of "
                                + settings.maxFrameBytes() + " bytes; the connection is closed",
                                Map.of("limit", settings.maxFrameBytes()))), true);
                        return;
                    }
                    bodyLength = length;
                    body = ByteBuffer.allocate(Math.min(length, INITIAL_BODY));
                }
                if (body.position() < bodyLength) {
                    if (!body.hasRemaining()) {
                        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(bodyLength, 2L * body.capacity()));
                        body.flip();
                        bigger.put(body);
                        body = bigger;
                    }
                    int n = ch.read(body);
                    if (n < 0) {
                        close();
                        return;
                    }
                    if (n == 0) {
                        return;
                    }
                    touch();
                    if (body.position() < bodyLength) {
                        continue;
                    }
                }
                byte[] frame = body.array().length == bodyLength ? body.array()
                        : java.util.Arrays.copyOf(body.array(), bodyLength);
                body = null;
                header.clear();
                frameStartedNanos = -1;
                dispatch(frame);
            }
        }

        private void dispatch(byte[] frame) {
            requests++;
            if (stopping) {
                send(Dispatcher.encode(Dispatcher.error(requestIdOf(frame), ErrorCode.SHUTTING_DOWN,
                        "the node is shutting down", Map.of())), true);
                return;
            }
            inFlight = true;
            interest(0);
            try {
                workers.execute(() -> {
                    Dispatcher.Reply reply;
                    try {
                        reply = dispatcher.handle(session, frame);
                    } catch (Throwable t) {
                        LOG.error("App connection {}: request failed", id, t);
                        reply = new Dispatcher.Reply(Dispatcher.encode(Dispatcher.error(null, ErrorCode.INTERNAL,
                                "internal error", Map.of())), true);
                    }
                    Dispatcher.Reply r = reply;
                    submitToLoop(() -> {
                        inFlight = false;
                        send(r.frame(), r.close());
                    });
                });
            } catch (RejectedExecutionException e) {
                inFlight = false;
                send(Dispatcher.encode(Dispatcher.error(requestIdOf(frame),
                        stopping ? ErrorCode.SHUTTING_DOWN : ErrorCode.UNAVAILABLE, "the node is too busy", Map.of())),
                        stopping);
            }
        }

        /** Queues a frame and writes what the socket takes now. */
        void send(byte[] frame, boolean thenClose) {
            if (closed) {
                return;
            }
            out = ByteBuffer.wrap(frame);
            closeAfterWrite = thenClose;
            try {
                flush();
            } catch (IOException | RuntimeException e) {
                LOG.debug("App connection {} ended while writing: {}", id, e.toString());
                close();
            }
        }

        void flush() throws IOException {
            if (out == null || closed) {
                return;
            }
            if (ch.write(out) > 0) {
                touch();
            }
            if (out.hasRemaining()) {
                interest(SelectionKey.OP_WRITE);
                return;
            }
            out = null;
            touch();
            if (closeAfterWrite) {
                close();
                return;
            }
            interest(SelectionKey.OP_READ);
            // Frames already buffered by the kernel are read on the next select.
        }

        void interest(int ops) {
            try {
                if (key.isValid()) {
                    key.interestOps(ops);
                }
            } catch (CancelledKeyException ignored) {
                // closed meanwhile
            }
        }

        void checkTimeouts(long now) {
            if (!closed && (key == null || !key.isValid() || !ch.isOpen())) {
                close();
            }
            if (closed || inFlight) {
                return;
            }
            if (frameStartedNanos >= 0 && now - frameStartedNanos > settings.readTimeout().toNanos()) {
                stats.timeouts.increment();
                LOG.info("App connection {} ({}): frame incomplete after {}; closing", id, session.peer,
                        settings.readTimeout());
                sendBestEffortAndClose(ErrorCode.TIMEOUT, "the frame did not arrive completely within "
                        + settings.readTimeout().toMillis() + " ms; the connection is closed");
            } else if (now - lastActiveNanos > settings.idleTimeout().toNanos()) {
                stats.timeouts.increment();
                LOG.debug("App connection {}: idle for {}; closing", id, settings.idleTimeout());
                sendBestEffortAndClose(ErrorCode.TIMEOUT, "idle for longer than "
                        + settings.idleTimeout().toSeconds() + " s; the connection is closed");
            }
        }

        private void sendBestEffortAndClose(ErrorCode code, String message) {
            if (out == null) {
                try {
                    ch.write(ByteBuffer.wrap(Dispatcher.encode(Dispatcher.error(null, code, message, Map.of()))));
                } catch (IOException | RuntimeException ignored) {
                    // closing anyway
                }
            }
            close();
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            connections.remove(id);
            if (key != null) {
                key.cancel();
            }
            closeQuietly(ch);
        }
    }

    /** The request id of a frame when it can be found, for answers that do not run the request. */
    private static com.fasterxml.jackson.databind.JsonNode requestIdOf(byte[] frame) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = Dispatcher.MAPPER.readTree(frame);
            com.fasterxml.jackson.databind.JsonNode id = n == null ? null : n.get("request_id");
            return id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
