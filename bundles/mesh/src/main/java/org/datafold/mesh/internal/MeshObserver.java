package org.datafold.mesh.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.permission.PublicKeys;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshAnomaly.Kind;
import org.datafold.support.log.EventLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies received messages and keeps the counts: the sender must be a trusted node key, the
 * signature must verify, the pattern value must be the generator's value for the step, the step
 * must be new for the sender's run and within the window around the global step. Accepted messages
 * move the global step; rejected ones become anomalies (a bounded list, logged at a bounded rate).
 */
final class MeshObserver {

    static final Logger SECURITY = LoggerFactory.getLogger("org.datafold.security");
    /** Runs (incarnations) of one sender whose last step is remembered. */
    static final int INCARNATIONS_PER_SENDER = 8;
    /** Senders tracked; the least recently heard of is forgotten first. */
    static final int MAX_SENDERS = 4096;

    /** Tells the trust distance of a node key: null when the key is not in the trust table. */
    @FunctionalInterface
    interface TrustLookup {
        Integer distance(String key);
    }

    /** What happened to a message. */
    enum Outcome {
        ACCEPTED, UNTRUSTED, REJECTED
    }

    /** The outcome, and the anomaly kind for a rejection. */
    record Verdict(Outcome outcome, Kind kind, String detail) {
        static final Verdict ACCEPT = new Verdict(Outcome.ACCEPTED, null, null);

        boolean accepted() {
            return outcome == Outcome.ACCEPTED;
        }
    }

    /**
     * One stream of steps of a sender: a run (incarnation), and whether its messages go to every
     * member or to one node (the two travel separately and may overtake each other).
     */
    record Run(long incarnation, boolean directed) {
    }

    /** Counts of one sender. */
    static final class SenderStats {
        long accepted;
        long rejected;
        Instant lastSeen;
        final Map<Run, Long> lastStepByRun = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Run, Long> eldest) {
                return size() > 2 * INCARNATIONS_PER_SENDER;
            }
        };
    }

    private final String ownKey;
    private final PatternGenerator generator;
    private final GlobalStep step;
    private final TrustLookup trust;
    private final int maxPeerDistance;
    private final long maxStepSkew;
    private final long maxAgeMillis;
    private final int anomalyCapacity;
    private final Clock clock;
    private final EventLimiter limiter = new EventLimiter(EventLimiter.logTo(SECURITY, "mesh", "mesh:anomalies"), 5,
            java.time.Duration.ofMinutes(1), 1024);

    private final ArrayDeque<MeshAnomaly> anomalies = new ArrayDeque<>();
    private final Map<String, SenderStats> senders = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SenderStats> eldest) {
            return size() > MAX_SENDERS;
        }
    };
    private long accepted;
    private long rejected;
    private long untrusted;
    private long malformed;

    /**
     * @param ownKey          this node's key (messages to one node must name it)
     * @param maxPeerDistance the largest trust distance of a key whose messages are accepted
     * @param maxStepSkew     how far a message's step may be ahead of or behind the global step
     * @param maxAgeMillis    how old a message (by its timestamp) may be
     * @param anomalyCapacity the most anomalies kept
     */
    MeshObserver(String ownKey, PatternGenerator generator, GlobalStep step, TrustLookup trust, int maxPeerDistance,
            long maxStepSkew, long maxAgeMillis, int anomalyCapacity, Clock clock) {
        this.ownKey = ownKey;
        this.generator = generator;
        this.step = step;
        this.trust = trust;
        this.maxPeerDistance = maxPeerDistance;
        this.maxStepSkew = maxStepSkew;
        this.maxAgeMillis = maxAgeMillis;
        this.anomalyCapacity = anomalyCapacity;
        this.clock = clock;
    }

    PatternGenerator generator() {
        return generator;
    }

    /**
     * Checks one received message; on acceptance the global step moves up to its step.
     *
     * @param address the member address it came from (for reports)
     */
    Verdict observe(MeshMessage m, String address) {
        Integer distance = PublicKeys.isKey(m.senderId()) ? trust.distance(m.senderId()) : null;
        if (distance == null || distance > maxPeerDistance) {
            synchronized (this) {
                untrusted++;
            }
            if (limiter.admit(address, "untrusted")) {
                SECURITY.warn("SECURITY mesh: dropped a message from {} claiming node {}: {}", address,
                        PublicKeys.fingerprint(m.senderId()),
                        distance == null ? "the key is not in the trust table" : "its distance " + distance
                                + " is more than max_peer_distance " + maxPeerDistance);
            }
            return new Verdict(Outcome.UNTRUSTED, null, distance == null ? "unknown key" : "distance " + distance);
        }
        // The expensive check outside the lock.
        boolean signatureOk = PublicKeys.verify(m.senderId(), m.signedBytes(), m.signature());
        Verdict verdict;
        synchronized (this) {
            SenderStats stats = senders.computeIfAbsent(m.senderId(), k -> new SenderStats());
            verdict = check(m, signatureOk, stats);
            if (verdict.accepted()) {
                accepted++;
                stats.accepted++;
                stats.lastSeen = clock.instant();
                stats.lastStepByRun.put(new Run(m.incarnation(), m.directed()), m.globalStep());
                step.observe(m.globalStep());
            } else {
                rejected++;
                stats.rejected++;
                anomalies.addLast(new MeshAnomaly(clock.instant(), verdict.kind(), m.senderId(), address,
                        m.globalStep(), verdict.detail()));
                while (anomalies.size() > anomalyCapacity) {
                    anomalies.removeFirst();
                }
            }
        }
        if (!verdict.accepted() && limiter.admit(address, verdict.kind().name())) {
            SECURITY.warn("SECURITY mesh: rejected a message from {} (node {}): {}: {}", address,
                    PublicKeys.fingerprint(m.senderId()), verdict.kind(), verdict.detail());
        }
        return verdict;
    }

    private Verdict check(MeshMessage m, boolean signatureOk, SenderStats stats) {
        if (!signatureOk) {
            return new Verdict(Outcome.REJECTED, Kind.BAD_SIGNATURE, "the signature does not verify with the sender key");
        }
        long expected = generator.value(m.globalStep());
        if (m.pattern() != expected) {
            return new Verdict(Outcome.REJECTED, Kind.PATTERN_MISMATCH,
                    "pattern value " + m.pattern() + " is not the " + generator.name() + " value of step "
                            + m.globalStep());
        }
        if (m.directed() && !m.to().equals(ownKey)) {
            return new Verdict(Outcome.REJECTED, Kind.REPLAY, "addressed to another node");
        }
        Long last = stats.lastStepByRun.get(new Run(m.incarnation(), m.directed()));
        if (last != null && m.globalStep() <= last) {
            return new Verdict(Outcome.REJECTED, Kind.REPLAY,
                    "step " + m.globalStep() + " already used by this sender (last " + last + ")");
        }
        long age = clock.millis() - m.timestamp();
        if (age > maxAgeMillis) {
            return new Verdict(Outcome.REJECTED, Kind.REPLAY, "sent " + age + " ms ago (max_message_age_ms "
                    + maxAgeMillis + ")");
        }
        if (m.type() != MeshMessage.Type.SYNC) {
            long current = step.get();
            if (m.globalStep() > current + maxStepSkew || m.globalStep() < current - maxStepSkew) {
                return new Verdict(Outcome.REJECTED, Kind.STEP_TOO_FAR, "step " + m.globalStep() + " is more than "
                        + maxStepSkew + " from the global step " + current);
            }
        }
        return Verdict.ACCEPT;
    }

    /** Counts a message that could not be decoded. */
    void malformed(String address, String why) {
        synchronized (this) {
            malformed++;
        }
        if (limiter.admit(address, "malformed")) {
            SECURITY.warn("SECURITY mesh: dropped a malformed message from {}: {}", address, why);
        }
    }

    synchronized List<MeshAnomaly> anomalies() {
        return new ArrayList<>(anomalies);
    }

    /** accepted, rejected, untrusted, malformed. */
    synchronized long[] counts() {
        return new long[] { accepted, rejected, untrusted, malformed };
    }

    /** A copy of the counts of one sender, or null. */
    synchronized long[] senderCounts(String key) {
        SenderStats s = senders.get(key);
        return s == null ? null : new long[] { s.accepted, s.rejected };
    }

    synchronized Instant lastSeen(String key) {
        SenderStats s = senders.get(key);
        return s == null ? null : s.lastSeen;
    }
}
