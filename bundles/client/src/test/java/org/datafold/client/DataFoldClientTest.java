package org.datafold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.datafold.client.DataFoldClientException.AuthenticationFailed;
import org.datafold.client.DataFoldClientException.ConnectionFailed;
import org.datafold.client.DataFoldClientException.InvalidResponse;
import org.datafold.client.DataFoldClientException.OperationFailed;
import org.datafold.client.DataFoldClientException.Timeout;

class DataFoldClientTest {
    @TempDir
    Path dir;

    private FakeNode node;
    private final ClientKey key = ClientKey.generate();

    @BeforeEach
    void start() throws IOException {
        node = new FakeNode(dir);
    }

    @AfterEach
    void stop() throws IOException {
        node.close();
    }

    private DataFoldClient connect() {
        return DataFoldClient.connect(ClientConfig.of(node.socket, key).withRequestTimeout(Duration.ofSeconds(10)));
    }

    @Test
    void authenticatesWithASignatureTheNodeCanVerify() {
        try (DataFoldClient client = connect()) {
            assertThat(client.nodeId()).isEqualTo(FakeNode.NODE_ID);
            assertThat(client.protocolVersion()).isEqualTo(1);
            assertThat(client.trustDistance()).isZero();
            assertThat(client.publicKey()).isEqualTo(key.publicKey());
            assertThat(node.lastPublicKey).isEqualTo(key.publicKey());
            byte[] signed = ("datafold-auth-v1\n" + FakeNode.NODE_ID + "\n" + node.lastChallenge + "\n" + key.publicKey())
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(DataFoldClient.signedText(FakeNode.NODE_ID, node.lastChallenge, key.publicKey())).isEqualTo(signed);
            assertThat(ClientKey.verify(key.publicKey(), signed, node.lastSignature)).isTrue();
            assertThat(ClientKey.verify(ClientKey.generate().publicKey(), signed, node.lastSignature)).isFalse();
            assertThat(node.authenticated.get()).isEqualTo(1);
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void refusedKeyIsAuthenticationFailed() {
        node.refuseAuth = true;
        assertThatThrownBy(this::connect).isInstanceOf(AuthenticationFailed.class)
                .satisfies(e -> assertThat(((DataFoldClientException) e).code()).isEqualTo("AUTHENTICATION_FAILED"))
                .hasMessageContaining("signature refused");
    }

    @Test
    void noCommonProtocolVersionIsConnectionFailed() {
        node.versions = List.of(2, 3);
        assertThatThrownBy(this::connect).isInstanceOf(ConnectionFailed.class)
                .satisfies(e -> assertThat(((DataFoldClientException) e).code()).isEqualTo("UNSUPPORTED_PROTOCOL"));
    }

    @Test
    void nodeThatNeverGreetsIsATimeoutWithinTheConnectTimeout() throws Exception {
        Path sock = dir.resolve("mute.sock");
        try (ServerSocketChannel mute = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            mute.bind(UnixDomainSocketAddress.of(sock)); // accepts into the backlog, never answers
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> DataFoldClient.connect(ClientConfig.of(sock, key).withConnectTimeout(Duration.ofMillis(300))))
                    .isInstanceOf(Timeout.class).hasMessageContaining("greeting");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void refusalInsteadOfAGreetingIsConnectionFailedWithItsCode() throws Exception {
        Path sock = dir.resolve("full.sock");
        try (ServerSocketChannel full = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            full.bind(UnixDomainSocketAddress.of(sock));
            Thread t = new Thread(() -> {
                try (SocketChannel ch = full.accept()) {
                    byte[] body = "{\"request_id\": null, \"status\": \"error\", \"error\": {\"code\": \"TOO_MANY_CONNECTIONS\", \"message\": \"512 connections\"}}"
                            .getBytes(StandardCharsets.UTF_8);
                    ch.write(ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip());
                } catch (IOException e) {
                    // test fails below
                }
            });
            t.start();
            assertThatThrownBy(() -> DataFoldClient.connect(ClientConfig.of(sock, key))).isInstanceOf(ConnectionFailed.class)
                    .hasMessageContaining("512 connections")
                    .satisfies(e -> assertThat(((DataFoldClientException) e).code()).isEqualTo("TOO_MANY_CONNECTIONS"));
            t.join(5000);
        }
    }

    @Test
    void missingSocketIsConnectionFailed() throws IOException {
        assertThatThrownBy(() -> DataFoldClient.connect(ClientConfig.of(dir.resolve("nothing.sock"), key)))
                .isInstanceOf(ConnectionFailed.class).hasMessageContaining("nothing.sock")
                .satisfies(e -> assertThat(((DataFoldClientException) e).code()).isEqualTo("CONNECTION_FAILED"));
        Path plain = Files.writeString(dir.resolve("plain.sock"), "not a socket");
        assertThatThrownBy(() -> DataFoldClient.connect(ClientConfig.of(plain, key))).isInstanceOf(ConnectionFailed.class);
    }

    @Test
    void staleSocketFileIsConnectionFailed() throws IOException {
        Path sock = node.socket;
        node.close(); // the listener is gone, its file stays: connection refused
        assertThat(sock).exists();
        assertThatThrownBy(() -> DataFoldClient.connect(ClientConfig.of(sock, key))).isInstanceOf(ConnectionFailed.class);
    }

    @Test
    void pipelinedRequestsFromManyThreadsGetTheirOwnResponses() throws Exception {
        try (DataFoldClient client = connect()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<CompletableFuture<JsonNode>> async = new ArrayList<>();
                    for (int i = 0; i < 150; i++) {
                        String marker = thread + "-" + i;
                        if (i % 3 == 0) {
                            JsonNode data = client.call("echo", FakeNode.JSON.createObjectNode().put("marker", marker));
                            assertThat(data.path("echo").path("marker").asText()).isEqualTo(marker);
                        } else {
                            async.add(client.callAsync("echo", FakeNode.JSON.createObjectNode().put("marker", marker)));
                        }
                    }
                    int checked = 0;
                    int n = 0;
                    for (int i = 0; i < 150; i++) {
                        if (i % 3 != 0) {
                            JsonNode data = async.get(n++).get(10, TimeUnit.SECONDS);
                            assertThat(data.path("echo").path("marker").asText()).isEqualTo(thread + "-" + i);
                            checked++;
                        }
                    }
                    return checked;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(total).isEqualTo(8 * 100);
            assertThat(node.requests).hasSize(8 * 150);
            assertThat(node.outOfOrder.get()).as("the fake answered out of order").isPositive();
            assertThat(node.requests.stream().map(r -> r.path("request_id").asText()).distinct().count())
                    .as("request ids are unique").isEqualTo(8 * 150);
        }
    }

    @Test
    void unansweredRequestTimesOutAndTheConnectionStaysUsable() {
        node.responder = req -> req.path("operation_type").asText().equals("silent") ? null
                : FakeNode.JSON.createObjectNode().put("fine", true);
        try (DataFoldClient client = DataFoldClient.connect(ClientConfig.of(node.socket, key)
                .withRequestTimeout(Duration.ofMillis(300)))) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> client.call("silent", null)).isInstanceOf(Timeout.class)
                    .hasMessageContaining("silent")
                    .satisfies(e -> assertThat(((DataFoldClientException) e).code()).isEqualTo("TIMEOUT"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(client.call("other", null).path("fine").asBoolean()).isTrue();
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void errorResponseIsOperationFailedWithItsCode() {
        node.responder = req -> FakeNode.error(null, "SCHEMA_NOT_APPROVED", "schema Note is Available, not Approved");
        try (DataFoldClient client = connect()) {
            assertThatThrownBy(() -> client.query("Note", "title")).isInstanceOf(OperationFailed.class)
                    .hasMessage("schema Note is Available, not Approved")
                    .satisfies(e -> {
                        OperationFailed f = (OperationFailed) e;
                        assertThat(f.code()).isEqualTo("SCHEMA_NOT_APPROVED");
                        assertThat(f.operation()).isEqualTo("query");
                        assertThat(f.details()).containsEntry("schema", "Note");
                    });
            assertThat(client.isOpen()).as("an error answer does not hurt the connection").isTrue();
        }
    }

    @Test
    void paymentRequiredIsOperationFailed() {
        node.responder = req -> FakeNode.JSON.createObjectNode().put("status", "payment_required");
        try (DataFoldClient client = connect()) {
            assertThatThrownBy(() -> client.query("Contact", "email")).isInstanceOf(OperationFailed.class)
                    .satisfies(e -> assertThat(((OperationFailed) e).code()).isEqualTo("PAYMENT_REQUIRED"));
        }
    }

    @Test
    void frameThatIsNotJsonIsInvalidResponse() {
        node.responder = req -> new BinaryNode("{not json".getBytes(StandardCharsets.UTF_8));
        try (DataFoldClient client = connect()) {
            assertThatThrownBy(() -> client.call("x", null)).isInstanceOf(InvalidResponse.class)
                    .satisfies(e -> assertThat(((DataFoldClientException) e).code()).isEqualTo("INVALID_RESPONSE"));
            assertThat(client.isOpen()).as("a broken stream is not used again").isFalse();
            assertThatThrownBy(() -> client.call("y", null)).isInstanceOf(InvalidResponse.class);
        }
    }

    @Test
    void responseWithUnknownStatusOrShapeIsInvalidResponse() {
        node.responder = req -> req.path("operation_type").asText().equals("query")
                ? FakeNode.JSON.createObjectNode().put("unexpected", 1)
                : FakeNode.JSON.createObjectNode().put("status", "maybe");
        try (DataFoldClient client = connect()) {
            assertThatThrownBy(() -> client.call("x", null)).isInstanceOf(InvalidResponse.class).hasMessageContaining("maybe");
            assertThatThrownBy(() -> client.query("Note", "title")).isInstanceOf(InvalidResponse.class);
            assertThat(client.isOpen()).as("one odd response does not close the connection").isTrue();
        }
    }

    @Test
    void oversizedFrameIsInvalidResponse() {
        node.responder = req -> FakeNode.JSON.createObjectNode().put("big", "x".repeat(5000));
        try (DataFoldClient client = DataFoldClient.connect(ClientConfig.of(node.socket, key).withMaxFrameBytes(1000))) {
            assertThatThrownBy(() -> client.call("x", null)).isInstanceOf(InvalidResponse.class).hasMessageContaining("limit 1000");
        }
    }

    @Test
    void nodeClosingTheConnectionFailsPendingRequests() throws Exception {
        java.util.concurrent.CountDownLatch received = new java.util.concurrent.CountDownLatch(1);
        node.responder = req -> {
            received.countDown();
            return null;
        };
        try (DataFoldClient client = connect()) {
            CompletableFuture<JsonNode> pending = client.callAsync("silent", null);
            assertThat(received.await(5, TimeUnit.SECONDS)).as("the node received the request").isTrue();
            node.dropConnections();
            assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionFailed.class);
            assertThatThrownBy(() -> client.call("again", null)).isInstanceOf(ConnectionFailed.class);
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void closeFailsPendingRequestsAndLaterCalls() {
        node.responder = req -> null;
        DataFoldClient client = connect();
        CompletableFuture<JsonNode> pending = client.callAsync("silent", null);
        client.close();
        client.close();
        assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionFailed.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> client.listSchemas()).isInstanceOf(ConnectionFailed.class);
    }

    @Test
    void queryBuilderSendsTheProtocolPayloadAndReadsOutcomes() throws Exception {
        node.responder = req -> {
            try {
                return FakeNode.JSON.readTree("""
                        {"schema": "Note", "fields": {
                           "title": {"value": "Groceries", "atom_uuid": "a1", "history": [
                              {"uuid": "a1", "value": "Groceries", "status": "ACTIVE", "created_at": "2026-11-25T00:00:01Z", "source": "k", "prev": null}]},
                           "body": {"status": "NO_VALUE"},
                           "secret": {"status": "DENIED", "code": "PERMISSION_DENIED", "message": "read of Note.secret denied"}}}
                        """);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
        try (DataFoldClient client = connect()) {
            QueryResult r = client.query("Note").fields("title", "body").fields(List.of("secret"))
                    .filter(RangeFilter.keyRange("a", "m")).history(5).execute();
            JsonNode sent = node.requests.peek();
            assertThat(sent.path("operation_type").asText()).isEqualTo("query");
            assertThat(sent.path("payload").toString()).isEqualTo(
                    "{\"schema\":\"Note\",\"fields\":[\"title\",\"body\",\"secret\"],\"filter\":{\"KeyRange\":{\"start\":\"a\",\"end\":\"m\"}},"
                            + "\"include_history\":true,\"history_limit\":5}");
            assertThat(r.schema()).isEqualTo("Note");
            assertThat(r.isRange()).isFalse();
            assertThat(r.field("title").isOk()).isTrue();
            assertThat(r.field("title").asText()).isEqualTo("Groceries");
            assertThat(r.field("title").atomUuid()).isEqualTo("a1");
            assertThat(r.field("title").history()).singleElement().satisfies(v -> {
                assertThat(v.uuid()).isEqualTo("a1");
                assertThat(v.prev()).isNull();
                assertThat(v.createdAt()).isEqualTo("2026-11-25T00:00:01Z");
            });
            assertThat(r.field("body").status()).isEqualTo("NO_VALUE");
            assertThat(r.field("secret").isDenied()).isTrue();
            assertThat(r.field("secret").code()).isEqualTo("PERMISSION_DENIED");
        }
    }

    @Test
    void rangeQueryRows() {
        node.responder = req -> {
            ObjectNode data = FakeNode.JSON.createObjectNode().put("schema", "Reading");
            ObjectNode rows = data.putObject("rows");
            rows.putObject("k1").putObject("temp").put("value", 20.5).put("atom_uuid", "u1");
            rows.putObject("k2").putObject("temp").put("status", "NO_VALUE");
            return data;
        };
        try (DataFoldClient client = connect()) {
            QueryResult r = client.query("Reading").fields("temp").filter(RangeFilter.keyPrefix("k")).execute();
            assertThat(r.isRange()).isTrue();
            assertThat(r.rows()).containsOnlyKeys("k1", "k2");
            assertThat(r.rows().get("k1").get("temp").value().asDouble()).isEqualTo(20.5);
            assertThat(node.requests.peek().path("payload").path("filter").toString()).isEqualTo("{\"KeyPrefix\":\"k\"}");
        }
    }

    @Test
    void mutateHistoryAndLifecyclePayloads() {
        node.responder = req -> {
            String op = req.path("operation_type").asText();
            JsonNode p = req.path("payload");
            return switch (op) {
                case "mutate" -> {
                    ObjectNode d = FakeNode.JSON.createObjectNode().put("schema", p.path("schema").asText());
                    p.path("values").fieldNames().forEachRemaining(f -> d.withObjectProperty("atoms").put(f, "atom-" + f));
                    yield d;
                }
                case "history" -> {
                    ObjectNode d = FakeNode.JSON.createObjectNode();
                    d.putArray("versions").addObject().put("uuid", "v2").put("value", "new").put("status", "ACTIVE").put("prev", "v1");
                    d.withArray("versions").addObject().put("uuid", "v1").put("value", "old").put("status", "ACTIVE").putNull("prev");
                    yield d;
                }
                case "list_schemas" -> {
                    ObjectNode d = FakeNode.JSON.createObjectNode();
                    ObjectNode s = d.putArray("schemas").addObject().put("name", "Note").put("state", "Approved");
                    s.putArray("fields").add("title").add("body");
                    yield d;
                }
                default -> FakeNode.JSON.createObjectNode().put("name", p.path("name").asText()).put("state", "Approved");
            };
        };
        try (DataFoldClient client = connect()) {
            MutationResult m = client.mutation("Note", MutationType.CREATE).set("title", "T").set("n", 3).execute();
            JsonNode sent = node.requests.peek();
            assertThat(sent.path("payload").toString())
                    .isEqualTo("{\"schema\":\"Note\",\"mutation_type\":\"create\",\"values\":{\"title\":\"T\",\"n\":3}}");
            assertThat(m.atoms()).containsEntry("title", "atom-title").containsEntry("n", "atom-n");
            assertThat(client.mutate("Note", MutationType.DELETE, Map.of("title", "x")).schema()).isEqualTo("Note");

            List<Version> versions = client.history("Reading", "temp", "k1", 7);
            assertThat(versions).extracting(Version::uuid).containsExactly("v2", "v1");
            assertThat(versions.get(0).prev()).isEqualTo("v1");
            JsonNode hist = node.requests.stream().filter(r -> r.path("operation_type").asText().equals("history")).findFirst().orElseThrow();
            assertThat(hist.path("payload").toString()).isEqualTo("{\"schema\":\"Reading\",\"field\":\"temp\",\"range_key\":\"k1\",\"limit\":7}");

            assertThat(client.approveSchema("Note")).isEqualTo(new SchemaStatus("Note", "Approved"));
            assertThat(client.listSchemas()).containsExactly(new SchemaSummary("Note", "Approved", List.of("title", "body")));
            assertThat(node.requests).extracting(r -> r.path("operation_type").asText())
                    .contains("approve_schema", "list_schemas");
        }
    }
}
