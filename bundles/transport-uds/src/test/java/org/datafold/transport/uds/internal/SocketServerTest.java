package org.datafold.transport.uds.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.testsupport.FakePermissions;
import org.datafold.transport.uds.internal.command.SockCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import com.fasterxml.jackson.databind.JsonNode;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketServerTest extends ServerFixture {

    @BeforeEach
    void start() throws Exception {
        server = start(settings(sock, 300));
    }

    static SocketServer.Settings settings(Path path, int maxConnections) {
        return new SocketServer.Settings(path, "", Set.of(), Set.of(), 64 * 1024, maxConnections, 4,
                Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofSeconds(5));
    }

    @Test
    void greetingCarriesAFreshChallengeAndTheNodeId() throws Exception {
        try (RawClient a = new RawClient(sock); RawClient b = new RawClient(sock)) {
            assertThat(a.greeting.get("request_id").isNull()).isTrue();
            assertThat(a.greeting.path("status").asText()).isEqualTo("ok");
            assertThat(a.greeting.path("data").path("greeting").asText()).isEqualTo("datafold");
            assertThat(a.greeting.path("data").path("protocol_versions").toString()).isEqualTo("[1]");
            assertThat(a.nodeId()).isEqualTo(NODE_ID);
            assertThat(java.util.Base64.getDecoder().decode(a.challenge())).hasSize(32);
            assertThat(a.challenge()).isNotEqualTo(b.challenge());
        }
    }

    @Test
    void helloNegotiatesVersionOne() throws Exception {
        try (RawClient c = new RawClient(sock)) {
            JsonNode r = c.call("1", "hello", "{\"protocol_versions\": [1, 2]}");
            assertThat(r.path("request_id").asText()).isEqualTo("1");
            assertThat(r.path("data").path("protocol_version").asInt()).isEqualTo(1);
            assertThat(r.path("data").path("challenge").asText()).isEqualTo(c.challenge());
            assertThat(code(c.call("2", "hello", "{\"protocol_versions\": [7]}"))).isEqualTo("UNSUPPORTED_PROTOCOL");
            assertThat(code(c.call("3", "hello", "{}"))).isEqualTo("MALFORMED_REQUEST");
        }
    }

    @Test
    void authenticatedRequestsActAsTheKey() throws Exception {
        try (RawClient c = new RawClient(sock)) {
            JsonNode auth = c.authenticate(app);
            assertThat(auth.path("status").asText()).isEqualTo("ok");
            assertThat(auth.path("data").path("public_key").asText()).isEqualTo(RawClient.publicKey(app));
            assertThat(auth.path("data").path("trust_distance").asInt()).isEqualTo(1);
            JsonNode m = c.call("m1", "mutate",
                    "{\"schema\": \"Note\", \"mutation_type\": \"create\", \"values\": {\"title\": \"Groceries\"}}");
            assertThat(m.path("status").asText()).as(m.toString()).isEqualTo("ok");
            String uuid = m.path("data").path("atoms").path("title").asText();
            JsonNode q = c.call("q1", "query", "{\"schema\": \"Note\", \"fields\": [\"title\", \"body\"]}");
            assertThat(q.path("request_id").asText()).isEqualTo("q1");
            assertThat(q.path("data").path("fields").path("title").path("value").asText()).isEqualTo("Groceries");
            assertThat(q.path("data").path("fields").path("title").path("atom_uuid").asText()).isEqualTo(uuid);
            assertThat(q.path("data").path("fields").path("body").path("status").asText()).isEqualTo("NO_VALUE");
            JsonNode h = c.call("h1", "history", "{\"schema\": \"Note\", \"field\": \"title\"}");
            assertThat(h.path("data").path("versions").get(0).path("source").asText()).isEqualTo(RawClient.publicKey(app));
            JsonNode list = c.call("l", "list_schemas", "{}");
            assertThat(list.path("data").path("schemas").toString()).contains("\"Note\"", "\"Approved\"");
            JsonNode state = c.call("s", "schema_state", "{\"name\": \"Draft\"}");
            assertThat(state.path("data").path("state").asText()).isEqualTo("Available");
            JsonNode schema = c.call("g", "get_schema", "{\"name\": \"Note\"}");
            assertThat(schema.path("data").path("fields").has("title")).isTrue();
            assertThat(schema.path("data").path("schema_type").asText()).isEqualTo("Single");
            assertThat(schema.path("data").path("state").asText()).isEqualTo("Approved");
            assertThat(schema.path("data").path("hash").asText()).isEqualTo("hash-Note");
            assertThat(schema.path("data").has("source")).as("apps are not told where a schema came from").isFalse();
            assertThat(schema.path("data").path("fields").path("title").has("ref_atom_uuid")).isFalse();
            JsonNode missing = c.call("x", "get_schema", "{\"name\": \"Nope\"}");
            assertThat(code(missing)).isEqualTo("SCHEMA_NOT_FOUND");
            assertThat(missing.path("status").asText()).isEqualTo("error");
            assertThat(code(c.call("y", "query", "{\"schema\": \"Draft\", \"fields\": [\"title\"]}")))
                    .isEqualTo("SCHEMA_NOT_APPROVED");
        }
    }

    @Test
    void numericRequestIdsAreEchoed() throws Exception {
        try (RawClient c = authed(app)) {
            c.send("{\"request_id\": 77, \"operation_type\": \"list_schemas\", \"payload\": {}}");
            assertThat(c.read().path("request_id").asInt()).isEqualTo(77);
        }
    }

    @Test
    void lifecycleIsForTheOwnerOnly() throws Exception {
        try (RawClient c = authed(app)) {
            assertThat(code(c.call("1", "approve_schema", "{\"name\": \"Draft\"}"))).isEqualTo("PERMISSION_DENIED");
        }
        assertThat(node.states.get("Draft").displayName()).isEqualTo("Available");
        try (RawClient c = new RawClient(sock)) {
            assertThat(c.authenticate(owner).path("data").path("owner").asBoolean()).isTrue();
            JsonNode r = c.call("1", "approve_schema", "{\"name\": \"Draft\"}");
            assertThat(r.path("data").path("state").asText()).isEqualTo("Approved");
            assertThat(c.call("2", "load_schema", "{\"json\": \"{\\\"name\\\": \\\"Loaded\\\"}\"}")
                    .path("data").path("name").asText()).isEqualTo("Loaded");
            assertThat(c.call("3", "block_schema", "{\"name\": \"Loaded\"}").path("data").path("state").asText())
                    .isEqualTo("Blocked");
            assertThat(c.call("4", "unload_schema", "{\"name\": \"Loaded\"}").path("data").path("state").asText())
                    .isEqualTo("Available");
        }
    }

    @Test
    void wrongSignatureIsRefusedAndClosed() throws Exception {
        KeyPair other = RawClient.newKey();
        try (RawClient c = new RawClient(sock)) {
            String pk = RawClient.publicKey(app);
            String sig = RawClient.sign(other, c.nodeId(), c.challenge(), pk);
            JsonNode r = c.call("a", "authenticate", "{\"public_key\": \"" + pk + "\", \"signature\": \"" + sig + "\"}");
            assertThat(code(r)).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(r.path("request_id").asText()).isEqualTo("a");
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(server.stats().authFailures.sum()).isEqualTo(1);
    }

    @Test
    void aChallengeOfAnotherConnectionIsRefused() throws Exception {
        try (RawClient a = new RawClient(sock); RawClient b = new RawClient(sock)) {
            String pk = RawClient.publicKey(app);
            String sigForA = RawClient.sign(app, a.nodeId(), a.challenge(), pk);
            JsonNode r = b.call("1", "authenticate", "{\"public_key\": \"" + pk + "\", \"signature\": \"" + sigForA + "\"}");
            assertThat(code(r)).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(b.closedByServer()).isTrue();
            // a's own challenge is still good for a
            assertThat(a.call("1", "authenticate", "{\"public_key\": \"" + pk + "\", \"signature\": \"" + sigForA + "\"}")
                    .path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void aSecondAuthenticateOnOneConnectionIsRefused() throws Exception {
        try (RawClient c = new RawClient(sock)) {
            String pk = RawClient.publicKey(app);
            String sig = RawClient.sign(app, c.nodeId(), c.challenge(), pk);
            String payload = "{\"public_key\": \"" + pk + "\", \"signature\": \"" + sig + "\"}";
            assertThat(c.call("1", "authenticate", payload).path("status").asText()).isEqualTo("ok");
            assertThat(code(c.call("2", "authenticate", payload))).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void aFailedAttemptUsesTheChallenge() throws Exception {
        try (RawClient c = new RawClient(sock)) {
            String pk = RawClient.publicKey(app);
            c.send("1", "authenticate", RawClient.MAPPER.readTree("{\"public_key\": \"" + pk + "\", \"signature\": \"AAAA\"}"));
            assertThat(code(c.read())).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void malformedKeysAreRefused() throws Exception {
        for (String key : List.of("not base64!", "AAAA", "")) {
            try (RawClient c = new RawClient(sock)) {
                JsonNode r = c.call("1", "authenticate",
                        "{\"public_key\": \"" + key + "\", \"signature\": \"" + "A".repeat(88) + "\"}");
                assertThat(code(r)).as(key).isEqualTo("AUTHENTICATION_FAILED");
                assertThat(r.path("error").path("message").asText()).contains("public key");
            }
        }
        try (RawClient c = new RawClient(sock)) {
            assertThat(code(c.call("1", "authenticate", "{}"))).isEqualTo("AUTHENTICATION_FAILED");
        }
    }

    @Test
    void requestsBeforeAuthenticationAreRefused() throws Exception {
        try (RawClient c = new RawClient(sock)) {
            JsonNode r = c.call("1", "query", "{\"schema\": \"Note\", \"fields\": [\"title\"]}");
            assertThat(code(r)).isEqualTo("UNAUTHENTICATED");
            assertThat(code(c.call("2", "whatever", "{}"))).isEqualTo("UNAUTHENTICATED");
            // still usable: authenticate now
            assertThat(c.authenticate(app).path("status").asText()).isEqualTo("ok");
        }
        assertThat(node.data).isEmpty();
    }

    @Test
    void unknownOperationsAndMissingFieldsAreNamed() throws Exception {
        try (RawClient c = authed(app)) {
            JsonNode r = c.call("1", "drop_everything", "{}");
            assertThat(code(r)).isEqualTo("UNKNOWN_OPERATION");
            assertThat(r.path("request_id").asText()).isEqualTo("1");
            assertThat(code(c.call("2", "query", "{\"schema\": \"Note\"}"))).isEqualTo("MALFORMED_REQUEST");
            assertThat(code(c.call("3", "mutate", "{\"schema\": \"Note\", \"values\": {}}"))).isEqualTo("MALFORMED_REQUEST");
            assertThat(code(c.call("4", "mutate", "{\"schema\": \"Note\", \"mutation_type\": \"upsert\", \"values\": {}}")))
                    .isEqualTo("INVALID_ARGUMENT");
            assertThat(code(c.call("5", "query", "{\"schema\": \"Note\", \"fields\": [\"title\"], \"filter\": {\"Bad\": 1}}")))
                    .isEqualTo("INVALID_ARGUMENT");
            c.send("{\"operation_type\": \"list_schemas\"}");
            JsonNode noId = c.read();
            assertThat(code(noId)).isEqualTo("MALFORMED_REQUEST");
            assertThat(noId.get("request_id").isNull()).isTrue();
            assertThat(c.call("6", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void invalidJsonIsAnsweredAndTheConnectionKeepsWorking() throws Exception {
        try (RawClient c = authed(app)) {
            c.send("{\"request_id\": \"1\", \"operation_type\": ");
            JsonNode r = c.read();
            assertThat(code(r)).isEqualTo("MALFORMED_REQUEST");
            // read before the JSON broke off: echoed
            assertThat(r.path("request_id").asText()).isEqualTo("1");
            c.send("[1, 2, 3]");
            assertThat(code(c.read())).isEqualTo("MALFORMED_REQUEST");
            c.send("");
            assertThat(code(c.read())).isEqualTo("MALFORMED_REQUEST");
            assertThat(c.call("2", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void garbageBytesAreRefused() throws Exception {
        try (RawClient c = authed(app)) {
            // a sane length followed by bytes that are not UTF-8 JSON
            c.writeRaw(new byte[] { 0, 0, 0, 5, (byte) 0xff, (byte) 0xfe, 0, 1, 2 });
            assertThat(code(c.read())).isEqualTo("MALFORMED_REQUEST");
            assertThat(c.call("2", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
        try (RawClient c = authed(app)) {
            // text where the length should be: "GET / HTTP/1.1" reads as a huge length
            c.writeRaw("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            JsonNode r = c.read();
            assertThat(code(r)).isEqualTo("FRAME_TOO_LARGE");
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = authed(app)) {
            c.writeRaw(new byte[] { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff });
            assertThat(code(c.read())).isEqualTo("FRAME_TOO_LARGE");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void oversizedFramesCloseOnlyTheirConnection() throws Exception {
        try (RawClient other = authed(app); RawClient c = authed(app)) {
            c.out.writeInt(64 * 1024 + 1);
            c.out.flush();
            JsonNode r = c.read();
            assertThat(code(r)).isEqualTo("FRAME_TOO_LARGE");
            assertThat(r.path("error").path("details").path("limit").asInt()).isEqualTo(64 * 1024);
            assertThat(c.closedByServer()).isTrue();
            assertThat(other.call("1", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
        // a frame exactly at the limit is read (and answered: it is not JSON)
        try (RawClient c = authed(app)) {
            byte[] big = new byte[64 * 1024];
            java.util.Arrays.fill(big, (byte) ' ');
            c.out.writeInt(big.length);
            c.out.write(big);
            c.out.flush();
            assertThat(code(c.read())).isEqualTo("MALFORMED_REQUEST");
        }
    }

    @Test
    void aTruncatedFrameIsClosedAfterTheReadTimeout() throws Exception {
        try (RawClient other = authed(app); RawClient c = authed(app)) {
            long start = System.nanoTime();
            c.out.writeInt(100);
            c.out.write("{\"request_id\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            c.out.flush();
            JsonNode r = c.read();
            assertThat(code(r)).isEqualTo("TIMEOUT");
            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(other.call("1", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        server.close();
        server = start(new SocketServer.Settings(sock, "", Set.of(), Set.of(), 1024, 10, 2,
                Duration.ofMillis(400), Duration.ofSeconds(5), Duration.ofSeconds(1)));
        try (RawClient c = authed(app)) {
            long start = System.nanoTime();
            JsonNode r = c.read();
            assertThat(code(r)).isEqualTo("TIMEOUT");
            assertThat(r.path("error").path("message").asText()).contains("idle");
            assertThat(c.closedByServer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        }
    }

    @Test
    void aPeerThatDoesNotReadCannotStallTheTimeOuts() throws Exception {
        server.close();
        server = start(new SocketServer.Settings(sock, "", Set.of(), Set.of(), 1024, 10, 2,
                Duration.ofMillis(400), Duration.ofSeconds(5), Duration.ofSeconds(1)));
        try (RawClient hog = authed(app); RawClient idle = authed(app)) {
            // Requests whose responses are never read: the server ends up blocked writing to it.
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 100_000; i++) {
                        hog.send("{\"request_id\": \"" + i + "\", \"operation_type\": \"list_schemas\"}");
                    }
                } catch (IOException closedByTheServer) {
                    // expected: the server gives up on the connection
                }
            }, "hog");
            writer.setDaemon(true);
            writer.start();
            JsonNode r = idle.read();
            assertThat(code(r)).isEqualTo("TIMEOUT");
            assertThat(idle.closedByServer()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections() == 0);
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
        }
    }

    @Test
    @SuppressWarnings("try")
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        server.close();
        server = start(settings(sock, 2));
        try (RawClient a = new RawClient(sock); RawClient b = new RawClient(sock); RawClient c = new RawClient(sock)) {
            assertThat(code(c.greeting)).isEqualTo("TOO_MANY_CONNECTIONS");
            assertThat(c.closedByServer()).isTrue();
            assertThat(a.authenticate(app).path("status").asText()).isEqualTo("ok");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.activeConnections() == 0);
        try (RawClient d = new RawClient(sock)) {
            assertThat(d.greeting.path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void peersOutsideTheAllowedUidsAreRefused() throws Exception {
        server.close();
        server = start(new SocketServer.Settings(sock, "", Set.of(4_000_000_000L), Set.of(), 1024, 10, 2,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        try (RawClient c = new RawClient(sock)) {
            assertThat(code(c.greeting)).isEqualTo("PERMISSION_DENIED");
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawClient c = authed(app)) {
            for (int i = 0; i < 200; i++) {
                if (i % 2 == 0) {
                    c.send("r" + i, "mutate", RawClient.MAPPER.readTree(
                            "{\"schema\": \"Note\", \"mutation_type\": \"create\", \"values\": {\"n\": " + i + "}}"));
                } else {
                    c.send("r" + i, "query", RawClient.MAPPER.readTree("{\"schema\": \"Note\", \"fields\": [\"n\"]}"));
                }
            }
            for (int i = 0; i < 200; i++) {
                JsonNode r = c.read();
                assertThat(r.path("request_id").asText()).isEqualTo("r" + i);
                assertThat(r.path("status").asText()).isEqualTo("ok");
                if (i % 2 == 1) {
                    // the query sees the mutation just before it
                    assertThat(r.path("data").path("fields").path("n").path("value").asInt()).isEqualTo(i - 1);
                }
            }
        }
    }

    @Test
    void socketIs0660InA0750Folder() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent()))).isEqualTo("rwxr-x---");
    }

    @Test
    void theConfiguredGroupGetsTheFolderAndTheSocket() throws Exception {
        String group = "nogroup";
        org.junit.jupiter.api.Assumptions.assumeTrue(
                ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue() == 0
                        && Files.readAllLines(Path.of("/etc/group")).stream().anyMatch(l -> l.startsWith(group + ":")),
                "needs root and a group named " + group);
        server.close();
        server = start(new SocketServer.Settings(sock, group, Set.of(), Set.of(), 1024, 10, 2,
                Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThat(Files.readAttributes(sock, java.nio.file.attribute.PosixFileAttributes.class).group().getName())
                .isEqualTo(group);
        assertThat(Files.readAttributes(sock.getParent(), java.nio.file.attribute.PosixFileAttributes.class).group()
                .getName()).isEqualTo(group);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
    }

    @Test
    void anUnknownGroupIsAConfigurationError() throws Exception {
        server.close();
        assertThatThrownBy(() -> start(new SocketServer.Settings(sock, "no-such-group-xyz", Set.of(), Set.of(), 1024,
                10, 2, Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(1))))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID));
        server = null;
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        server.close();
        assertThat(sock).doesNotExist();
        AFUNIXServerSocket crashed = AFUNIXServerSocket.newInstance();
        crashed.setDeleteOnClose(false);
        crashed.bind(AFUNIXSocketAddress.of(sock));
        crashed.close();
        assertThat(sock).exists();
        server = start(settings(sock, 10));
        try (RawClient c = new RawClient(sock)) {
            assertThat(c.greeting.path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void aLiveSocketOfAnotherNodeIsRefused() throws Exception {
        assertThatThrownBy(() -> start(settings(sock, 10)))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("another node is running");
        try (RawClient c = new RawClient(sock)) {
            assertThat(c.greeting.path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void mutationsAndAuthenticationTakeNoWorkerPermit() throws Exception {
        server.close();
        // One worker, held by a slow query.
        server = start(new SocketServer.Settings(sock, "", Set.of(), Set.of(), 64 * 1024, 10, 1,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5)));
        try (RawClient busy = authed(app); RawClient waiting = authed(app)) {
            busy.send("slow", "query", RawClient.MAPPER.readTree("{\"schema\": \"Slow\", \"fields\": [\"title\"]}"));
            assertThat(node.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
            waiting.send("queued", "list_schemas", RawClient.MAPPER.readTree("{}"));
            try (RawClient writer = authed(app)) {
                JsonNode written = writer.call("w", "mutate",
                        "{\"schema\": \"Note\", \"mutation_type\": \"create\", \"values\": {\"title\": \"x\"}}");
                assertThat(written.path("status").asText()).as(written.toString()).isEqualTo("ok");
            }
            assertThat(server.stats().op("list_schemas").count.sum()).as("the query behind the held permit waits")
                    .isZero();
            node.release.countDown();
            assertThat(busy.read().path("status").asText()).isEqualTo("ok");
            assertThat(waiting.read().path("request_id").asText()).isEqualTo("queued");
        }
    }

    @Test
    void shutdownFinishesInFlightRequestsAndRefusesNewOnes() throws Exception {
        try (RawClient busy = authed(app); RawClient idle = authed(app)) {
            busy.send("slow", "query", RawClient.MAPPER.readTree("{\"schema\": \"Slow\", \"fields\": [\"title\"]}"));
            assertThat(node.slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(sock));
            JsonNode refused = idle.call("late", "list_schemas", "{}");
            assertThat(code(refused)).isEqualTo("SHUTTING_DOWN");
            assertThat(refused.path("request_id").asText()).isEqualTo("late");
            assertThat(idle.closedByServer()).isTrue();
            node.release.countDown();
            JsonNode done = busy.read();
            assertThat(done.path("request_id").asText()).isEqualTo("slow");
            assertThat(done.path("status").asText()).isEqualTo("ok");
            closing.get(15, TimeUnit.SECONDS);
            assertThat(busy.closedByServer()).isTrue();
            assertThat(server.isStopped()).isTrue();
        }
        assertThat(sock).doesNotExist();
        assertThatThrownBy(() -> new RawClient(sock)).isInstanceOf(IOException.class);
    }

    @Test
    void twoHundredClientsLoseNothing() throws Exception {
        int clients = 200;
        int requests = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                Callable<Integer> task = () -> {
                    int ok = 0;
                    try (RawClient c = authed(app)) {
                        String field = "f" + client;
                        for (int j = 0; j < requests; j++) {
                            String id = client + "-" + j;
                            JsonNode r;
                            if (j % 2 == 0) {
                                r = c.call(id, "mutate", "{\"schema\": \"Note\", \"mutation_type\": \"create\", \"values\": {\""
                                        + field + "\": " + j + "}}");
                            } else {
                                r = c.call(id, "query", "{\"schema\": \"Note\", \"fields\": [\"" + field + "\"]}");
                                assertThat(r.path("data").path("fields").path(field).path("value").asInt()).isEqualTo(j - 1);
                            }
                            assertThat(r.path("request_id").asText()).isEqualTo(id);
                            assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ok");
                            ok++;
                        }
                    }
                    return ok;
                };
                results.add(pool.submit(task));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(50, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(clients * requests);
            for (int i = 0; i < clients; i++) {
                assertThat(node.data.get("Note.f" + i)).hasSize(requests / 2);
            }
            assertThat(server.stats().op("mutate").count.sum()).isEqualTo(clients * requests / 2);
            assertThat(server.stats().op("query").latency.percentileMicros(0.5)).isGreaterThan(0);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void statsAndConnectionsRender() throws Exception {
        try (RawClient c = authed(app)) {
            c.call("1", "list_schemas", "{}");
            c.call("2", "nope", "{}");
            String stats = SockCommands.render(server);
            assertThat(stats).contains("list_schemas", "UNKNOWN_OPERATION=1", "1 ok, 0 failed");
            assertThat(server.connections()).hasSize(1);
            SocketServer.ConnectionInfo info = server.connections().get(0);
            assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(info.key()).startsWith("fp:");
        }
    }
}
