package org.datafold.mesh.internal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

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
    private final Object sendLock = new Object();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong merges = new AtomicLong();
    private final Map<Address, Peer> peers = new ConcurrentHashMap<>();
    private final ArrayDeque<Peer> left = new ArrayDeque<>();
    private final ScheduledExecutorService timer;
    private volatile JChannel channel;
    private volatile boolean reconciled;
    private volatile long startedAt;

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
        this.observer = new MeshObserver(generator, step, this.trust, settings.maxPeerDistance(), settings.maxStepSkew(),
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
        JChannel ch = channel;
        if (ch != null) {
            ch.close();
        }
    }

    // ---- sending

    /** Sends a signed message of the given type to every member; returns the step it used. */
    long send(MeshMessage.Type type, byte[] payload) throws Exception {
        JChannel ch = channel;
        if (ch == null || !ch.isConnected()) {
            throw new IllegalStateException("not connected");
        }
        synchronized (sendLock) {
            long s = step.next();
            MeshMessage m = MeshMessage.signed(type, nodeKey, incarnation, s,
                    observer.generator().value(s), clock.millis(), payload, privateKey);
            ch.send(new BytesMessage(null, m.encode()));
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
        if (m.type() == MeshMessage.Type.HEARTBEAT) {
            peer.schemas = schemas(m.payload());
        }
        // Any accepted message moved the step up to the sender's: this node may speak now.
        if (!reconciled) {
            reconciled = true;
            LOG.info("mesh: global step reconciled at {} (from {})", step.get(), from);
        }
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
                observer.generator().name(), sent.get(), c[0], c[1], c[2], c[3], merges.get(), null);
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
