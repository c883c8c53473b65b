package org.datafold.mesh.internal;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.PublicKeys;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshPeer;
import org.datafold.mesh.api.MeshStatus;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership in the mesh: a JGroups channel (membership, failure detection and partition
 * merges come from its protocols), signed heartbeats carrying the schemas held Approved, a SYNC
 * message on every view change for step reconciliation, and the {@link MeshObserver} that checks
 * what arrives.
 *
 * <p>A node that joins a mesh with other members sends heartbeats only after it reconciled its
 * global step with theirs (a message from a peer was accepted), so that its first steps are not far
 * behind the mesh's; when no trusted peer answers for the join timeout plus three heartbeat
 * intervals it speaks anyway.
 */
final class MeshNode implements Receiver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeshNode.class);
    /** Peers that left, kept for mesh:peers. */
    static final int LEFT_KEPT = 64;
    /** Forwarded queries waiting for a worker, at most; more are refused ({@code UNAVAILABLE}). */
    static final int MAX_QUEUED_QUERIES = 64;
    /** Forwarded queries of this node waiting for their answer, at most. */
    static final int MAX_PENDING = 256;
    /** Schemas announced per heartbeat, at most. */
    static final int MAX_SCHEMAS = 1000;

    private final MeshSettings settings;
    private final String nodeKey;
    private final PrivateKey privateKey;
    private final MeshObserver.TrustLookup trust;
    private final Supplier<List<String>> approvedSchemas;
    private final Clock clock;
    private final GlobalStep step = new GlobalStep();
    private final MeshObserver observer;
    private final long incarnation = new SecureRandom().nextLong();
    private final SecureRandom ids = new SecureRandom();
    private final Object sendLock = new Object();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong merges = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    /** Round trips of the last forwarded queries (nanoseconds), a ring; guarded by itself. */
    private final long[] roundTrips = new long[1000];
    private final Map<Address, Peer> peers = new ConcurrentHashMap<>();
    private final ArrayDeque<Peer> left = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private volatile JChannel channel;
    private volatile QueryHandler queryHandler;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_QUERIES), r -> {
                Thread t = new Thread(r, "datafold-mesh-query");
                t.setDaemon(true);
                return t;
            });
    private volatile boolean reconciled;
    private volatile long startedAt;

    /** Answers a forwarded query (the payload of a QUERY message) from a verified, trusted member. */
    @FunctionalInterface
    interface QueryHandler {
        byte[] handle(String forwarderKey, byte[] request);
    }

    /** A forwarded query of this node waiting for its answer. */
    private record Pending(String targetKey, CompletableFuture<byte[]> reply) {
    }

    /** What this node knows of one member. */
    private static final class Peer {
        final Address address;
        volatile String key;
        volatile List<String> schemas = List.of();
        volatile String state = "member";

        Peer(Address address) {
            this.address = address;
        }
    }

    MeshNode(MeshSettings settings, String nodeKey, PrivateKey privateKey, PatternGenerator generator,
            MeshObserver.TrustLookup trust, Supplier<List<String>> approvedSchemas, Clock clock) {
        this.settings = settings;
        this.nodeKey = PublicKeys.normalize(nodeKey);
        this.privateKey = privateKey;
        // The node's own key is as trusted as the owner: a message that claims it from another member
        // is checked (and its forged signature reported) rather than dropped as unknown.
        this.trust = key -> this.nodeKey.equals(key) ? Integer.valueOf(0) : trust.distance(key);
        this.approvedSchemas = approvedSchemas;
        this.clock = clock;
        this.observer = new MeshObserver(this.nodeKey, generator, step, this.trust, settings.maxPeerDistance(), settings.maxStepSkew(),
                settings.maxMessageAgeMs(), settings.anomalyCapacity(), clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "datafold-mesh");
            t.setDaemon(true);
            return t;
        });
    }

    /** Builds the stack and joins the cluster; blocks for up to the join timeout. */
    void start() throws Exception {
        String xml = settings.stackXml();
        startedAt = System.nanoTime();
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        // JGroups loads protocol classes by name: from this bundle, where it is embedded.
        current.setContextClassLoader(JChannel.class.getClassLoader());
        try {
            JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            ch.setName("node-" + PublicKeys.fingerprint(nodeKey).substring(3, 11) + "-"
                    + Long.toHexString(incarnation & 0xffff));
            ch.setReceiver(this);
            channel = ch;
            ch.connect(settings.cluster());
        } finally {
            current.setContextClassLoader(previous);
        }
        View v = channel.getView();
        if (v != null && v.size() <= 1) {
            reconciled = true;
        }
        timer.execute(this::sendSync);
        timer.scheduleAtFixedRate(this::heartbeat, settings.heartbeatIntervalMs(), settings.heartbeatIntervalMs(),
                TimeUnit.MILLISECONDS);
        LOG.info("mesh: joined cluster {} as {} (node {}), view {}", settings.cluster(), channel.getAddress(),
                PublicKeys.fingerprint(nodeKey), channel.getView());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
        pending.values().forEach(p -> p.reply().completeExceptionally(
                new FoldException(ErrorCode.SHUTTING_DOWN, "the mesh is stopping")));
        JChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    // ---- sending

    /** Sends a signed message of the given type to every member; returns the step it used. */
    long send(MeshMessage.Type type, byte[] payload) throws Exception {
        return send(type, payload, null, "");
    }

    /** Sends a signed message to one member ({@code dest} and its key {@code to}) or, with null, to all. */
    private long send(MeshMessage.Type type, byte[] payload, Address dest, String to) throws Exception {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            throw new IllegalStateException("not connected");
        }
        synchronized (sendLock) {
            long s = step.next();
            MeshMessage m = MeshMessage.signed(type, nodeKey, to, incarnation, s,
                    observer.generator().value(s), clock.millis(), payload, privateKey);
            ch.send(new BytesMessage(dest, m.encode()));
            sent.incrementAndGet();
            return s;
        }
    }

    /** Sends bytes as they are (tests: forged and replayed messages). */
    void sendRaw(byte[] wire) throws Exception {
        channel.send(new BytesMessage(null, wire));
    }

    private void heartbeat() {
        if (!reconciled) {
            // Peers that are silent to this node (none trusts it, or it trusts none) must not keep it mute.
            if (System.nanoTime() - startedAt < TimeUnit.MILLISECONDS.toNanos(
                    settings.joinTimeoutMs() + 3L * settings.heartbeatIntervalMs())) {
                return;
            }
            reconciled = true;
            LOG.info("mesh: no trusted peer answered; sending at global step {}", step.get());
        }
        try {
            List<String> schemas = approvedSchemas.get();
            String text = String.join("\n", schemas.subList(0, Math.min(schemas.size(), MAX_SCHEMAS)));
            send(MeshMessage.Type.HEARTBEAT, text.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            LOG.debug("mesh: heartbeat not sent: {}", e.toString());
        }
    }

    private void sendSync() {
        try {
            send(MeshMessage.Type.SYNC, new byte[0]);
        } catch (Exception e) {
            LOG.debug("mesh: sync not sent: {}", e.toString());
        }
    }

    // ---- receiving

    @Override
    public void receive(Message msg) {
        JChannel ch = channel;
        Address src = msg.getSrc();
        if (ch == null || src == null || src.equals(ch.getAddress())) {
            return;
        }
        String from = src.toString();
        MeshMessage m;
        try {
            m = MeshMessage.decode(msg.getArray(), msg.getOffset(), msg.getLength());
        } catch (MeshMessage.MalformedMessageException | UnsupportedOperationException e) {
            observer.malformed(from, e.getMessage());
            return;
        }
        MeshObserver.Verdict verdict = observer.observe(m, from);
        if (!verdict.accepted()) {
            return;
        }
        Peer peer = peers.computeIfAbsent(src, Peer::new);
        peer.key = m.senderId();
        switch (m.type()) {
            case HEARTBEAT -> peer.schemas = schemas(m.payload());
            case QUERY -> answer(src, m);
            case RESULT -> complete(m);
            default -> {
            }
        }
        // Any accepted message moved the step up to the sender's: this node may speak now.
        if (!reconciled) {
            reconciled = true;
            LOG.info("mesh: global step reconciled at {} (from {})", step.get(), from);
        }
    }

    // ---- forwarded queries

    void queryHandler(QueryHandler handler) {
        this.queryHandler = handler;
    }

    /**
     * Sends a request to the member whose node key is {@code targetKey} and waits for its answer.
     *
     * @throws FoldException {@code NOT_FOUND} when no member has that key, {@code UNAVAILABLE} when
     *         the mesh is not connected or too many requests wait, {@code TIMEOUT} when no answer came
     */
    byte[] request(String targetKey, byte[] payload, Duration timeout) {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "the mesh is not connected");
        }
        Address target = null;
        for (Peer p : peers.values()) {
            if (targetKey.equals(p.key)) {
                target = p.address;
            }
        }
        if (target == null) {
            throw new FoldException(ErrorCode.NOT_FOUND, "no member of the mesh has node key "
                    + PublicKeys.fingerprint(targetKey) + " (mesh:peers lists the members)");
        }
        if (pending.size() >= MAX_PENDING) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "too many forwarded queries are waiting");
        }
        long id = ids.nextLong();
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        pending.put(id, new Pending(targetKey, reply));
        try {
            long started = System.nanoTime();
            send(MeshMessage.Type.QUERY, framed(id, payload), target, targetKey);
            byte[] answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long n = forwarded.getAndIncrement();
            synchronized (roundTrips) {
                roundTrips[(int) (n % roundTrips.length)] = System.nanoTime() - started;
            }
            return answer;
        } catch (TimeoutException e) {
            throw new FoldException(ErrorCode.TIMEOUT, "node " + PublicKeys.fingerprint(targetKey)
                    + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof FoldException f ? f
                    : new FoldException(ErrorCode.UNAVAILABLE, "the forwarded query failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FoldException(ErrorCode.UNAVAILABLE, "interrupted while waiting for the target");
        } catch (FoldException e) {
            throw e;
        } catch (Exception e) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "the forwarded query could not be sent: " + e);
        } finally {
            pending.remove(id);
        }
    }

    private long forwardMedianMicros() {
        int n = (int) Math.min(forwarded.get(), roundTrips.length);
        if (n == 0) {
            return -1;
        }
        long[] copy;
        synchronized (roundTrips) {
            copy = Arrays.copyOf(roundTrips, n);
        }
        Arrays.sort(copy);
        return copy[n / 2] / 1000;
    }

    private void answer(Address src, MeshMessage m) {
        byte[] p = m.payload();
        if (p.length < Long.BYTES) {
            observer.malformed(src.toString(), "a query without an id");
            return;
        }
        long id = ByteBuffer.wrap(p).getLong();
        byte[] request = Arrays.copyOfRange(p, Long.BYTES, p.length);
        QueryHandler handler = queryHandler;
        try {
            workers.execute(() -> {
                byte[] reply = handler == null
                        ? error(ErrorCode.UNAVAILABLE, "this node does not answer forwarded queries")
                        : handler.handle(m.senderId(), request);
                reply(src, m.senderId(), id, reply);
            });
        } catch (RejectedExecutionException e) {
            reply(src, m.senderId(), id, error(ErrorCode.UNAVAILABLE, "the target is busy"));
        }
    }

    private void reply(Address dest, String key, long id, byte[] reply) {
        try {
            send(MeshMessage.Type.RESULT, framed(id, reply), dest, key);
        } catch (Exception e) {
            LOG.debug("mesh: answer not sent: {}", e.toString());
        }
    }

    private void complete(MeshMessage m) {
        byte[] p = m.payload();
        if (p.length < Long.BYTES) {
            return;
        }
        Pending waiting = pending.get(ByteBuffer.wrap(p).getLong());
        // Only the node asked may answer.
        if (waiting != null && waiting.targetKey().equals(m.senderId())) {
            waiting.reply().complete(Arrays.copyOfRange(p, Long.BYTES, p.length));
        }
    }

    private static byte[] framed(long id, byte[] payload) {
        return ByteBuffer.allocate(Long.BYTES + payload.length).putLong(id).put(payload).array();
    }

    private static byte[] error(ErrorCode code, String message) {
        String json = "{\"error\":{\"code\":\"" + code.name() + "\",\"message\":\"" + message + "\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> schemas(byte[] payload) {
        if (payload.length == 0) {
            return List.of();
        }
        String[] names = new String(payload, StandardCharsets.UTF_8).split("\n");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.length && i < MAX_SCHEMAS; i++) {
            if (!names[i].isBlank()) {
                out.add(names[i]);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void viewAccepted(View view) {
        JChannel ch = channel;
        Address self = ch == null ? null : ch.getAddress();
        for (Address a : view.getMembers()) {
            if (!a.equals(self)) {
                peers.computeIfAbsent(a, Peer::new);
            }
        }
        for (Peer p : List.copyOf(peers.values())) {
            if (!view.containsMember(p.address)) {
                peers.remove(p.address);
                p.state = "left";
                synchronized (left) {
                    left.addFirst(p);
                    while (left.size() > LEFT_KEPT) {
                        left.removeLast();
                    }
                }
                LOG.info("mesh: {} (node {}) left the view", p.address,
                        p.key == null ? "unknown" : PublicKeys.fingerprint(p.key));
            }
        }
        if (view instanceof MergeView) {
            merges.incrementAndGet();
            LOG.info("mesh: partitions merged: {}", view);
        } else {
            LOG.info("mesh: view {}", view);
        }
        if (view.size() <= 1) {
            reconciled = true;
        }
        // Everyone says where it is; the max wins everywhere (off the JGroups thread).
        if (!timer.isShutdown()) {
            timer.execute(this::sendSync);
        }
    }

    // ---- state

    MeshStatus status() {
        JChannel ch = channel;
        boolean connected = ch != null && ch.isConnected();
        View v = connected ? ch.getView() : null;
        long[] c = observer.counts();
        return new MeshStatus(true, connected, settings.cluster(), v == null ? null : v.getViewId().toString(),
                v == null ? 0 : v.size(), nodeKey, connected ? String.valueOf(ch.getAddress()) : null, step.get(),
                observer.generator().name(), sent.get(), c[0], c[1], c[2], c[3], merges.get(), forwarded.get(),
                forwardMedianMicros(), null);
    }

    List<MeshPeer> peers() {
        List<MeshPeer> out = new ArrayList<>();
        List<Peer> members = new ArrayList<>(peers.values());
        members.sort(Comparator.comparing(p -> p.address.toString()));
        for (Peer p : members) {
            out.add(describe(p));
        }
        synchronized (left) {
            for (Peer p : left) {
                out.add(describe(p));
            }
        }
        return out;
    }

    private MeshPeer describe(Peer p) {
        String key = p.key;
        long[] counts = key == null ? null : observer.senderCounts(key);
        return new MeshPeer(p.address.toString(), key, key == null ? null : PublicKeys.fingerprint(key),
                key == null ? null : trust.distance(key), p.state, p.schemas,
                key == null ? null : observer.lastSeen(key), counts == null ? 0 : counts[0],
                counts == null ? 0 : counts[1]);
    }

    List<MeshAnomaly> anomalies() {
        return observer.anomalies();
    }

    List<String> holders(String schema) {
        List<String> out = new ArrayList<>();
        for (Peer p : peers.values()) {
            if (p.key != null && p.schemas.contains(schema) && !out.contains(p.key)) {
                out.add(p.key);
            }
        }
        out.sort(null);
        return out;
    }

    long globalStep() {
        return step.get();
    }

    long incarnation() {
        return incarnation;
    }

    PatternGenerator generator() {
        return observer.generator();
    }

    /** The channel (tests: the DISCARD protocol of a test stack). */
    JChannel channel() {
        return channel;
    }

    boolean reconciled() {
        return reconciled;
    }
}
