package org.datafold.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.datafold.api.permission.PublicKeys;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshAnomaly.Kind;
import org.datafold.mesh.api.MeshPeer;
import org.datafold.testsupport.Configs;
import org.jgroups.protocols.DISCARD;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JGroups channels on loopback, several nodes in this JVM: membership, heartbeats, verification
 * of forged and replayed messages, leaving, partitions and step reconciliation.
 */
class MeshNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<MeshNode> nodes = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> trust = new HashMap<>();

    @AfterEach
    void close() {
        nodes.forEach(MeshNode::close);
    }

    /** A node's key pair and its settings on a free port. */
    private record Member(KeyPair pair, String key, int port) {
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            if (port + 100 > 65535) {
                continue;
            }
            try (ServerSocket fd = new ServerSocket(port + 100, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException busy) {
                // the failure detector's port is taken: try another
            }
        }
        throw new IOException("no free port pair");
    }

    private List<Member> members(int n) throws IOException {
        List<Member> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KeyPair pair = PublicKeys.generate();
            out.add(new Member(pair, PublicKeys.of(pair.getPublic()), freePort()));
        }
        return out;
    }

    private static String hosts(List<Member> members) {
        return String.join(",", members.stream().map(m -> "127.0.0.1[" + m.port() + "]").toList());
    }

    private MeshNode start(Member m, String hosts, List<String> schemas, Path stack) throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of("enabled", true, "cluster", "mesh-test-" + dir.hashCode(),
                "bind_port", m.port(), "initial_hosts", hosts, "heartbeat_interval_ms", 100, "fd_timeout_ms", 2000,
                "verify_suspect_ms", 500, "merge_interval_ms", 1000, "join_timeout_ms", 1000));
        props.put("stack_file", stack == null ? dir.resolve("none.xml").toString() : stack.toString());
        MeshSettings settings = MeshSettings.from(Configs.of(MeshConfig.class, props));
        MeshNode node = new MeshNode(settings, m.key(), m.pair().getPrivate(), settings.patternGenerator(),
                trust::get, () -> schemas, Clock.systemUTC());
        nodes.add(node);
        node.start();
        return node;
    }

    private static boolean sees(MeshNode node, int members) {
        return node.status().members() == members
                && node.peers().stream().filter(p -> p.state().equals("member") && p.nodeKey() != null).count()
                        == members - 1;
    }

    private static List<Kind> kinds(MeshNode node) {
        return node.anomalies().stream().map(MeshAnomaly::kind).toList();
    }

    @Test
    void threeNodesJoinVerifyEachOtherAndSeeOneLeave() throws Exception {
        List<Member> ms = members(3);
        ms.forEach(m -> trust.put(m.key(), 1));
        String hosts = hosts(ms);
        MeshNode a = start(ms.get(0), hosts, List.of("people"), null);
        MeshNode b = start(ms.get(1), hosts, List.of("people", "notes"), null);
        MeshNode c = start(ms.get(2), hosts, List.of(), null);

        await().atMost(WAIT).until(() -> sees(a, 3) && sees(b, 3) && sees(c, 3));
        assertThat(a.status().viewId()).isEqualTo(b.status().viewId()).isEqualTo(c.status().viewId());
        MeshPeer bAtA = a.peers().stream().filter(p -> ms.get(1).key().equals(p.nodeKey())).findFirst().orElseThrow();
        assertThat(bAtA.distance()).isEqualTo(1);
        assertThat(bAtA.fingerprint()).isEqualTo(PublicKeys.fingerprint(ms.get(1).key()));
        await().atMost(WAIT).until(() -> c.holders("notes").equals(List.of(ms.get(1).key())));
        assertThat(c.holders("people")).containsExactlyInAnyOrder(ms.get(0).key(), ms.get(1).key());
        assertThat(c.holders("nothing")).isEmpty();
        await().atMost(WAIT).until(() -> a.status().accepted() > 5 && b.status().accepted() > 5);
        assertThat(a.anomalies()).isEmpty();
        assertThat(b.status().rejected()).isZero();

        // C leaves: A and B install a view without it and list it as left
        c.close();
        await().atMost(WAIT).until(() -> a.status().members() == 2 && b.status().members() == 2);
        assertThat(a.peers()).anySatisfy(p -> {
            assertThat(p.nodeKey()).isEqualTo(ms.get(2).key());
            assertThat(p.state()).isEqualTo("left");
        });
    }

    @Test
    void forgedPatternForgedSignatureAndReplayAreRejectedAndReported() throws Exception {
        List<Member> ms = members(3);
        ms.forEach(m -> trust.put(m.key(), 1));
        String hosts = hosts(ms);
        MeshNode a = start(ms.get(0), hosts, List.of(), null);
        MeshNode b = start(ms.get(1), hosts, List.of(), null);
        MeshNode c = start(ms.get(2), hosts, List.of(), null);
        await().atMost(WAIT).until(() -> sees(a, 3) && sees(b, 3) && sees(c, 3));
        Member evil = ms.get(2);
        PatternGenerator g = c.generator();

        // a wrong pattern value, correctly signed by C (a trusted node)
        long s1 = c.globalStep() + 1;
        c.sendRaw(MeshMessage.signed(MeshMessage.Type.DATA, evil.key(), 99, s1, g.value(s1) + 1,
                System.currentTimeMillis(), new byte[0], evil.pair().getPrivate()).encode());
        // a message that claims to come from A, signed with C's key
        long s2 = c.globalStep() + 1;
        c.sendRaw(MeshMessage.signed(MeshMessage.Type.DATA, ms.get(0).key(), 98, s2, g.value(s2),
                System.currentTimeMillis(), new byte[0], evil.pair().getPrivate()).encode());
        // a valid message, sent twice
        long s3 = c.globalStep() + 1;
        byte[] valid = MeshMessage.signed(MeshMessage.Type.DATA, evil.key(), 97, s3, g.value(s3),
                System.currentTimeMillis(), new byte[0], evil.pair().getPrivate()).encode();
        c.sendRaw(valid);
        c.sendRaw(valid);
        // garbage
        c.sendRaw(new byte[] { 1, 2, 3 });

        for (MeshNode n : List.of(a, b)) {
            await().atMost(WAIT).until(() -> kinds(n).containsAll(List.of(Kind.PATTERN_MISMATCH, Kind.BAD_SIGNATURE,
                    Kind.REPLAY)) && n.status().malformed() == 1);
            assertThat(kinds(n)).containsOnly(Kind.PATTERN_MISMATCH, Kind.BAD_SIGNATURE, Kind.REPLAY).hasSize(3);
        }
        MeshAnomaly forged = b.anomalies().stream().filter(x -> x.kind() == Kind.BAD_SIGNATURE).findFirst().orElseThrow();
        assertThat(forged.sender()).isEqualTo(ms.get(0).key());
        assertThat(forged.address()).isEqualTo(c.status().address());
        // C's own traffic still counts: the genuine heartbeats after the forgeries are accepted
        long before = a.peers().stream().filter(p -> evil.key().equals(p.nodeKey())).findFirst().orElseThrow().accepted();
        await().atMost(WAIT).until(() -> a.peers().stream().filter(p -> evil.key().equals(p.nodeKey())).findFirst()
                .orElseThrow().accepted() > before);
    }

    @Test
    void anUntrustedNodeIsAMemberButItsMessagesAreDropped() throws Exception {
        List<Member> ms = members(2);
        trust.put(ms.get(0).key(), 1); // only A is trusted
        String hosts = hosts(ms);
        MeshNode a = start(ms.get(0), hosts, List.of("people"), null);
        MeshNode b = start(ms.get(1), hosts, List.of("people"), null);
        await().atMost(WAIT).until(() -> a.status().members() == 2 && a.status().untrusted() >= 3);
        assertThat(a.status().accepted()).isZero();
        assertThat(a.holders("people")).isEmpty();
        assertThat(a.peers()).singleElement().satisfies(p -> assertThat(p.nodeKey()).isNull());
        assertThat(a.anomalies()).isEmpty();
        // B trusts A
        await().atMost(WAIT).until(() -> b.holders("people").equals(List.of(ms.get(0).key())));
    }

    @Test
    void aPartitionHealsAndTheStepsReconcile() throws Exception {
        Path stack = dir.resolve("discard.xml");
        Files.writeString(stack, StackTemplate.builtIn().replace("<TCPPING", "<DISCARD/>\n    <TCPPING"));
        List<Member> ms = members(3);
        ms.forEach(m -> trust.put(m.key(), 1));
        String hosts = hosts(ms);
        MeshNode a = start(ms.get(0), hosts, List.of(), stack);
        MeshNode b = start(ms.get(1), hosts, List.of(), stack);
        MeshNode c = start(ms.get(2), hosts, List.of(), stack);
        await().atMost(WAIT).until(() -> sees(a, 3) && sees(b, 3) && sees(c, 3));

        // {A, B} | {C}
        DISCARD da = discard(a), db = discard(b), dc = discard(c);
        da.addIgnoreMember(c.channel().getAddress());
        db.addIgnoreMember(c.channel().getAddress());
        dc.addIgnoreMember(a.channel().getAddress());
        dc.addIgnoreMember(b.channel().getAddress());
        await().atMost(WAIT).until(() -> a.status().members() == 2 && b.status().members() == 2
                && c.status().members() == 1);
        // the sides advance on their own
        long cBefore = c.globalStep();
        await().atMost(WAIT).until(() -> c.globalStep() > cBefore + 5);
        long highest = Math.max(Math.max(a.globalStep(), b.globalStep()), c.globalStep());

        da.resetIgnoredMembers();
        db.resetIgnoredMembers();
        dc.resetIgnoredMembers();
        await().atMost(WAIT).until(() -> sees(a, 3) && sees(b, 3) && sees(c, 3));
        assertThat(a.status().merges() + b.status().merges() + c.status().merges()).isPositive();
        await().atMost(WAIT).until(() -> a.globalStep() >= highest && b.globalStep() >= highest
                && c.globalStep() >= highest);
        assertThat(kinds(a)).doesNotContain(Kind.STEP_TOO_FAR);
        assertThat(kinds(c)).doesNotContain(Kind.STEP_TOO_FAR);
    }

    @Test
    void aLateJoinerTakesOverTheMeshsStepBeforeItSpeaks() throws Exception {
        List<Member> ms = members(2);
        ms.forEach(m -> trust.put(m.key(), 1));
        String hosts = hosts(ms);
        MeshNode a = start(ms.get(0), hosts, List.of(), null);
        await().atMost(WAIT).until(() -> a.globalStep() > 20);
        long reached = a.globalStep();
        MeshNode b = start(ms.get(1), hosts, List.of(), null);
        await().atMost(WAIT).until(() -> b.reconciled() && b.globalStep() >= reached);
        await().atMost(WAIT).until(() -> a.status().accepted() > 3);
        assertThat(a.anomalies()).isEmpty();
        assertThat(b.anomalies()).isEmpty();
    }

    @Test
    void aRequestGetsTheTargetsAnswerAndFailuresHaveStableCodes() throws Exception {
        List<Member> ms = members(2);
        ms.forEach(m -> trust.put(m.key(), 1));
        String hosts = hosts(ms);
        MeshNode a = start(ms.get(0), hosts, List.of(), null);
        MeshNode b = start(ms.get(1), hosts, List.of(), null);
        await().atMost(WAIT).until(() -> sees(a, 2) && sees(b, 2));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        b.queryHandler((forwarder, request) -> {
            String text = new String(request, java.nio.charset.StandardCharsets.UTF_8);
            if (text.equals("hold")) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return (forwarder.equals(ms.get(0).key()) ? "from A: " + text : "?").getBytes();
        });
        assertThat(a.status().forwardMedianMicros()).isEqualTo(-1);
        assertThat(new String(a.request(ms.get(1).key(), "hello".getBytes(), Duration.ofSeconds(10))))
                .isEqualTo("from A: hello");
        assertThat(a.status().forwarded()).isEqualTo(1);
        assertThat(a.status().forwardMedianMicros()).isPositive();
        org.datafold.api.FoldException timeout = org.assertj.core.api.Assertions.catchThrowableOfType(
                org.datafold.api.FoldException.class,
                () -> a.request(ms.get(1).key(), "hold".getBytes(), Duration.ofMillis(300)));
        release.countDown();
        assertThat(timeout.code()).isEqualTo(org.datafold.api.ErrorCode.TIMEOUT);
        org.datafold.api.FoldException unknown = org.assertj.core.api.Assertions.catchThrowableOfType(
                org.datafold.api.FoldException.class,
                () -> a.request(PublicKeys.of(PublicKeys.generate().getPublic()), "x".getBytes(), WAIT));
        assertThat(unknown.code()).isEqualTo(org.datafold.api.ErrorCode.NOT_FOUND);
        // a node without a handler answers UNAVAILABLE (in the reply), it does not stay silent
        assertThat(new String(b.request(ms.get(0).key(), "x".getBytes(), Duration.ofSeconds(10))))
                .contains("UNAVAILABLE");
        assertThat(a.anomalies()).isEmpty();
        assertThat(b.anomalies()).isEmpty();
    }

    private static DISCARD discard(MeshNode node) {
        return node.channel().getProtocolStack().findProtocol(DISCARD.class);
    }
}
