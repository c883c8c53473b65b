package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.app.OutboundResponse;
import org.datafold.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** Outbound requests against a local HTTP server on 127.0.0.1; nothing leaves the machine. */
class OutboundTest {

    private static final HttpClient CLIENT = AppOutbound.newClient();

    private HttpServer server;
    private ExecutorService executor;
    private final CountDownLatch release = new CountDownLatch(1);
    private int port;
    private volatile String lastBody;
    private volatile String lastContentType;
    private volatile String lastHeader;

    private final App notes = app("notes");
    private final App other = app("other");
    private volatile OutboundSettings settings;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        server.createContext("/hello", ex -> respond(ex, 200, "hello".getBytes(StandardCharsets.UTF_8), false));
        server.createContext("/echo", ex -> {
            lastBody = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            lastContentType = ex.getRequestHeaders().getFirst("Content-Type");
            lastHeader = ex.getRequestHeaders().getFirst("X-Token");
            respond(ex, 201, ("got " + lastBody).getBytes(StandardCharsets.UTF_8), false);
        });
        server.createContext("/big", ex -> respond(ex, 200, new byte[2000], false));
        server.createContext("/big-chunked", ex -> respond(ex, 200, new byte[2000], true));
        server.createContext("/slow", ex -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, new byte[0], false);
        });
        server.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + port + "/hello");
            respond(ex, 302, new byte[0], false);
        });
        server.start();
        port = server.getAddress().getPort();
        configure(TestAppsConfig.allow("notes=127.0.0.1").http(true));
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private static void respond(HttpExchange ex, int status, byte[] body, boolean chunked) throws IOException {
        ex.getResponseHeaders().add("X-Reply", "yes");
        ex.sendResponseHeaders(status, chunked ? 0 : body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static App app(String id) {
        return new App(id, id, 1, "com.example." + id, "1.0.0", Fakes.newKey(), App.NODE_KEY,
                new AppStats(Clock.systemUTC()), () -> Bundle.ACTIVE);
    }

    private void configure(AppsConfig config) {
        settings = OutboundSettings.from(config);
    }

    private AppOutbound access(App app) {
        return new AppOutbound(app, CLIENT, () -> settings);
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static void expect(ErrorCode code, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void anAllowedHostIsReached() {
        OutboundResponse r = access(notes).get(url("/hello"), Map.of());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("hello");
        assertThat(r.headers()).containsEntry("x-reply", java.util.List.of("yes"));
    }

    @Test
    void postSendsBodyContentTypeAndHeaders() {
        OutboundResponse r = access(notes).post(url("/echo"), Map.of("X-Token", "t0k3n"), "text/plain",
                "ping".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.bodyText()).isEqualTo("got ping");
        assertThat(lastContentType).isEqualTo("text/plain");
        assertThat(lastHeader).isEqualTo("t0k3n");
    }

    @Test
    void everythingIsDeniedByDefault() {
        configure(TestAppsConfig.allow().http(true));
        expect(ErrorCode.PERMISSION_DENIED, () -> access(notes).get(url("/hello"), Map.of()));
    }

    @Test
    void rulesAreForOneApp() {
        expect(ErrorCode.PERMISSION_DENIED, () -> access(other).get(url("/hello"), Map.of()));
    }

    @Test
    void aConfigurationChangeAppliesToTheNextRequest() {
        AppOutbound a = access(other);
        expect(ErrorCode.PERMISSION_DENIED, () -> a.get(url("/hello"), Map.of()));
        configure(TestAppsConfig.allow("notes=127.0.0.1", "other=127.0.0.1").http(true));
        assertThat(a.get(url("/hello"), Map.of()).status()).isEqualTo(200);
    }

    @Test
    void wildcardRulesMatchSubdomainsOnly() {
        configure(TestAppsConfig.allow("notes=*.localhost").http(true));
        // "localhost" itself is not under *.localhost; the request is refused before any connection
        expect(ErrorCode.PERMISSION_DENIED, () -> access(notes).get("http://localhost:" + port + "/hello", Map.of()));
        OutboundPolicy p = OutboundPolicy.parse(new String[] { "notes=*.example.com" });
        assertThat(p.allows("notes", "api.example.com", 443)).isTrue();
        assertThat(p.allows("notes", "a.b.example.com", 8080)).isTrue();
        assertThat(p.allows("notes", "API.Example.COM.", 443)).isTrue();
        assertThat(p.allows("notes", "example.com", 443)).isFalse();
        assertThat(p.allows("notes", "badexample.com", 443)).isFalse();
        assertThat(p.allows("notes", "example.com.evil.net", 443)).isFalse();
        assertThat(p.allows("other", "api.example.com", 443)).isFalse();
    }

    @Test
    void portRulesMatchThatPortOnly() {
        configure(TestAppsConfig.allow("notes=127.0.0.1:" + port).http(true));
        assertThat(access(notes).get(url("/hello"), Map.of()).status()).isEqualTo(200);
        configure(TestAppsConfig.allow("notes=127.0.0.1:" + (port == 65535 ? 1 : port + 1)).http(true));
        expect(ErrorCode.PERMISSION_DENIED, () -> access(notes).get(url("/hello"), Map.of()));
        OutboundPolicy p = OutboundPolicy.parse(new String[] { "notes=[::1]:8080, notes=api.example.com" });
        assertThat(p.allows("notes", "[::1]", 8080)).isTrue();
        assertThat(p.allows("notes", "[::1]", 8081)).isFalse();
        assertThat(p.allows("notes", "api.example.com", 1234)).isTrue();
        assertThat(p.destinations("notes")).containsExactly("[::1]:8080", "api.example.com");
    }

    @Test
    void badRulesAreRefusedWithThePidAndKey() {
        for (String bad : new String[] { "notes", "=host", "Notes=host", "notes=*", "notes=host:0", "notes=host:x",
                "notes=a..b", "notes=[::1", "notes=ex ample.com" }) {
            assertThatThrownBy(() -> OutboundSettings.from(TestAppsConfig.allow(bad))).as(bad)
                    .isInstanceOfSatisfying(FoldException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
                        assertThat(e.getMessage()).contains("org.datafold.apps").contains("outbound_allow");
                    });
        }
        assertThatThrownBy(() -> OutboundSettings.from(TestAppsConfig.allow().timeoutMs(0)))
                .hasMessageContaining("outbound_timeout_ms");
        assertThatThrownBy(() -> OutboundSettings.from(TestAppsConfig.allow().maxBytes(0)))
                .hasMessageContaining("outbound_max_response_bytes");
        assertThat(OutboundSettings.from(TestAppsConfig.allow("")).policy().size()).isZero();
    }

    @Test
    void aSlowServerTimesOut() {
        configure(TestAppsConfig.allow("notes=127.0.0.1").http(true).timeoutMs(300));
        assertThatThrownBy(() -> access(notes).get(url("/slow"), Map.of())).isInstanceOfSatisfying(
                FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.OUTBOUND_FAILED);
                    assertThat(e.getMessage()).contains("timed out");
                });
    }

    @Test
    void anOversizedResponseFails() {
        configure(TestAppsConfig.allow("notes=127.0.0.1").http(true).maxBytes(1000));
        for (String path : new String[] { "/big", "/big-chunked" }) {
            assertThatThrownBy(() -> access(notes).get(url(path), Map.of())).as(path).isInstanceOfSatisfying(
                    FoldException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.OUTBOUND_FAILED);
                        assertThat(e.getMessage()).contains("larger than 1000 bytes");
                    });
        }
        assertThat(access(notes).get(url("/hello"), Map.of()).bodyText()).isEqualTo("hello");
    }

    @Test
    void aConnectionErrorFails() throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        expect(ErrorCode.OUTBOUND_FAILED, () -> access(notes).get("http://127.0.0.1:" + closedPort + "/", Map.of()));
    }

    @Test
    void httpIsRefusedUnlessAllowed() {
        configure(TestAppsConfig.allow("notes=127.0.0.1").http(false));
        assertThatThrownBy(() -> access(notes).get(url("/hello"), Map.of())).isInstanceOfSatisfying(
                FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("outbound_allow_http");
                });
    }

    @Test
    void badUrlsAreInvalid() {
        AppOutbound a = access(notes);
        for (String bad : new String[] { "not a url", "ftp://127.0.0.1/x", "file:///etc/passwd", "/relative",
                "http://user:secret@127.0.0.1:" + port + "/hello", "https:opaque" }) {
            expect(ErrorCode.INVALID_ARGUMENT, () -> a.get(bad, Map.of()));
        }
        expect(ErrorCode.INVALID_ARGUMENT, () -> a.get(null, Map.of()));
        expect(ErrorCode.INVALID_ARGUMENT, () -> a.get(url("/hello"), Map.of("Host", "elsewhere")));
    }

    @Test
    void redirectsAreNotFollowed() {
        OutboundResponse r = access(notes).get(url("/redirect"), Map.of());
        assertThat(r.status()).isEqualTo(302);
    }

    @Test
    void aReleasedAccessIsUnavailable() {
        AppOutbound a = access(notes);
        a.close();
        expect(ErrorCode.UNAVAILABLE, () -> a.get(url("/hello"), Map.of()));
    }

    @Test
    void theAuditNamesAppMethodAndTargetButNeverQueryOrHeaders() {
        try (LogCapture log = new LogCapture()) {
            access(notes).get(url("/hello?token=SECRET1"), Map.of("Authorization", "Bearer SECRET2"));
            expect(ErrorCode.PERMISSION_DENIED, () -> access(other).get(url("/hello?token=SECRET3"), Map.of()));
            configure(TestAppsConfig.allow("notes=127.0.0.1").http(true).maxBytes(10));
            expect(ErrorCode.OUTBOUND_FAILED, () -> access(notes).post(url("/big?token=SECRET4#frag"),
                    Map.of("X-Token", "SECRET5"), "text/plain", "SECRET6".getBytes(StandardCharsets.UTF_8)));
            configure(TestAppsConfig.allow("notes=127.0.0.1").http(false));
            expect(ErrorCode.INVALID_ARGUMENT, () -> access(notes).get(url("/hello?token=SECRET7"), Map.of()));

            java.util.List<String> audit = log.security();
            assertThat(audit).hasSize(4);
            assertThat(audit.get(0)).contains("INFO").contains("app=notes").contains("GET")
                    .contains("http://127.0.0.1:" + port + "/hello").contains("-> 200");
            assertThat(audit.get(1)).contains("WARN").contains("app=other").contains("denied")
                    .contains("http://127.0.0.1:" + port + "/hello");
            assertThat(audit.get(2)).contains("app=notes").contains("POST").contains("/big").contains("failed");
            assertThat(audit.get(3)).contains("WARN").contains("app=notes").contains("invalid")
                    .contains("http://127.0.0.1:" + port + "/hello");
            assertThat(String.join("\n", log.lines())).doesNotContain("SECRET").doesNotContain("token=")
                    .doesNotContain("frag");
        }
    }
}
