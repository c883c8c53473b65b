package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.mesh.internal.MeshForger;
import org.junit.Rule;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.Test;

/**
 * The mesh with three real node processes on loopback: they join one view once they trust each
 * other, a test member's forged pattern, forged signature and replayed message are rejected and
 * reported by every node, and a killed node is removed from the others' view; a query forwarded from
 * one node to another is evaluated there with the caller's distance increased by the hop.
 */
public class MeshProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Rule
    public final NodeProcess a = new NodeProcess("mesh-a-");
    @Rule
    public final NodeProcess b = new NodeProcess("mesh-b-");
    @Rule
    public final NodeProcess c = new NodeProcess("mesh-c-");

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
                // the failure detector's port is taken: another one
            }
        }
        throw new IOException("no free port pair");
    }

    private static String shell(NodeProcess node, String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        NodeProcess.Result r = node.datafold(args);
        assertEquals(r.all(), 0, r.exit());
        return r.out();
    }

    private static void configure(NodeProcess node, String cluster, int port, String hosts) throws IOException {
        Files.writeString(node.home().resolve("etc/org.datafold.mesh.cfg"), String.join("\n",
                "enabled = true", "cluster = " + cluster, "bind_port = " + port, "initial_hosts = " + hosts,
                "heartbeat_interval_ms = 500", "") );
    }

    private static String ownerKey(NodeProcess node) throws IOException {
        return Files.readString(node.home().resolve("data/owner.pub")).strip();
    }

    private static int members(NodeProcess node) throws Exception {
        Matcher m = Pattern.compile("\\((\\d+) members\\)").matcher(shell(node, "mesh:status"));
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    @Test
    public void threeNodesJoinRejectForgeriesAndDetectAKilledNode() throws Exception {
        List<NodeProcess> nodes = List.of(a, b, c);
        int[] ports = { freePort(), freePort(), freePort(), freePort() };
        String hosts = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "],127.0.0.1[" + ports[2] + "]";
        String cluster = "it-" + ports[0];
        Process[] processes = new Process[3];
        // Staggered: each node is up (its shell answers) before the next one starts.
        for (int i = 0; i < 3; i++) {
            configure(nodes.get(i), cluster, ports[i], hosts);
            processes[i] = nodes.get(i).start();
            shell(nodes.get(i), "mesh:status");
        }
        try (MeshForger forger = new MeshForger()) {
            // Every node trusts the other two and the test member.
            for (NodeProcess n : nodes) {
                for (NodeProcess other : nodes) {
                    if (other != n) {
                        shell(n, "perm:trust", ownerKey(other), "1");
                    }
                }
                shell(n, "perm:trust", forger.key(), "1", "tester");
            }
            await("three members, each verified by the others").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        for (NodeProcess n : nodes) {
                            String peers = shell(n, "mesh:peers");
                            if (members(n) != 3 || peers.lines().filter(l -> l.contains(" fp:")).count() != 2) {
                                return false;
                            }
                        }
                        return true;
                    });
            String status = shell(a, "mesh:status");
            assertTrue(status, status.contains("Cluster:     " + cluster) && status.contains(ownerKey(a).substring(8)));
            assertTrue(status, status.matches("(?s).*Messages:\\s+\\d+ sent, [1-9]\\d* accepted, 0 rejected.*"));

            forger.join(cluster, ports[3], hosts);
            await("the test member hears the mesh").atMost(WAIT).until(() -> forger.heardStep() > 0);
            forger.sendForgedPattern();
            forger.sendForgedSignature(ownerKey(a).substring("ed25519:".length()));
            forger.sendReplay();
            for (NodeProcess n : List.of(b, c)) {
                String anomalies = await("anomalies reported").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                        .until(() -> shell(n, "mesh:anomalies"), out -> out.contains("PATTERN_MISMATCH")
                                && out.contains("BAD_SIGNATURE") && out.contains("REPLAY"));
                assertTrue(anomalies, anomalies.contains(forger.address()));
            }
            String atA = await().atMost(WAIT).until(() -> shell(a, "mesh:anomalies"),
                    out -> out.contains("PATTERN_MISMATCH") && out.contains("REPLAY"));
            assertTrue(atA, atA.contains("BAD_SIGNATURE"));
            String security = Files.readString(b.home().resolve("logs/security.log"));
            assertTrue(security, security.contains("SECURITY mesh: rejected a message from " + forger.address()));
        }
        await("the test member has left").atMost(WAIT).until(() -> members(a) == 3 && members(b) == 3);

        // kill -9 C: A and B install a view without it and list it as left
        processes[2].toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        processes[2].destroyForcibly();
        assertTrue(processes[2].waitFor(60, TimeUnit.SECONDS));
        await("C removed from the view").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> members(a) == 2 && members(b) == 2);
        String peers = shell(a, "mesh:peers");
        assertTrue(peers, peers.matches("(?s).*fp:\\w+\\s+1\\s+left\\s.*"));
    }

    @Test
    public void aForwardedQueryCarriesTheCallersDistanceToTheTarget() throws Exception {
        int[] ports = { freePort(), freePort() };
        String hosts = "127.0.0.1[" + ports[0] + "],127.0.0.1[" + ports[1] + "]";
        String cluster = "fwd-" + ports[0];
        configure(a, cluster, ports[0], hosts);
        configure(b, cluster, ports[1], hosts);
        a.start();
        shell(a, "mesh:status");
        b.start();
        shell(b, "mesh:status");
        String keyA = ownerKey(a).substring("ed25519:".length());
        String keyB = ownerKey(b).substring("ed25519:".length());
        // B holds Contact (email: read Distance 1) and trusts node A at distance 1; A trusts a friend at 1.
        shell(b, "schema:approve", "Contact");
        shell(b, "fold:mutate", "Contact", "create", "{\"name\": \"Ada\", \"email\": \"ada@example.org\"}");
        shell(b, "perm:trust", keyA, "1", "nodea");
        shell(a, "perm:trust", keyB, "1", "nodeb");
        Path friendKey = a.home().getParent().resolve("friend.key");
        NodeProcess.Result keygen = a.client("keygen", friendKey.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        shell(a, "perm:trust", keygen.out().strip(), "1", "friend");
        await("A sees B holding Contact").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> shell(a, "mesh:holders", "Contact"), out -> out.contains(keyB));

        // The owner of A (distance 0 at A) ends up at 0 + 1 = 1 at B: email is readable.
        String asOwner = shell(a, "mesh:query", "nodeb", "Contact", "name,email");
        assertTrue(asOwner, asOwner.contains("\"ada@example.org\"") && asOwner.contains("\"Ada\""));
        String foldQuery = shell(a, "fold:query", "--node", keyB, "Contact", "name,email");
        assertTrue(foldQuery, foldQuery.contains("\"ada@example.org\"") && foldQuery.contains("\"Ada\""));
        // The friend (distance 1 at A) ends up at 1 + 1 = 2 at B: email is denied, name (NoRequirement) is not.
        String asFriend = shell(a, "mesh:query", "--as", "friend", "nodeb", "Contact", "name,email");
        assertTrue(asFriend, asFriend.contains("\"Ada\"") && !asFriend.contains("ada@example.org")
                && asFriend.contains("PERMISSION_DENIED") && asFriend.contains("distance 2"));
        String foldAsFriend = shell(a, "fold:query", "--as", "friend", "--node", "nodeb", "Contact", "name,email");
        assertTrue(foldAsFriend, foldAsFriend.contains("\"Ada\"") && !foldAsFriend.contains("ada@example.org")
                && foldAsFriend.contains("PERMISSION_DENIED"));
        // The same through A's app socket: "node" in the query payload, the friend's own connection.
        Path socket = a.home().resolve("run/datafold.sock");
        try (DataFoldClient client = DataFoldClient.connect(ClientConfig.of(socket, ClientKey.load(friendKey)))) {
            ObjectNode payload = JsonNodeFactory.instance.objectNode();
            payload.put("schema", "Contact");
            payload.putArray("fields").add("name").add("email");
            payload.put("node", keyB);
            String viaSocket = client.call("query", payload).toString();
            assertTrue(viaSocket, viaSocket.contains("Ada") && !viaSocket.contains("ada@example.org")
                    && viaSocket.contains("PERMISSION_DENIED"));
        }
        // Failures carry stable codes, never a made-up result.
        NodeProcess.Result unknownSchema = a.datafold("shell", "mesh:query", "nodeb", "Nope", "x");
        assertTrue(unknownSchema.all(), unknownSchema.exit() != 0 && unknownSchema.all().contains("SCHEMA_NOT_FOUND"));
        NodeProcess.Result notMember = a.datafold("shell", "mesh:query", "friend", "Contact", "name");
        assertTrue(notMember.all(), notMember.exit() != 0 && notMember.all().contains("NOT_FOUND"));
    }
}
