package org.datafold.transport.uds.internal;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The app socket server (docs/protocol.md), independent of OSGi. An acceptor thread takes
 * connections; each connection is served by a thread of its own, which reads a frame, runs the
 * request, writes the response and reads the next frame, so a request costs two system calls and
 * no hand-over between threads. At most {@code workers} requests execute at once (the others wait
 * for a permit). A connection has at most one request in flight: a client that pipelines is held
 * back by the socket buffers (back-pressure) and gets its responses in request order. A time-out
 * thread closes connections whose frame is late or that stay idle.
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
    /** Requests executing at once, at most {@code workers}. */
    private final Semaphore executing;
    private final Thread acceptor;
    private final Thread reaper;
    private final Map<Long, Conn> connections = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger threads = new AtomicInteger();
    private final long tickMillis;
    private final Object lifecycle = new Object();
    private volatile boolean stopping;
    private volatile boolean stopped;

    public SocketServer(Settings settings, FoldNode node, PermissionService permissions, Supplier<String> nodeId)
            throws IOException {
        this.settings = settings;
        this.dispatcher = new Dispatcher(node, permissions, nodeId, stats);
        this.serverChannel = bindPrivately(AFUNIXSelectorProvider.provider(), settings.path(), settings.group());
        this.executing = new Semaphore(settings.workers());
        long shortest = Math.min(settings.readTimeout().toMillis(), settings.idleTimeout().toMillis());
        this.tickMillis = Math.max(10, Math.min(1000, shortest / 4));
        this.acceptor = thread(this::acceptLoop, "datafold-uds-acceptor");
        this.reaper = thread(this::reapLoop, "datafold-uds-timeouts");
        acceptor.start();
        reaper.start();
        LOG.info("App socket listening on {} (mode 0660{}, at most {} connections, {} requests at once)",
                settings.path(), settings.group() == null || settings.group().isBlank() ? "" : ", group "
                        + settings.group(), settings.maxConnections(), settings.workers());
    }

    private static Thread thread(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.setContextClassLoader(SocketServer.class.getClassLoader());
        return t;
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
     * Stops accepting and removes the socket file, answers requests that arrive meanwhile with
     * {@code SHUTTING_DOWN}, lets in-flight requests finish within the grace period, then closes
     * every connection.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        long deadline = System.nanoTime() + settings.shutdownGrace().toNanos();
        closeQuietly(serverChannel);
        try {
            Files.deleteIfExists(settings.path());
        } catch (IOException e) {
            LOG.warn("Could not remove {}: {}", settings.path(), e.toString());
        }
        try {
            acceptor.join(5000);
            // Never interrupt a request: it may be inside storage I/O (see AGENTS.md on JE).
            synchronized (lifecycle) {
                while (connections.values().stream().anyMatch(c -> c.inFlight)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        LOG.warn("App socket: {} request(s) still running after the shutdown grace period; their"
                                + " connections are closed", inFlight());
                        break;
                    }
                    lifecycle.wait(Math.min(left, 100));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Conn c : connections.values()) {
            c.close();
        }
        reaper.interrupt();
        stopped = true;
        LOG.info("App socket {} closed", settings.path());
    }

    boolean isStopped() {
        return stopped;
    }

    // ------------------------------------------------------------------ accepting

    private void acceptLoop() {
        while (!stopping) {
            AFUNIXSocketChannel ch;
            try {
                ch = serverChannel.accept();
            } catch (IOException | RuntimeException e) {
                if (!stopping) {
                    LOG.error("App socket stopped accepting connections", e);
                }
                return;
            }
            if (ch == null) {
                continue;
            }
            try {
                accept(ch);
            } catch (RuntimeException e) {
                LOG.warn("App connection could not be set up: {}", e.toString());
                closeQuietly(ch);
            }
        }
    }

    private void accept(AFUNIXSocketChannel ch) {
        stats.accepted.increment();
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
            try {
                // A fresh socket's buffer takes a small frame at once.
                ch.write(ByteBuffer.wrap(Dispatcher.encode(Dispatcher.error(null, code, refusal, Map.of()))));
            } catch (IOException ignored) {
                // gone already
            }
            closeQuietly(ch);
            return;
        }
        Conn c = new Conn(ids.incrementAndGet(), ch, uid, gid, pid, challenge());
        connections.put(c.id, c);
        Thread t = thread(c::serve, "datafold-uds-conn-" + threads.incrementAndGet());
        c.thread = t;
        t.start();
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


    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    // ------------------------------------------------------------------ time-outs

    /** Closes connections whose frame is late or that stayed idle too long. */
    private void reapLoop() {
        while (!stopping) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Conn c : connections.values()) {
                c.checkTimeouts(now);
            }
        }
    }

    // ------------------------------------------------------------------ connections

    /**
     * One connection, served by a thread of its own: it reads a frame, runs the request, writes the
     * response, and only then reads the next frame. A client that pipelines is held back by the
     * socket buffers (back-pressure) and gets its responses in request order. The time-out thread
     * closes the connection under a blocked read.
     */
    private final class Conn {
        final long id;
        final AFUNIXSocketChannel ch;
        final long uid;
        final long gid;
        final long pid;
        final Dispatcher.Session session;
        final Instant connectedAt = Instant.now();
        final ByteBuffer header = ByteBuffer.allocate(4);
        final ReentrantLock writeLock = new ReentrantLock();
        final AtomicBoolean closing = new AtomicBoolean();
        Thread thread;
        /** When the time-out thread gave up on the connection, or 0. */
        volatile long timedOutNanos;
        /** When the write under way started, or 0. */
        volatile long writingSinceNanos;
        volatile long frameStartedNanos = -1;
        volatile long lastActiveNanos = System.nanoTime();
        volatile long lastActiveMillis = System.currentTimeMillis();
        volatile long requests;
        volatile boolean inFlight;
        volatile boolean closed;

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

        void serve() {
            try {
                if (!write(Dispatcher.encode(dispatcher.greeting(session)))) {
                    return;
                }
                while (!closed) {
                    byte[] frame = readFrame();
                    if (frame == null) {
                        return;
                    }
                    requests++;
                    if (stopping) {
                        write(Dispatcher.encode(Dispatcher.error(requestIdOf(frame), ErrorCode.SHUTTING_DOWN,
                                "the node is shutting down", Map.of())));
                        return;
                    }
                    // In flight until the response is written: a stopping server waits for both.
                    inFlight = true;
                    boolean written;
                    Dispatcher.Reply reply;
                    try {
                        reply = run(frame);
                        written = write(reply.frame());
                    } finally {
                        inFlight = false;
                        if (stopping) {
                            synchronized (lifecycle) {
                                lifecycle.notifyAll();
                            }
                        }
                    }
                    if (!written || reply.close()) {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("App connection {} ended: {}", id, closed ? "closed" : e.toString());
            } finally {
                close();
            }
        }

        private Dispatcher.Reply run(byte[] frame) {
            boolean permit = false;
            try {
                executing.acquireUninterruptibly();
                permit = true;
                return dispatcher.handle(session, frame);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("App connection {}: request failed", id, e);
                return new Dispatcher.Reply(Dispatcher.encode(Dispatcher.error(null, ErrorCode.INTERNAL,
                        "internal error", Map.of())), true);
            } finally {
                if (permit) {
                    executing.release();
                }
                touch();
            }
        }

        /** The next frame, or null when the peer closed the connection or a refusal was sent. */
        private byte[] readFrame() throws IOException {
            header.clear();
            if (!fill(header, true)) {
                return null;
            }
            int length = header.getInt(0);
            if (length < 0 || length > settings.maxFrameBytes()) {
                stats.framesTooLarge.increment();
                stats.record("(frame)", 0, ErrorCode.FRAME_TOO_LARGE.name());
                LOG.warn("App connection {} ({}): frame of {} bytes refused (limit {}); closing", id,
                        session.peer, Integer.toUnsignedLong(length), settings.maxFrameBytes());
                write(Dispatcher.encode(Dispatcher.error(null, ErrorCode.FRAME_TOO_LARGE, "a frame of "
                        + Integer.toUnsignedLong(length) + " bytes is larger than the limit of "
                        + settings.maxFrameBytes() + " bytes; the connection is closed",
                        Map.of("limit", settings.maxFrameBytes()))));
                return null;
            }
            byte[] frame = new byte[length];
            ByteBuffer body = ByteBuffer.wrap(frame);
            if (length > 0 && !fill(body, false)) {
                return null;
            }
            frameStartedNanos = -1;
            return frame;
        }

        /**
         * Reads until the buffer is full; false at the end of the stream. The first bytes of a frame
         * start its read time-out.
         */
        private boolean fill(ByteBuffer buffer, boolean frameStart) throws IOException {
            while (buffer.hasRemaining()) {
                int n = ch.read(buffer);
                if (n < 0) {
                    return false;
                }
                if (n > 0) {
                    touch();
                    if (frameStart && frameStartedNanos < 0) {
                        frameStartedNanos = System.nanoTime();
                    }
                }
            }
            return true;
        }

        /** Writes a whole frame; false when the connection is gone. */
        boolean write(byte[] frame) {
            writeLock.lock();
            try {
                if (closed) {
                    return false;
                }
                ByteBuffer out = ByteBuffer.wrap(frame);
                writingSinceNanos = System.nanoTime();
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                touch();
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.debug("App connection {} ended while writing: {}", id, e.toString());
                close();
                return false;
            } finally {
                writingSinceNanos = 0;
                writeLock.unlock();
            }
        }

        void checkTimeouts(long now) {
            if (closed) {
                return;
            }
            long gaveUp = timedOutNanos;
            if (gaveUp != 0) {
                if (now - gaveUp > TimeUnit.SECONDS.toNanos(1)) {
                    close(); // the time-out message could not be written: a peer that does not read
                }
                return;
            }
            long writing = writingSinceNanos;
            if (writing != 0 && now - writing > settings.idleTimeout().toNanos()) {
                stats.timeouts.increment();
                LOG.info("App connection {} ({}): has not read its responses for {}; closing", id, session.peer,
                        settings.idleTimeout());
                close();
                return;
            }
            if (inFlight) {
                return;
            }
            long started = frameStartedNanos;
            if (started >= 0 && now - started > settings.readTimeout().toNanos()) {
                stats.timeouts.increment();
                LOG.info("App connection {} ({}): frame incomplete after {}; closing", id, session.peer,
                        settings.readTimeout());
                sendAndClose(ErrorCode.TIMEOUT, "the frame did not arrive completely within "
                        + settings.readTimeout().toMillis() + " ms; the connection is closed");
            } else if (started < 0 && now - lastActiveNanos > settings.idleTimeout().toNanos()) {
                stats.timeouts.increment();
                LOG.debug("App connection {}: idle for {}; closing", id, settings.idleTimeout());
                sendAndClose(ErrorCode.TIMEOUT, "idle for longer than " + settings.idleTimeout().toSeconds()
                        + " s; the connection is closed");
            }
        }

        /**
         * Tells the peer why and closes, on a short-lived thread of its own: a peer that does not
         * read could block the write, and the time-out thread must go on. If the message is not
         * out within a second, the next check closes the connection anyway.
         */
        private void sendAndClose(ErrorCode code, String message) {
            timedOutNanos = System.nanoTime();
            byte[] frame = Dispatcher.encode(Dispatcher.error(null, code, message, Map.of()));
            thread(() -> {
                write(frame);
                close();
            }, "datafold-uds-timeout-" + id).start();
        }

        /** Closes the socket, which also ends a read or write blocked on it. Never blocks. */
        void close() {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            closed = true;
            connections.remove(id);
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
