package org.datafold.transport.uds.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.datafold.support.socket.SocketPaths;
import org.datafold.testsupport.FakePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** What one peer can make the app socket hold is bounded; changed limits apply without a rebind. */
class SocketLimitsTest extends ServerFixture {

    static SocketServer.Settings settings(Path path, int maxConnections, int perUid, int unauthenticated,
            Duration authTimeout, int frameMemoryBytes) {
        return new SocketServer.Settings(path, "", Set.of(), Set.of(), 1 << 20, maxConnections, 4,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(2), 1024, unauthenticated, perUid,
                authTimeout, 64 * 1024, frameMemoryBytes);
    }

    RawClient authed() throws Exception {
        return authed(app);
    }

    static byte[] listSchemasOfSize(int size) {
        String head = "{\"request_id\": \"big\", \"operation_type\": \"list_schemas\", \"payload\": {\"pad\": \"";
        String tail = "\"}}";
        return (head + "x".repeat(size - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void beforeAuthenticationOnlySmallFramesAreRead() throws Exception {
        server = start(settings(sock, 100, 100, 10, Duration.ofSeconds(30), 4 << 20));
        try (RawClient c = new RawClient(sock)) {
            c.out.writeInt(100 * 1024);
            c.out.flush();
            JsonNode r = c.read();
            assertThat(code(r)).isEqualTo("FRAME_TOO_LARGE");
            assertThat(r.path("error").path("message").asText()).contains("before authentication");
            assertThat(r.path("error").path("details").path("limit").asInt()).isEqualTo(64 * 1024);
            assertThat(c.closedByServer()).isTrue();
        }
        try (RawClient c = authed()) {
            byte[] big = listSchemasOfSize(100 * 1024);
            c.send(new String(big, StandardCharsets.UTF_8));
            JsonNode r = c.read();
            assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("ok");
            assertThat(r.path("request_id").asText()).isEqualTo("big");
        }
        assertThat(server.stats().events.counts()).containsEntry("frame-too-large", 1L);
    }

    @Test
    void aConnectionThatDoesNotAuthenticateInTimeIsClosed() throws Exception {
        server = start(settings(sock, 100, 100, 10, Duration.ofMillis(300), 4 << 20));
        try (RawClient lazy = new RawClient(sock); RawClient good = authed()) {
            JsonNode r = lazy.read();
            assertThat(code(r)).isEqualTo("TIMEOUT");
            assertThat(r.path("error").path("message").asText()).contains("did not authenticate");
            assertThat(lazy.closedByServer()).isTrue();
            // the authenticated connection is past the deadline too, and still served
            await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().authTimeouts.sum() == 1);
            assertThat(good.call("1", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void connectionsWaitingToAuthenticateHaveTheirOwnCap() throws Exception {
        server = start(settings(sock, 100, 100, 2, Duration.ofSeconds(30), 4 << 20));
        try (RawClient a = new RawClient(sock); RawClient b = new RawClient(sock); RawClient c = new RawClient(sock)) {
            assertThat(code(c.greeting)).isEqualTo("TOO_MANY_CONNECTIONS");
            assertThat(c.greeting.path("error").path("message").asText()).contains("waiting to authenticate");
            assertThat(a.authenticate(app).path("status").asText()).isEqualTo("ok");
            try (RawClient d = new RawClient(sock)) {
                assertThat(d.greeting.path("status").asText()).isEqualTo("ok");
            }
        }
    }

    @Test
    void onePeerUidCannotTakeEverySlot() throws Exception {
        server = start(settings(sock, 100, 2, 10, Duration.ofSeconds(30), 4 << 20));
        try (RawClient a = authed(); RawClient b = authed(); RawClient c = new RawClient(sock)) {
            assertThat(code(c.greeting)).isEqualTo("TOO_MANY_CONNECTIONS");
            assertThat(c.greeting.path("error").path("message").asText()).contains("uid " + SocketPaths.uid());
            assertThat(a.call("1", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
        }
        assertThat(server.stats().events.counts()).containsEntry("too-many-connections-of-uid", 1L);
    }

    @Test
    void largeFramesWaitForTheMemoryBudgetWhileSmallOnesAreServed() throws Exception {
        int budget = 1 << 20;
        server = start(settings(sock, 100, 100, 10, Duration.ofSeconds(30), budget));
        byte[] first = listSchemasOfSize(budget);          // takes the whole budget
        byte[] second = listSchemasOfSize(200 * 1024);
        try (RawClient a = authed(); RawClient b = authed(); RawClient canary = authed()) {
            // a sends its header and half its body, then stalls: its frame holds the budget
            a.out.writeInt(first.length);
            a.out.write(first, 0, first.length / 2);
            a.out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.frameMemoryInUse() >= budget);
            // b's large frame has to wait
            b.send(new String(second, StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.stats().framesWaitedForMemory.sum() == 1);
            assertThat(b.socket.getInputStream().available()).isZero();
            // small frames do not wait
            assertThat(canary.call("c", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
            // a completes: both are answered, and the budget is free again
            a.out.write(first, first.length / 2, first.length - first.length / 2);
            a.out.flush();
            assertThat(a.read().path("status").asText()).isEqualTo("ok");
            assertThat(b.read().path("status").asText()).isEqualTo("ok");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.frameMemoryInUse() == 0);
        }
    }

    @Test
    void limitsChangeInPlaceWithoutDroppingConnections() throws Exception {
        SocketServer.Settings before = settings(sock, 100, 100, 10, Duration.ofSeconds(30), 4 << 20);
        server = start(before);
        try (RawClient a = authed()) {
            SocketServer.Settings after = new SocketServer.Settings(sock, "", Set.of(), Set.of(), 2 << 20, 50, 8,
                    Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(2), 1024, 5, 20,
                    Duration.ofSeconds(20), 32 * 1024, 8 << 20);
            List<String> changed = server.update(after);
            assertThat(changed).contains("maxFrameBytes", "maxConnections", "workers", "idleTimeout",
                    "maxUnauthenticated", "maxConnectionsPerUid", "authTimeout", "maxUnauthenticatedFrameBytes",
                    "frameMemoryBytes");
            assertThat(a.call("1", "list_schemas", "{}").path("status").asText()).isEqualTo("ok");
            assertThat(server.settings().maxConnections()).isEqualTo(50);
            // what needs a new socket is refused here (the component binds again instead)
            assertThatThrownBy(() -> server.update(settings(tmp.resolve("other.sock"), 100, 100, 10,
                    Duration.ofSeconds(30), 4 << 20))).isInstanceOf(IllegalArgumentException.class);
            // a peer that is no longer allowed is closed
            server.update(new SocketServer.Settings(sock, "", Set.of(4_000_000_000L), Set.of(), 2 << 20, 50, 8,
                    Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(2), 1024, 5, 20,
                    Duration.ofSeconds(20), 32 * 1024, 8 << 20));
            assertThat(a.closedByServer()).isTrue();
        }
    }

    @Test
    void aNodeInADeepFolderServesThroughTheLinkItLeaves() throws Exception {
        String before = System.getProperty(SocketPaths.RUNTIME_DIR_PROPERTY);
        System.setProperty(SocketPaths.RUNTIME_DIR_PROPERTY, Files.createDirectories(tmp.resolve("rt")).toString());
        try {
            Path deep = tmp;
            while (SocketPaths.length(deep) < 140) {
                deep = deep.resolve("projects-of-a-user-with-long-names");
            }
            Path longSock = deep.resolve("run/datafold.sock");
            server = start(settings(longSock, 100, 100, 10, Duration.ofSeconds(30), 4 << 20));
            assertThat(Files.isSymbolicLink(longSock)).isTrue();
            assertThat(SocketPaths.fits(server.boundPath())).isTrue();
            try (RawClient c = new RawClient(SocketPaths.forConnect(longSock))) {
                assertThat(c.authenticate(app).path("status").asText()).isEqualTo("ok");
            }
            server.close();
            assertThat(longSock).doesNotExist();
            assertThat(server.boundPath()).doesNotExist();
            server = null;
        } finally {
            if (before == null) {
                System.clearProperty(SocketPaths.RUNTIME_DIR_PROPERTY);
            } else {
                System.setProperty(SocketPaths.RUNTIME_DIR_PROPERTY, before);
            }
        }
    }

    @Test
    void aBurstOfAThousandConnectsIsAnsweredNeverRefused() throws Exception {
        server = start(settings(sock, 512, 512, 64, Duration.ofSeconds(30), 4 << 20));
        List<SocketChannel> channels = new ArrayList<>();
        AtomicInteger refusedConnects = new AtomicInteger();
        try {
            for (int i = 0; i < 1000; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.configureBlocking(false);
                try {
                    ch.connect(UnixDomainSocketAddress.of(sock));
                    channels.add(ch);
                } catch (IOException e) {
                    refusedConnects.incrementAndGet();
                    ch.close();
                }
            }
            int greeted = 0;
            int tooMany = 0;
            for (SocketChannel ch : channels) {
                ch.configureBlocking(true);
                ByteBuffer len = ByteBuffer.allocate(4);
                while (len.hasRemaining() && ch.read(len) >= 0) {
                    // blocking read of the length
                }
                ByteBuffer body = ByteBuffer.allocate(len.getInt(0));
                while (body.hasRemaining() && ch.read(body) >= 0) {
                    // blocking read of the body
                }
                JsonNode r = RawClient.MAPPER.readTree(body.array());
                if (r.path("status").asText().equals("ok")) {
                    greeted++;
                } else {
                    assertThat(code(r)).isEqualTo("TOO_MANY_CONNECTIONS");
                    tooMany++;
                }
            }
            assertThat(refusedConnects.get()).isZero();
            assertThat(greeted + tooMany).isEqualTo(1000);
            assertThat(greeted).isEqualTo(64); // the cap of connections waiting to authenticate
        } finally {
            for (SocketChannel ch : channels) {
                ch.close();
            }
        }
    }
}
