package org.datafold.apps.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.app.OutboundAccess;
import org.datafold.api.app.OutboundResponse;

/**
 * One app's outbound access: every request is checked against the destinations the owner allows
 * the app, bounded in time and size, and written to the security log with the app id, the method,
 * {@code scheme://host:port/path} and the outcome (never the query string, the headers or the body).
 * Redirects are not followed (a redirect could lead anywhere); the app gets the 3xx response.
 */
final class AppOutbound implements OutboundAccess {

    private final App app;
    private final HttpClient client;
    private final Supplier<OutboundSettings> settings;
    private volatile boolean closed;

    AppOutbound(App app, HttpClient client, Supplier<OutboundSettings> settings) {
        this.app = Objects.requireNonNull(app, "app");
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The client every app's access shares: no redirects, HTTP/1.1 or 2. */
    static HttpClient newClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    void close() {
        closed = true;
    }

    @Override
    public OutboundResponse get(String url, Map<String, String> headers) {
        return send("GET", url, headers, null, null);
    }

    @Override
    public OutboundResponse post(String url, Map<String, String> headers, String contentType, byte[] body) {
        return send("POST", url, headers, contentType, body == null ? new byte[0] : body);
    }

    private OutboundResponse send(String method, String url, Map<String, String> headers, String contentType,
            byte[] body) {
        if (closed) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "this outbound access was released; app " + app.id()
                    + " must get the OutboundAccess service again", Map.of("app", app.id()), null);
        }
        OutboundSettings s = settings.get();
        URI uri = parse(method, url, s);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = scheme + "://" + host + ":" + port + path;
        if (!s.policy().allows(app.id(), host, port)) {
            Security.LOG.warn("outbound app={} {} {} -> denied (not an allowed destination)", app.id(), method, target);
            throw new FoldException(ErrorCode.PERMISSION_DENIED, "app " + app.id() + " may not reach " + host + ":" + port
                    + "; the owner allows destinations with outbound_allow in " + AppsConfig.PID,
                    Map.of("app", app.id(), "host", host, "port", port), null);
        }
        HttpRequest request = request(method, uri, target, headers, contentType, body, s);
        long started = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, LimitedBody.handler(s.maxBytes()));
        HttpResponse<byte[]> response;
        try {
            response = future.get(s.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw failed(method, target, "timed out after " + s.timeout().toMillis() + " ms", null);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw failed(method, target, "interrupted", e);
        } catch (ExecutionException e) {
            throw failed(method, target, reason(e.getCause(), s), e.getCause());
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        Security.LOG.info("outbound app={} {} {} -> {} ({} bytes, {} ms)", app.id(), method, target,
                response.statusCode(), response.body().length, ms);
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> responseHeaders.merge(name.toLowerCase(Locale.ROOT),
                List.copyOf(values), (a, b) -> {
                    List<String> all = new java.util.ArrayList<>(a);
                    all.addAll(b);
                    return all;
                }));
        return new OutboundResponse(response.statusCode(), responseHeaders, response.body());
    }

    private URI parse(String method, String url, OutboundSettings s) {
        URI uri;
        try {
            uri = new URI(Objects.requireNonNull(url, "url"));
        } catch (URISyntaxException | NullPointerException e) {
            throw invalid(method, null, "not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String shown = uri.getHost() == null || uri.getScheme() == null ? null : scheme + "://"
                + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath());
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(method, shown, "only https URLs are accepted" + (s.allowHttp() ? " (and http)" : "") + ", not '"
                    + scheme + "'");
        }
        if (scheme.equals("http") && !s.allowHttp()) {
            throw invalid(method, shown, "plain http is refused: use https (the owner can allow http with"
                    + " outbound_allow_http in " + AppsConfig.PID + ")");
        }
        if (uri.getHost() == null) {
            throw invalid(method, shown, "the URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(method, shown, "credentials in a URL are not accepted; send them in a header");
        }
        return uri;
    }

    private HttpRequest request(String method, URI uri, String target, Map<String, String> headers,
            String contentType, byte[] body, OutboundSettings s) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(s.timeout());
            if (headers != null) {
                headers.forEach(b::header);
            }
            if (body == null) {
                b.GET();
            } else {
                if (contentType != null && !contentType.isBlank()) {
                    b.header("Content-Type", contentType);
                }
                b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
            }
            return b.build();
        } catch (IllegalArgumentException | NullPointerException e) {
            Security.LOG.warn("outbound app={} {} {} -> invalid (a header is not accepted)", app.id(), method, target);
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a request header is not accepted (restricted, or a"
                    + " bad name or value): " + e.getMessage(), Map.of("app", app.id()), null);
        }
    }

    private static String reason(Throwable cause, OutboundSettings s) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof LimitedBody.TooLarge) {
                return "the response is larger than " + s.maxBytes() + " bytes";
            }
            if (t instanceof HttpTimeoutException) {
                return "timed out after " + s.timeout().toMillis() + " ms";
            }
        }
        return "connection failed (" + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")";
    }

    private FoldException failed(String method, String target, String reason, Throwable cause) {
        Security.LOG.info("outbound app={} {} {} -> failed ({})", app.id(), method, target, reason);
        return new FoldException(ErrorCode.OUTBOUND_FAILED, "outbound " + method + " of app " + app.id() + " to "
                + target + " failed: " + reason, Map.of("app", app.id()), cause);
    }

    private FoldException invalid(String method, String shown, String reason) {
        Security.LOG.warn("outbound app={} {} {} -> invalid ({})", app.id(), method, shown == null ? "(unparsable URL)"
                : shown, reason);
        return new FoldException(ErrorCode.INVALID_ARGUMENT, reason, Map.of("app", app.id()), null);
    }
}
