package org.datafold.transport.uds.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.datafold.testsupport.FakePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Strict parsing of request frames (docs/protocol.md, "Strict parsing"), through the real server: what
 * is refused, with which code and message, and which request_id the refusal carries.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrictRequestsTest {
    @TempDir
    Path tmp;

    FakeNode node;
    KeyPair app;
    SocketServer server;
    RawClient c;

    @BeforeEach
    void start() throws Exception {
        Path sock = tmp.resolve("run/datafold.sock");
        node = new FakeNode();
        app = RawClient.newKey();
        server = new SocketServer(SocketServerTest.settings(sock, 10), node,
                new FakePermissions(RawClient.publicKey(RawClient.newKey())), () -> SocketServerTest.NODE_ID);
        c = new RawClient(sock);
        assertThat(c.authenticate(app).path("status").asText()).isEqualTo("ok");
    }

    @AfterEach
    void stop() throws IOException {
        node.release.countDown();
        c.close();
        server.close();
    }

    /** Sends one frame of these bytes and reads the answer. */
    JsonNode exchange(byte[] body) throws IOException {
        c.out.writeInt(body.length);
        c.out.write(body);
        c.out.flush();
        return c.read();
    }

    JsonNode exchange(String json) throws IOException {
        return exchange(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts a MALFORMED_REQUEST answer with this message, and that the connection still works. */
    void malformed(JsonNode r, String message) throws IOException {
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("error");
        assertThat(SocketServerTest.code(r)).as(r.toString()).isEqualTo("MALFORMED_REQUEST");
        assertThat(r.path("error").path("message").asText()).isEqualTo(message);
        assertThat(c.call("next", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
    }

    static String query(String id, String payload) {
        return "{\"request_id\": \"" + id + "\", \"operation_type\": \"query\", \"payload\": " + payload + "}";
    }

    @Test
    void dataAfterTheRequestObjectIsMalformed() throws Exception {
        JsonNode second = exchange("{\"request_id\": \"t1\", \"operation_type\": \"list_schemas\"} {\"request_id\": \"t2\"}");
        assertThat(second.path("request_id").asText()).isEqualTo("t1");
        malformed(second, "the frame has data after the end of its JSON value (line 1, column 56)");
        JsonNode garbage = exchange("{\"request_id\": \"t3\", \"operation_type\": \"list_schemas\"}\n xyz");
        assertThat(garbage.path("request_id").asText()).isEqualTo("t3");
        malformed(garbage, "the frame has data after the end of its JSON value (line 2, column 2)");
        JsonNode comma = exchange("{\"request_id\": 4, \"operation_type\": \"list_schemas\"},");
        assertThat(comma.path("request_id").asInt()).isEqualTo(4);
        malformed(comma, "the frame has data after the end of its JSON value (line 1, column 52)");
        // white space after the object is fine
        assertThat(exchange("{\"request_id\": \"t5\", \"operation_type\": \"list_schemas\"} \n\t ")
                .path("status").asText()).isEqualTo("ok");
    }

    @Test
    void aKeyGivenTwiceAtAnyDepthIsMalformedAndNothingRuns() throws Exception {
        JsonNode top = exchange("{\"request_id\": \"d1\", \"operation_type\": \"list_schemas\","
                + " \"operation_type\": \"mutate\"}");
        assertThat(top.path("request_id").asText()).isEqualTo("d1");
        malformed(top, "the frame has the key 'operation_type' twice in one object, at /operation_type"
                + " (line 1, column 72)");
        JsonNode values = exchange("{\"request_id\": \"d2\", \"operation_type\": \"mutate\", \"payload\": {\"schema\":"
                + " \"Note\", \"mutation_type\": \"create\", \"values\": {\"title\": \"a\", \"title\": \"b\"}}}");
        assertThat(values.path("request_id").asText()).isEqualTo("d2");
        malformed(values, "the frame has the key 'title' twice in one object, at /payload/values/title"
                + " (line 1, column 139)");
        assertThat(node.data).isEmpty();
        JsonNode filter = exchange(query("d3", "{\"schema\": \"Note\", \"fields\": [\"title\"],"
                + " \"filter\": {\"KeyRange\": {\"start\": \"a\", \"end\": \"m\", \"end\": \"z\"}}}"));
        assertThat(filter.path("request_id").asText()).isEqualTo("d3");
        assertThat(SocketServerTest.code(filter)).isEqualTo("MALFORMED_REQUEST");
        assertThat(filter.path("error").path("message").asText())
                .startsWith("the frame has the key 'end' twice in one object, at /payload/filter/KeyRange/end");
        assertThat(node.lastQuery).isNull();
        // the first request_id is the one echoed
        JsonNode id = exchange("{\"request_id\": \"first\", \"request_id\": \"second\", \"operation_type\": \"list_schemas\"}");
        assertThat(id.path("request_id").asText()).isEqualTo("first");
        assertThat(SocketServerTest.code(id)).isEqualTo("MALFORMED_REQUEST");
    }

    @Test
    void aByteOrderMarkOrAnotherEncodingIsMalformed() throws Exception {
        byte[] json = "{\"request_id\": \"b1\", \"operation_type\": \"list_schemas\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[3 + json.length];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(json, 0, bom, 3, json.length);
        JsonNode r = exchange(bom);
        assertThat(r.path("request_id").asText()).isEqualTo("b1");
        malformed(r, "the frame starts with a byte-order mark (EF BB BF): send UTF-8 JSON without one");
        JsonNode utf16 = exchange("{\"request_id\": \"b2\", \"operation_type\": \"list_schemas\"}"
                .getBytes(StandardCharsets.UTF_16LE));
        malformed(utf16, "the frame is not UTF-8 JSON: byte 2 is 0x00 (UTF-16 or UTF-32 text?)");
    }

    @Test
    void mistypedOptionalMembersAreMalformed() throws Exception {
        String fields = "\"schema\": \"Note\", \"fields\": [\"title\"]";
        for (String history : List.of("\"yes\"", "1", "\"true\"", "[]")) {
            malformed(exchange(query("m", "{" + fields + ", \"include_history\": " + history + "}")),
                    "payload.include_history must be true or false");
        }
        for (String limit : List.of("\"5\"", "2.5", "1e3", "true", "{}")) {
            malformed(exchange(query("m", "{" + fields + ", \"include_history\": true, \"history_limit\": " + limit + "}")),
                    "payload.history_limit must be an integer");
        }
        malformed(exchange(query("m", "{" + fields + ", \"filter\": \"k\"}")),
                "payload.filter must be a JSON object, e.g. {\"Key\": \"k\"}");
        for (String rangeKey : List.of("7", "true", "{}")) {
            malformed(c.call("h", "history", "{\"schema\": \"Note\", \"field\": \"title\", \"range_key\": " + rangeKey + "}"),
                    "payload.range_key must be a string");
        }
        for (String limit : List.of("\"10\"", "1.5", "false")) {
            malformed(c.call("h", "history", "{\"schema\": \"Note\", \"field\": \"title\", \"limit\": " + limit + "}"),
                    "payload.limit must be an integer");
        }
        malformed(c.call("v", "hello", "{\"protocol_versions\": [\"1\"]}"),
                "payload.protocol_versions must be an array of integers, e.g. [1]");
        assertThat(node.lastQuery).isNull();
    }

    @Test
    void wellTypedOptionalMembersAreTaken() throws Exception {
        String fields = "\"schema\": \"Note\", \"fields\": [\"title\"]";
        assertThat(c.call("q", "query", "{" + fields + ", \"include_history\": true, \"history_limit\": 3}")
                .path("status").asText()).isEqualTo("ok");
        assertThat(node.lastQuery.includeHistory()).isTrue();
        assertThat(node.lastQuery.historyLimit()).isEqualTo(3);
        assertThat(c.call("q", "query", "{" + fields + ", \"include_history\": true}").path("status").asText())
                .isEqualTo("ok");
        assertThat(node.lastQuery.historyLimit()).isEqualTo(10);
        // null stands for an absent optional member
        assertThat(c.call("q", "query", "{" + fields + ", \"include_history\": null, \"filter\": null}")
                .path("status").asText()).isEqualTo("ok");
        assertThat(node.lastQuery.includeHistory()).isFalse();
        for (int i = 0; i < 3; i++) {
            c.call("w" + i, "mutate", "{\"schema\": \"Note\", \"mutation_type\": \"create\", \"values\": {\"title\": " + i + "}}");
        }
        JsonNode h = c.call("h", "history", "{\"schema\": \"Note\", \"field\": \"title\", \"range_key\": \"k\", \"limit\": 2}");
        assertThat(h.path("data").path("versions")).hasSize(2);
        // a version number too large for an int is not version 1
        assertThat(SocketServerTest.code(c.call("v", "hello", "{\"protocol_versions\": [4294967297]}")))
                .isEqualTo("UNSUPPORTED_PROTOCOL");
    }

    @Test
    void wellTypedIntegersOutOfRangeAreInvalidArguments() throws Exception {
        JsonNode huge = c.call("l", "history", "{\"schema\": \"Note\", \"field\": \"title\", \"limit\": 1099511627776}");
        assertThat(SocketServerTest.code(huge)).isEqualTo("INVALID_ARGUMENT");
        assertThat(huge.path("request_id").asText()).isEqualTo("l");
        assertThat(huge.path("error").path("message").asText())
                .isEqualTo("payload.limit must be between 1 and 2147483647, was 1099511627776");
        JsonNode details = huge.path("error").path("details");
        assertThat(details.path("member").asText()).isEqualTo("payload.limit");
        assertThat(details.path("min").asInt()).isEqualTo(1);
        assertThat(details.path("max").asInt()).isEqualTo(Integer.MAX_VALUE);
        for (String limit : List.of("0", "-1", "2147483648", "100000000000000000000000000000")) {
            JsonNode r = c.call("l", "history", "{\"schema\": \"Note\", \"field\": \"title\", \"limit\": " + limit + "}");
            assertThat(SocketServerTest.code(r)).as(limit).isEqualTo("INVALID_ARGUMENT");
            assertThat(r.path("error").path("message").asText()).as(limit)
                    .isEqualTo("payload.limit must be between 1 and 2147483647, was " + limit);
        }
        JsonNode zero = c.call("q", "query",
                "{\"schema\": \"Note\", \"fields\": [\"title\"], \"include_history\": true, \"history_limit\": 0}");
        assertThat(SocketServerTest.code(zero)).isEqualTo("INVALID_ARGUMENT");
        assertThat(zero.path("error").path("message").asText())
                .isEqualTo("payload.history_limit must be between 1 and 2147483647, was 0");
        assertThat(c.call("l", "history", "{\"schema\": \"Note\", \"field\": \"title\", \"limit\": 2147483647}")
                .path("status").asText()).isEqualTo("ok");
    }

    @Test
    void aRequestIdReadBeforeTheFailureIsEchoed() throws Exception {
        JsonNode truncated = exchange("{\"request_id\": \"r1\", \"operation_type\": ");
        assertThat(truncated.path("request_id").asText()).isEqualTo("r1");
        assertThat(SocketServerTest.code(truncated)).isEqualTo("MALFORMED_REQUEST");
        assertThat(truncated.path("error").path("message").asText()).startsWith("the frame is not valid JSON: ");
        JsonNode number = exchange("{\"request_id\": 12345678901, \"operation_type\": \"query\", \"payload\": {\"x\": }");
        assertThat(number.path("request_id").isIntegralNumber()).isTrue();
        assertThat(number.path("request_id").asLong()).isEqualTo(12345678901L);
        // the tolerant pass steps over members before request_id, even a duplicated key in them
        JsonNode late = exchange("{\"payload\": {\"a\": 1, \"a\": 2}, \"request_id\": \"r3\", \"operation_type\": \"list_schemas\"}");
        assertThat(late.path("request_id").asText()).isEqualTo("r3");
        assertThat(SocketServerTest.code(late)).isEqualTo("MALFORMED_REQUEST");
        // not found before the failure, or not a string or an integer: null
        for (String frame : List.of("{\"operation_type\": \"query\", \"payload\": {\"x\": }, \"request_id\": \"r4\"}",
                "{\"request_id\": true, \"request_id\": \"r5\"}", "[{\"request_id\": \"r6\"}] x",
                "{\"request_id\": 1.5, \"operation_type\": ")) {
            JsonNode r = exchange(frame);
            assertThat(r.get("request_id").isNull()).as(frame).isTrue();
            assertThat(SocketServerTest.code(r)).as(frame).isEqualTo("MALFORMED_REQUEST");
        }
        JsonNode wrongType = exchange("{\"request_id\": {\"id\": 1}, \"operation_type\": \"list_schemas\"}");
        assertThat(wrongType.get("request_id").isNull()).isTrue();
        malformed(wrongType, "request_id must be a string or an integer");
    }
}
