package org.datafold.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to connect: the socket path, the key, and the timeouts.
 *
 * @param socket         the node's app socket (the runtime's {@code run/datafold.sock})
 * @param key            the key the connection authenticates with
 * @param connectTimeout the most time for connecting, the greeting, {@code hello} and {@code authenticate}
 * @param requestTimeout the most time a request waits for its response
 * @param maxFrameBytes  the largest response frame accepted
 */
public record ClientConfig(Path socket, ClientKey key, Duration connectTimeout, Duration requestTimeout,
        int maxFrameBytes) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

    public ClientConfig {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(key, "key");
        connectTimeout = positive(connectTimeout, DEFAULT_CONNECT_TIMEOUT, "connectTimeout");
        requestTimeout = positive(requestTimeout, DEFAULT_REQUEST_TIMEOUT, "requestTimeout");
        if (maxFrameBytes <= 0) {
            maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        }
    }

    /** The default timeouts and frame limit. */
    public static ClientConfig of(Path socket, ClientKey key) {
        return new ClientConfig(socket, key, null, null, 0);
    }

    public ClientConfig withConnectTimeout(Duration timeout) {
        return new ClientConfig(socket, key, timeout, requestTimeout, maxFrameBytes);
    }

    public ClientConfig withRequestTimeout(Duration timeout) {
        return new ClientConfig(socket, key, connectTimeout, timeout, maxFrameBytes);
    }

    public ClientConfig withMaxFrameBytes(int bytes) {
        return new ClientConfig(socket, key, connectTimeout, requestTimeout, bytes);
    }

    private static Duration positive(Duration d, Duration dflt, String name) {
        if (d == null) {
            return dflt;
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}
