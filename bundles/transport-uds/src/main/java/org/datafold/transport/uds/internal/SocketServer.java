package org.datafold.transport.uds.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
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
import org.datafold.support.socket.SocketPaths;
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
 * no hand-over between threads. At most {@code workers} requests other than mutations execute at
 * once (the others wait for a permit); mutations take no permit, since they mostly wait for the
 * group commit that makes them durable, nor do {@code hello} and {@code authenticate}. A connection has at most one request in flight: a client that pipelines is held
 * back by the socket buffers (back-pressure) and gets its responses in request order. A time-out
 * thread closes connections whose frame is late, that stay idle, or that do not authenticate in time.
 *
 * <p>What a peer can make the node hold is bounded: connections in all, per peer uid and before
 * authentication; the size of a frame (small before authentication); and the memory of all large
 * frames being read at once (past that budget, connections wait before reading their next large
 * frame). Frames are read and written in chunks of {@value #CHUNK} bytes, so that the socket
 * library's per-thread native buffers stay that small whatever the frame size.
 */
public final class SocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);
    private static final Logger SECURITY = Dispatcher.SECURITY;
    /** Largest piece of a frame handed to one read or write system call. */
    static final int CHUNK = 64 * 1024;

    /** The settings of a server; durations are exact (the component converts seconds). */
    public record Settings(Path path, String group, Set<Long> allowedUids, Set<Long> allowedGids, int maxFrameBytes,
            int maxConnections, int workers, Duration idleTimeout, Duration readTimeout, Duration shutdownGrace,
            int backlog, int maxUnauthenticated, int maxConnectionsPerUid, Duration authTimeout,
            int maxUnauthenticatedFrameBytes, long frameMemoryBytes) {
        public Settings {
            allowedUids = Set.copyOf(allowedUids);
            allowedGids = Set.copyOf(allowedGids);
            if (maxFrameBytes < 1 || maxConnections < 1 || workers < 1 || backlog < 1 || maxUnauthenticated < 1
                    || maxConnectionsPerUid < 1 || maxUnauthenticatedFrameBytes < 1) {
                throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "max_frame_bytes, max_connections, workers,"
                        + " backlog, max_unauthenticated, max_connections_per_uid and max_unauthenticated_frame_bytes"
                        + " must be >= 1");
            }
            if (frameMemoryBytes < maxFrameBytes) {
                throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "frame_memory_mb (" + frameMemoryBytes
                        + " bytes) must hold at least one frame of max_frame_bytes (" + maxFrameBytes + " bytes)");
            }
        }

        /** Settings with the default limits for everything the arguments do not name. */
        public Settings(Path path, String group, Set<Long> allowedUids, Set<Long> allowedGids, int maxFrameBytes,
                int maxConnections, int workers, Duration idleTimeout, Duration readTimeout, Duration shutdownGrace) {
            this(path, group, allowedUids, allowedGids, maxFrameBytes, maxConnections, workers, idleTimeout,
                    readTimeout, shutdownGrace, 1024, 64, maxConnections, Duration.ofSeconds(10), 64 * 1024,
                    Math.max(64L << 20, maxFrameBytes));
        }

        /** True when going from these settings to {@code next} needs a new listening socket. */
        boolean needsRebind(Settings next) {
            return !path.equals(next.path) || !java.util.Objects.equals(group, next.group) || backlog != next.backlog;
        }
    }

    private volatile Settings settings;
    private final Dispatcher dispatcher;
    private final Stats stats = new Stats();
    private final SecureRandom random = new SecureRandom();
    private final SocketPaths.Bound<AFUNIXServerSocketChannel> bound;
    private final AFUNIXServerSocketChannel serverChannel;
    /** Requests executing at once, at most {@code workers}. */
    private final Permits executing;
    /** KiB of large frames being read or run at once. */
    private final Permits frameMemory;
    private final Thread acceptor;
    private final Thread reaper;
    private final Map<Long, Conn> connections = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger threads = new AtomicInteger();
    private final Object lifecycle = new Object();
    private volatile long tickMillis;
    private volatile boolean stopping;
    private volatile boolean stopped;

    public SocketServer(Settings settings, FoldNode node, PermissionService permissions, Supplier<String> nodeId)
            throws IOException {
        this.settings = settings;
        this.dispatcher = new Dispatcher(node, permissions, nodeId, stats);
        this.bound = bindPrivately(AFUNIXSelectorProvider.provider(), settings.path(), settings.group(),
                settings.backlog());
        this.serverChannel = bound.socket();
        if (bound.replacedStale()) {
            LOG.info("Replaced the stale app socket {} left by an earlier run", bound.bound());
        }
        this.executing = new Permits(settings.workers());
        this.frameMemory = new Permits(kib(settings.frameMemoryBytes()));
        this.tickMillis = tick(settings);
        this.acceptor = thread(this::acceptLoop, "datafold-uds-acceptor");
        this.reaper = thread(this::reapLoop, "datafold-uds-timeouts");
        acceptor.start();
        reaper.start();
        LOG.info("App socket listening on {}{} (mode 0660{}, at most {} connections, {} per uid, {} unauthenticated;"
                + " {} requests at once; frames up to {} bytes, {} before authentication, {} MiB of large frames at"
                + " once)", settings.path(), bound.linked() ? " -> " + bound.bound() : "",
                settings.group() == null || settings.group().isBlank() ? "" : ", group " + settings.group(),
                settings.maxConnections(), settings.maxConnectionsPerUid(), settings.maxUnauthenticated(),
                settings.workers(), settings.maxFrameBytes(), settings.maxUnauthenticatedFrameBytes(),
                settings.frameMemoryBytes() >> 20);
    }

    private static long tick(Settings s) {
        long shortest = Math.min(Math.min(s.readTimeout().toMillis(), s.idleTimeout().toMillis()),
                s.authTimeout().toMillis());
        return Math.max(10, Math.min(1000, shortest / 4));
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024);
    }

    /**
     * Applies settings that do not need a new listening socket (limits, time-outs, workers, allowed
     * peers) without dropping a connection. Connections of peers that are no longer allowed are
     * closed; lowered limits apply to new connections and frames.
     *
     * @return the names of the settings that changed
     * @throws IllegalArgumentException when {@code next} needs a new listening socket
     */
    List<String> update(Settings next) {
        Settings old = settings;
        if (old.needsRebind(next)) {
            throw new IllegalArgumentException("path, group or backlog changed: the socket must be bound again");
        }
        List<String> changed = new ArrayList<>();
        var a = old.getClass().getRecordComponents();
        for (var rc : a) {
            try {
                if (!java.util.Objects.equals(rc.getAccessor().invoke(old), rc.getAccessor().invoke(next))) {
                    changed.add(rc.getName());
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        settings = next;
        executing.resize(next.workers());
        frameMemory.resize(kib(next.frameMemoryBytes()));
        tickMillis = tick(next);
        for (Conn c : connections.values()) {
            String refusal = admission(next, c.uid, c.gid, c.gids);
            if (refusal != null) {
                LOG.info("App connection {} ({}): closed after a configuration change: {}", c.id, c.session.peer,
                        refusal);
                c.close();
            }
        }
        return changed;
    }

    /** The settings in force. */
    public Settings settings() {
        return settings;
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

    /** Where the socket is bound: the configured path, or the short path its link leads to. */
    Path boundPath() {
        return bound.bound();
    }

    /** The counters. */
    public Stats stats() {
        return stats;
    }

    /** The open connections. */
    public int activeConnections() {
        return connections.size();
    }

    /** The connections running a request now. */
    public int inFlight() {
        return (int) connections.values().stream().filter(c -> c.inFlight).count();
    }

    /** The open connections that have not authenticated yet. */
    public int unauthenticatedConnections() {
        return (int) connections.values().stream().filter(c -> c.session.caller == null).count();
    }

    /** Bytes of large frames held at the moment (read or being run). */
    public long frameMemoryInUse() {
        return (long) frameMemory.inUse() * 1024;
    }

    /** A snapshot of the open connections, oldest first. */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (Conn c : connections.values()) {
            out.add(new ConnectionInfo(c.id, c.uid, c.gid, c.pid, c.session.fingerprint(), c.session.owner,
                    c.connectedAt, c.requests, Instant.ofEpochMilli(c.lastActiveMillis), c.inFlight));
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    /** One open connection, as {@code sock:connections} lists it. */
    public record ConnectionInfo(long id, long uid, long gid, long pid, String key, boolean owner, Instant connectedAt,
            long requests, Instant lastActive, boolean busy) {
    }

    // ------------------------------------------------------------------ binding

    /**
     * Binds inside a directory that neither others can enter (0750, optionally given the group), so
     * the socket is never reachable by others, even between bind and chmod (junixsocket creates the
     * file with mode 0666); then the socket becomes 0660. A configured path too long for a Unix
     * socket is bound in a short per-user directory with a link at the configured path
     * ({@link SocketPaths}). A leftover socket file is replaced unless a live node answers on it.
     */
    static SocketPaths.Bound<AFUNIXServerSocketChannel> bindPrivately(AFUNIXSelectorProvider provider, Path socket,
            String group, int backlog) throws IOException {
        try {
            return SocketPaths.bindPrivately(socket, group, "rw-rw----", "app socket", path -> {
                AFUNIXServerSocketChannel channel = provider.openServerSocketChannel();
                try {
                    channel.bind(AFUNIXSocketAddress.of(path), backlog);
                    return channel;
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            });
        } catch (SocketPaths.SocketInUseException e) {
            throw new FoldException(ErrorCode.UNAVAILABLE, e.getMessage(), Map.of("path", socket.toString()), null);
        } catch (SocketPaths.SocketPathException e) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "app socket: " + e.getMessage(),
                    Map.of("path", socket.toString(), "length", SocketPaths.length(socket), "limit",
                            SocketPaths.MAX_BYTES), null);
        }
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
            bound.removeFiles();
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
        long[] gids = creds == null ? null : creds.getGids();
        Settings s = settings;
        String refusal = admission(s, uid, gid, gids);
        ErrorCode code = ErrorCode.PERMISSION_DENIED;
        String kind = "refused-peer";
        if (refusal == null) {
            code = ErrorCode.TOO_MANY_CONNECTIONS;
            int total = 0;
            int ofUid = 0;
            int unauthenticated = 0;
            for (Conn c : connections.values()) {
                total++;
                if (c.uid == uid) {
                    ofUid++;
                }
                if (c.session.caller == null) {
                    unauthenticated++;
                }
            }
            if (total >= s.maxConnections()) {
                refusal = "the node has " + s.maxConnections() + " connections already";
                kind = "too-many-connections";
            } else if (ofUid >= s.maxConnectionsPerUid()) {
                refusal = "uid " + uid + " has " + s.maxConnectionsPerUid() + " connections already";
                kind = "too-many-connections-of-uid";
            } else if (unauthenticated >= s.maxUnauthenticated()) {
                refusal = "the node has " + s.maxUnauthenticated() + " connections waiting to authenticate already";
                kind = "too-many-unauthenticated";
            }
        }
        if (refusal != null) {
            stats.refused.increment();
            if (stats.events.admit("uid " + uid, kind)) {
                SECURITY.warn("SECURITY app socket {}: refused connection from uid={} gid={} pid={}: {}",
                        s.path(), uid, gid, pid, refusal);
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
        Conn c = new Conn(ids.incrementAndGet(), ch, uid, gid, gids, pid, challenge());
        connections.put(c.id, c);
        Thread t = thread(c::serve, "datafold-uds-conn-" + threads.incrementAndGet());
        c.thread = t;
        t.start();
    }

    /** Why a peer may not be connected under the given settings, or null when it may. */
    private static String admission(Settings s, long uid, long gid, long[] gids) {
        if (!s.allowedUids().isEmpty() && !s.allowedUids().contains(uid)) {
            return "peer uid " + uid + " is not allowed";
        }
        if (!s.allowedGids().isEmpty() && !allowedGroup(s, gid, gids)) {
            return "peer gid " + gid + " is not allowed";
        }
        return null;
    }

    private static boolean allowedGroup(Settings s, long gid, long[] gids) {
        if (gid >= 0 && s.allowedGids().contains(gid)) {
            return true;
        }
        if (gids != null) {
            for (long g : gids) {
                if (s.allowedGids().contains(g)) {
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

    /**
     * Closes connections whose frame is late, that stayed idle too long or that did not
     * authenticate in time; reports suppressed security events.
     */
    private void reapLoop() {
        while (!stopping) {
            try {
                Thread.sleep(tickMillis);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            Settings s = settings;
            for (Conn c : connections.values()) {
                c.checkTimeouts(s, now);
            }
            stats.events.flush();
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
        final long[] gids;
        final long pid;
        final Dispatcher.Session session;
        final Instant connectedAt = Instant.now();
        final long connectedNanos = System.nanoTime();
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
        /** Waiting for the memory budget before reading a large frame (no time-out runs meanwhile). */
        volatile boolean waitingForMemory;
        volatile boolean closed;
        /** KiB of the frame budget this connection holds. */
        int heldKib;

        Conn(long id, AFUNIXSocketChannel ch, long uid, long gid, long[] gids, long pid, String challenge) {
            this.id = id;
            this.ch = ch;
            this.uid = uid;
            this.gid = gid;
            this.gids = gids;
            this.pid = pid;
            this.session = new Dispatcher.Session(challenge, "connection " + id + " uid=" + uid + " gid=" + gid
                    + " pid=" + pid, "uid " + uid);
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
                    try {
                        requests++;
                        if (stopping) {
                            write(Dispatcher.encode(Dispatcher.error(Dispatcher.requestIdBeforeFailure(frame), ErrorCode.SHUTTING_DOWN,
                                    "the node is shutting down", Map.of())));
                            return;
                        }
                        // In flight until the response is written: a stopping server waits for both.
                        inFlight = true;
                        boolean written;
                        Dispatcher.Reply reply;
                        try {
                            reply = run(frame);
                            frame = null;
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
                    } finally {
                        releaseMemory();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("App connection {} ended: {}", id, closed ? "closed" : e.toString());
            } finally {
                releaseMemory();
                close();
            }
        }

        private void releaseMemory() {
            if (heldKib > 0) {
                frameMemory.release(heldKib);
                heldKib = 0;
            }
        }

        private Dispatcher.Reply run(byte[] frame) {
            boolean permit = false;
            try {
                Dispatcher.Request request = dispatcher.parse(frame);
                // A mutation spends its time waiting for the group commit that makes it durable, not
                // on a processor: it takes no permit, so that many can share one commit.
                if (Dispatcher.takesPermit(request)) {
                    executing.acquireUninterruptibly();
                    permit = true;
                }
                return dispatcher.handle(session, request);
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
            Settings s = settings;
            boolean authenticated = session.caller != null;
            int limit = authenticated ? s.maxFrameBytes() : Math.min(s.maxFrameBytes(), s.maxUnauthenticatedFrameBytes());
            if (length < 0 || length > limit) {
                stats.framesTooLarge.increment();
                stats.record("(frame)", 0, ErrorCode.FRAME_TOO_LARGE.name());
                String before = authenticated ? "" : " before authentication";
                if (stats.events.admit(session.peerKey, "frame-too-large")) {
                    SECURITY.warn("SECURITY app connection {} ({}): frame of {} bytes refused{} (limit {}); closing",
                            id, session.peer, Integer.toUnsignedLong(length), before, limit);
                }
                write(Dispatcher.encode(Dispatcher.error(null, ErrorCode.FRAME_TOO_LARGE, "a frame of "
                        + Integer.toUnsignedLong(length) + " bytes is larger than the limit of " + limit + " bytes"
                        + before + "; the connection is closed", Map.of("limit", limit))));
                return null;
            }
            if (length > CHUNK && !reserveMemory(length)) {
                return null;
            }
            byte[] frame = new byte[length];
            if (length > 0 && !fillChunked(frame)) {
                return null;
            }
            frameStartedNanos = -1;
            return frame;
        }

        /**
         * Takes the frame's share of the memory budget, waiting while other large frames hold it;
         * false when the connection closes meanwhile.
         */
        private boolean reserveMemory(int length) {
            int kib = kib(length);
            if (frameMemory.tryAcquire(kib)) {
                heldKib = kib;
                return true;
            }
            stats.framesWaitedForMemory.increment();
            waitingForMemory = true;
            try {
                while (!closed && !stopping) {
                    if (frameMemory.tryAcquire(kib, 100)) {
                        heldKib = kib;
                        return true;
                    }
                }
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                waitingForMemory = false;
                frameStartedNanos = System.nanoTime(); // the rest of the frame has the whole read time-out
            }
        }

        /** Reads a frame's body in chunks; false at the end of the stream. */
        private boolean fillChunked(byte[] frame) throws IOException {
            for (int off = 0; off < frame.length; off += CHUNK) {
                if (!fill(ByteBuffer.wrap(frame, off, Math.min(CHUNK, frame.length - off)), false)) {
                    return false;
                }
            }
            return true;
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

        /** Writes a whole frame in chunks; false when the connection is gone. */
        boolean write(byte[] frame) {
            writeLock.lock();
            try {
                if (closed) {
                    return false;
                }
                writingSinceNanos = System.nanoTime();
                for (int off = 0; off < frame.length; off += CHUNK) {
                    ByteBuffer out = ByteBuffer.wrap(frame, off, Math.min(CHUNK, frame.length - off));
                    while (out.hasRemaining()) {
                        ch.write(out);
                    }
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

        void checkTimeouts(Settings s, long now) {
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
            if (writing != 0 && now - writing > s.idleTimeout().toNanos()) {
                stats.timeouts.increment();
                if (stats.events.admit(session.peerKey, "not-reading")) {
                    LOG.info("App connection {} ({}): has not read its responses for {}; closing", id, session.peer,
                            s.idleTimeout());
                }
                close();
                return;
            }
            if (inFlight || waitingForMemory) {
                return;
            }
            long started = frameStartedNanos;
            if (session.caller == null && now - connectedNanos > s.authTimeout().toNanos()) {
                stats.timeouts.increment();
                stats.authTimeouts.increment();
                if (stats.events.admit(session.peerKey, "authentication-timeout")) {
                    SECURITY.info("SECURITY app connection {} ({}): did not authenticate within {}; closing", id,
                            session.peer, s.authTimeout());
                }
                sendAndClose(ErrorCode.TIMEOUT, "the connection did not authenticate within "
                        + s.authTimeout().toMillis() + " ms; it is closed");
            } else if (started >= 0 && now - started > s.readTimeout().toNanos()) {
                stats.timeouts.increment();
                if (stats.events.admit(session.peerKey, "frame-timeout")) {
                    LOG.info("App connection {} ({}): frame incomplete after {}; closing", id, session.peer,
                            s.readTimeout());
                }
                sendAndClose(ErrorCode.TIMEOUT, "the frame did not arrive completely within "
                        + s.readTimeout().toMillis() + " ms; the connection is closed");
            } else if (started < 0 && now - lastActiveNanos > s.idleTimeout().toNanos()) {
                stats.timeouts.increment();
                LOG.debug("App connection {}: idle for {}; closing", id, s.idleTimeout());
                sendAndClose(ErrorCode.TIMEOUT, "idle for longer than " + s.idleTimeout().toSeconds()
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

    /** A semaphore whose number of permits can be changed while it is in use. */
    static final class Permits extends Semaphore {
        private static final long serialVersionUID = 1L;
        private int total;

        Permits(int total) {
            super(total);
            this.total = total;
        }

        synchronized void resize(int next) {
            if (next > total) {
                release(next - total);
            } else if (next < total) {
                reducePermits(total - next);
            }
            total = next;
        }

        boolean tryAcquire(int permits, long millis) throws InterruptedException {
            return tryAcquire(permits, millis, TimeUnit.MILLISECONDS);
        }

        synchronized int inUse() {
            return total - availablePermits();
        }
    }
}
