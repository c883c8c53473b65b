package org.datafold.transport.uds.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;

import org.datafold.testsupport.FakePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A real app-socket server on a fake node, for the tests of this package: a socket path in a
 * temporary folder, an owner key and an app key; the server a test starts is closed after it.
 */
abstract class ServerFixture {
    static final String NODE_ID = "node-1234";

    @TempDir
    Path tmp;

    Path sock;
    FakeNode node;
    KeyPair owner;
    KeyPair app;
    SocketServer server;

    @BeforeEach
    void prepare() throws Exception {
        sock = tmp.resolve("run/datafold.sock");
        node = new FakeNode();
        owner = RawClient.newKey();
        app = RawClient.newKey();
    }

    @AfterEach
    void stopServer() {
        node.release.countDown();
        if (server != null) {
            server.close();
        }
    }

    SocketServer start(SocketServer.Settings s) throws IOException {
        return new SocketServer(s, node, new FakePermissions(RawClient.publicKey(owner)), () -> NODE_ID);
    }

    /** A connection authenticated with {@code kp}. */
    RawClient authed(KeyPair kp) throws Exception {
        RawClient c = new RawClient(sock);
        assertThat(c.authenticate(kp).path("status").asText()).isEqualTo("ok");
        return c;
    }

    static String code(JsonNode r) {
        return r.path("error").path("code").asText();
    }
}
