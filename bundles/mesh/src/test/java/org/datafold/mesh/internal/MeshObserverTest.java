package org.datafold.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.datafold.api.permission.PublicKeys;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshAnomaly.Kind;
import org.datafold.mesh.internal.MeshObserver.Outcome;
import org.datafold.mesh.internal.MeshObserver.Verdict;
import org.junit.jupiter.api.Test;

class MeshObserverTest {

    private static final String OWN = PublicKeys.of(PublicKeys.generate().getPublic());
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final KeyPair peer = PublicKeys.generate();
    private final String peerKey = PublicKeys.of(peer.getPublic());
    private final KeyPair far = PublicKeys.generate();
    private final String farKey = PublicKeys.of(far.getPublic());
    private final KeyPair stranger = PublicKeys.generate();
    private final Map<String, Integer> trustTable = new HashMap<>(Map.of(peerKey, 1, farKey, 5));
    private final PatternGenerator generator = new DigitalRootGenerator(7, 100, 100);
    private final GlobalStep step = new GlobalStep();
    private final MeshObserver observer = new MeshObserver(OWN, generator, step, trustTable::get, 3, 50, 60_000, 4, clock);

    private MeshMessage from(KeyPair pair, long incarnation, long s, long pattern, MeshMessage.Type type) {
        return MeshMessage.signed(type, PublicKeys.of(pair.getPublic()), incarnation, s, pattern, clock.millis(),
                new byte[0], pair.getPrivate());
    }

    private MeshMessage valid(long s) {
        return from(peer, 1, s, generator.value(s), MeshMessage.Type.HEARTBEAT);
    }

    @Test
    void aValidMessageIsAcceptedAndMovesTheGlobalStep() {
        assertThat(observer.observe(valid(3), "a").accepted()).isTrue();
        assertThat(step.get()).isEqualTo(3);
        assertThat(observer.observe(valid(10), "a").accepted()).isTrue();
        assertThat(step.get()).isEqualTo(10);
        // a lower step from another run of the sender does not move it back
        assertThat(observer.observe(from(peer, 2, 4, generator.value(4), MeshMessage.Type.HEARTBEAT), "a").accepted())
                .isTrue();
        assertThat(step.get()).isEqualTo(10);
        assertThat(observer.counts()).containsExactly(3, 0, 0, 0);
        assertThat(observer.senderCounts(peerKey)).containsExactly(3, 0);
        assertThat(observer.lastSeen(peerKey)).isEqualTo(clock.instant());
        assertThat(observer.anomalies()).isEmpty();
    }

    @Test
    void unknownAndTooDistantSendersAreDroppedAndCountedNotReportedAsAnomalies() {
        Verdict unknown = observer.observe(from(stranger, 1, 1, generator.value(1), MeshMessage.Type.HEARTBEAT), "x");
        Verdict distant = observer.observe(from(far, 1, 1, generator.value(1), MeshMessage.Type.HEARTBEAT), "y");
        assertThat(unknown.outcome()).isEqualTo(Outcome.UNTRUSTED);
        assertThat(distant.outcome()).isEqualTo(Outcome.UNTRUSTED);
        assertThat(distant.detail()).isEqualTo("distance 5");
        assertThat(observer.counts()).containsExactly(0, 0, 2, 0);
        assertThat(step.get()).isZero();
        // trusting the key (nearer) lets its next message in
        trustTable.put(farKey, 2);
        assertThat(observer.observe(from(far, 1, 2, generator.value(2), MeshMessage.Type.HEARTBEAT), "y").accepted())
                .isTrue();
    }

    @Test
    void aForgedSignatureIsAnAnomaly() {
        // claims to be the trusted peer, signed by someone else
        MeshMessage genuine = valid(5);
        MeshMessage forged = genuine.withSignature(PublicKeys.sign(stranger.getPrivate(), genuine.signedBytes()));
        Verdict v = observer.observe(forged, "evil");
        assertThat(v.kind()).isEqualTo(Kind.BAD_SIGNATURE);
        MeshAnomaly a = observer.anomalies().get(0);
        assertThat(a.kind()).isEqualTo(Kind.BAD_SIGNATURE);
        assertThat(a.sender()).isEqualTo(peerKey);
        assertThat(a.address()).isEqualTo("evil");
        assertThat(a.step()).isEqualTo(5);
        assertThat(step.get()).isZero();
        assertThat(observer.counts()).containsExactly(0, 1, 0, 0);
    }

    @Test
    void aWrongPatternIsAnAnomalyEvenWhenSignedByATrustedPeer() {
        Verdict v = observer.observe(from(peer, 1, 2, generator.value(2) + 1, MeshMessage.Type.HEARTBEAT), "a");
        assertThat(v.kind()).isEqualTo(Kind.PATTERN_MISMATCH);
        assertThat(v.detail()).contains("digital_root value of step 2");
        assertThat(step.get()).isZero();
    }

    @Test
    void aReplayedStepIsAnAnomaly() {
        MeshMessage m = valid(8);
        assertThat(observer.observe(m, "a").accepted()).isTrue();
        assertThat(observer.observe(m, "b").kind()).isEqualTo(Kind.REPLAY);
        assertThat(observer.observe(valid(7), "a").kind()).isEqualTo(Kind.REPLAY);
        assertThat(observer.observe(valid(9), "a").accepted()).isTrue();
    }

    @Test
    void messagesToOneNodeAreTrackedApartAndMustNameThisNode() {
        MeshMessage toMe = MeshMessage.signed(MeshMessage.Type.QUERY, peerKey, OWN, 1, 6, generator.value(6),
                clock.millis(), new byte[0], peer.getPrivate());
        MeshMessage toOther = MeshMessage.signed(MeshMessage.Type.QUERY, peerKey, farKey, 1, 7, generator.value(7),
                clock.millis(), new byte[0], peer.getPrivate());
        assertThat(observer.observe(valid(8), "a").accepted()).isTrue();
        // step 6 to this node after step 8 to everyone: another stream, not a replay
        assertThat(observer.observe(toMe, "a").accepted()).isTrue();
        assertThat(observer.observe(toMe, "a").kind()).isEqualTo(Kind.REPLAY);
        Verdict redirected = observer.observe(toOther, "a");
        assertThat(redirected.kind()).isEqualTo(Kind.REPLAY);
        assertThat(redirected.detail()).isEqualTo("addressed to another node");
    }

    @Test
    void anOldMessageIsAReplayEvenFromAForgottenRun() {
        MeshMessage m = valid(4);
        clock.advance(Duration.ofSeconds(61));
        Verdict v = observer.observe(m, "a");
        assertThat(v.kind()).isEqualTo(Kind.REPLAY);
        assertThat(v.detail()).contains("ms ago");
    }

    @Test
    void stepsFarAheadOrBehindAreAnomaliesButSyncIsExempt() {
        assertThat(observer.observe(valid(51), "a").kind()).isEqualTo(Kind.STEP_TOO_FAR);
        assertThat(observer.observe(valid(50), "a").accepted()).isTrue();
        step.observe(200);
        assertThat(observer.observe(valid(100), "a").kind()).isEqualTo(Kind.STEP_TOO_FAR);
        // a SYNC (sent on view changes) reconciles whatever the distance
        assertThat(observer.observe(from(peer, 1, 5000, generator.value(5000), MeshMessage.Type.SYNC), "a").accepted())
                .isTrue();
        assertThat(step.get()).isEqualTo(5000);
    }

    @Test
    void theAnomalyListIsBounded() {
        for (int i = 1; i <= 10; i++) {
            observer.observe(from(peer, 1, i, generator.value(i) + 1, MeshMessage.Type.HEARTBEAT), "a");
        }
        assertThat(observer.anomalies()).hasSize(4).extracting(MeshAnomaly::step).containsExactly(7L, 8L, 9L, 10L);
        assertThat(observer.counts()[1]).isEqualTo(10);
    }

    @Test
    void malformedMessagesAreCounted() {
        observer.malformed("a", "truncated");
        assertThat(observer.counts()).containsExactly(0, 0, 0, 1);
    }

    @Test
    void theHmacGeneratorRejectsAValueComputedWithoutTheSecret() {
        HmacGenerator keyed = new HmacGenerator("the mesh secret, 16+ bytes".getBytes());
        HmacGenerator outsider = new HmacGenerator("a guessed secret, 16+ bytes".getBytes());
        MeshObserver o = new MeshObserver(OWN, keyed, new GlobalStep(), trustTable::get, 3, 50, 60_000, 10, clock);
        assertThat(o.observe(from(peer, 1, 1, keyed.value(1), MeshMessage.Type.HEARTBEAT), "a").accepted()).isTrue();
        assertThat(o.observe(from(peer, 1, 2, outsider.value(2), MeshMessage.Type.HEARTBEAT), "a").kind())
                .isEqualTo(Kind.PATTERN_MISMATCH);
    }
}
