package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Query;
import org.junit.Test;

/**
 * The app socket server (bundle transport-uds) in the real runtime, spoken to with raw frames from a
 * plain JDK client (4-byte length, UTF-8 JSON; Ed25519 authentication; docs/protocol.md).
 */
public class UdsServerIT extends NodeTestBase {

    static final String NOTE = """
            {
              "name": "ItSockNote",
              "schema_type": "Single",
              "payment_config": {"base_multiplier": 1.0, "min_payment_threshold": 0},
              "fields": {
                "title": {
                  "field_type": "Single",
                  "permission_policy": {"read_policy": {"NoRequirement": null}, "write_policy": {"Distance": 1}},
                  "payment_config": {"base_multiplier": 1.0, "trust_distance_scaling": "None", "min_payment": null},
                  "field_mappers": {}
                },
                "secret": {
                  "field_type": "Single",
                  "permission_policy": {"read_policy": {"Distance": 0}, "write_policy": {"Distance": 0}},
                  "payment_config": {"base_multiplier": 1.0, "trust_distance_scaling": "None", "min_payment": null},
                  "field_mappers": {}
                }
              }
            }
            """;

    @Inject
    CommandProcessor processor;

    @Inject
    FoldNode node;

    @Inject
    PermissionService permissions;

    private static Path socket() {
        return Path.of(System.getProperty("datafold.home")).resolve("run/datafold.sock");
    }

    static String publicKey(KeyPair kp) {
        byte[] spki = kp.getPublic().getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    private static final class Conn implements AutoCloseable {
        final SocketChannel ch;
        final DataInputStream in;
        final DataOutputStream out;
        final String greeting;

        Conn() throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket().toRealPath())); // the node links a deep path to a short one
            in = new DataInputStream(Channels.newInputStream(ch));
            out = new DataOutputStream(Channels.newOutputStream(ch));
            greeting = read();
        }

        static String field(String json, String name) {
            Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
            assertTrue(name + " in " + json, m.find());
            return m.group(1);
        }

        void send(String json) throws IOException {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
            out.flush();
        }

        String read() throws IOException {
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        String call(String id, String op, String payload) throws IOException {
            send("{\"request_id\":\"" + id + "\",\"operation_type\":\"" + op + "\",\"payload\":" + payload + "}");
            return read();
        }

        String authenticate(KeyPair kp) throws Exception {
            String pk = publicKey(kp);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(kp.getPrivate());
            s.update(("datafold-auth-v1\n" + field(greeting, "node_id") + "\n" + field(greeting, "challenge") + "\n" + pk)
                    .getBytes(StandardCharsets.UTF_8));
            String sig = Base64.getEncoder().encodeToString(s.sign());
            return call("auth", "authenticate", "{\"public_key\":\"" + pk + "\",\"signature\":\"" + sig + "\"}");
        }

        boolean closedByServer() {
            try {
                return in.read() < 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Test
    public void socketIs0660AndItsFolderClosedToOthers() throws IOException {
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket().getParent())));
    }

    @Test
    public void authenticatedKeyCanTalkToTheNode() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (Conn c = new Conn()) {
            assertTrue(c.greeting, c.greeting.contains("\"greeting\":\"datafold\""));
            assertTrue(c.call("0", "list_schemas", "{}").contains("\"code\":\"UNAUTHENTICATED\""));
            String auth = c.authenticate(kp);
            assertTrue(auth, auth.contains("\"status\":\"ok\""));
            String list = c.call("1", "list_schemas", "{}");
            assertTrue(list, list.contains("\"request_id\":\"1\"") && list.contains("\"schemas\""));
            String missing = c.call("2", "query", "{\"schema\":\"NoSuchSchema\",\"fields\":[\"a\"]}");
            assertTrue(missing, missing.contains("\"code\":\"SCHEMA_NOT_FOUND\""));
            String lifecycle = c.call("3", "approve_schema", "{\"name\":\"NoSuchSchema\"}");
            assertTrue(lifecycle, lifecycle.contains("\"code\":\"PERMISSION_DENIED\""));
            String unknown = c.call("4", "frobnicate", "{}");
            assertTrue(unknown, unknown.contains("\"code\":\"UNKNOWN_OPERATION\""));
            String connections = Gogo.run(processor, "sock:connections");
            assertTrue(connections, connections.contains("fp:"));
        }
        String stats = Gogo.run(processor, "sock:stats");
        assertTrue(stats, stats.contains("list_schemas") && stats.contains("UNKNOWN_OPERATION=1"));
    }

    @Test
    public void wrongSignatureIsRefusedAndClosed() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (Conn c = new Conn()) {
            String pk = publicKey(kp);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(other.getPrivate());
            s.update(("datafold-auth-v1\n" + Conn.field(c.greeting, "node_id") + "\n"
                    + Conn.field(c.greeting, "challenge") + "\n" + pk).getBytes(StandardCharsets.UTF_8));
            String r = c.call("a", "authenticate", "{\"public_key\":\"" + pk + "\",\"signature\":\""
                    + Base64.getEncoder().encodeToString(s.sign()) + "\"}");
            assertTrue(r, r.contains("\"code\":\"AUTHENTICATION_FAILED\""));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    public void dataThroughTheSocketWithPermissions() throws Exception {
        node.loadSchema(NOTE, "itest");
        node.approve("ItSockNote");
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pk = publicKey(kp);
        try (Conn c = new Conn(); Conn bad = new Conn()) {
            String auth = c.authenticate(kp);
            assertTrue(auth, auth.contains("\"trust_distance\":null"));
            String mutate = "{\"schema\":\"ItSockNote\",\"mutation_type\":\"create\",\"values\":{\"title\":\"Groceries\"}}";
            // an unknown key (unlimited distance) writes nothing
            String denied = c.call("1", "mutate", mutate);
            assertTrue(denied, denied.contains("\"code\":\"PERMISSION_DENIED\""));
            permissions.trust(pk, 1, "itsockapp");
            String ok = c.call("2", "mutate", mutate);
            assertTrue(ok, ok.contains("\"status\":\"ok\"") && ok.contains("\"atoms\":{\"title\":"));
            String secret = c.call("3", "mutate",
                    "{\"schema\":\"ItSockNote\",\"mutation_type\":\"create\",\"values\":{\"secret\":\"x\"}}");
            assertTrue(secret, secret.contains("\"code\":\"PERMISSION_DENIED\""));
            String q = c.call("4", "query", "{\"schema\":\"ItSockNote\",\"fields\":[\"title\",\"secret\"]}");
            assertTrue(q, q.contains("\"title\":{\"value\":\"Groceries\""));
            assertTrue(q, q.contains("\"secret\":{\"status\":\"NO_VALUE\"")
                    || q.contains("\"secret\":{\"status\":\"DENIED\",\"code\":\"PERMISSION_DENIED\""));
            String h = c.call("5", "history", "{\"schema\":\"ItSockNote\",\"field\":\"title\"}");
            assertTrue(h, h.contains("\"value\":\"Groceries\"") && h.contains("\"source\":\"" + pk + "\""));
            // malformed input on another connection changes nothing
            bad.send("{not json");
            assertTrue(bad.read().contains("\"code\":\"MALFORMED_REQUEST\""));
            bad.out.writeInt(3);
            bad.out.write(new byte[] { (byte) 0xff, 0, 1 });
            bad.out.flush();
            assertTrue(bad.read().contains("\"code\":\"MALFORMED_REQUEST\""));
            bad.out.writeInt(64 * 1024 * 1024);
            bad.out.flush();
            assertTrue(bad.read().contains("\"code\":\"FRAME_TOO_LARGE\""));
            assertTrue(bad.closedByServer());
            String again = c.call("6", "query", "{\"schema\":\"ItSockNote\",\"fields\":[\"title\"]}");
            assertTrue(again, again.contains("\"value\":\"Groceries\""));
        } finally {
            permissions.untrust(pk);
        }
        assertEquals("Groceries", node.query(Caller.localOwner(), Query.of("ItSockNote", List.of("title")))
                .rows().get(0).fields().get("title").value());
    }
}
