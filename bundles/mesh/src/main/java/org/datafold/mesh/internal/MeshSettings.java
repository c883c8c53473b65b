package org.datafold.mesh.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import org.datafold.support.home.HomePaths;

/**
 * The mesh configuration, checked: every bad value is an {@link IllegalArgumentException} that names
 * the key.
 */
record MeshSettings(boolean enabled, String cluster, String bindAddr, int bindPort, String initialHosts,
        Path stackFile, int joinTimeoutMs, int fdTimeoutMs, int verifySuspectMs, int mergeIntervalMs,
        int heartbeatIntervalMs, String generator, long seed, long phaseResetInterval, int cacheSize,
        Path secretFile, int maxPeerDistance, long maxStepSkew, long maxMessageAgeMs, int anomalyCapacity,
        int queryTimeoutMs) {

    private static final Pattern HOSTS = Pattern.compile("[A-Za-z0-9.:\\-]+\\[\\d{1,5}](,[A-Za-z0-9.:\\-]+\\[\\d{1,5}])*");
    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9._\\-]{1,64}");

    static MeshSettings from(MeshConfig c) {
        String cluster = c.cluster() == null ? "" : c.cluster().strip();
        require(CLUSTER.matcher(cluster).matches(), "cluster", "1 to 64 letters, digits, '.', '_' or '-'");
        String bind = c.bind__addr() == null ? "" : c.bind__addr().strip();
        require(!bind.isEmpty() && bind.matches("[A-Za-z0-9.:\\-]+"), "bind_addr", "an address or host name");
        require(c.bind__port() > 0 && c.bind__port() <= 65535 - 100, "bind_port", "1 to 65435 (the port + 100 is used too)");
        String hosts = c.initial__hosts() == null ? "" : c.initial__hosts().replace(" ", "");
        require(HOSTS.matcher(hosts).matches(), "initial_hosts", "host[port],host[port],...");
        require(c.join__timeout__ms() >= 100, "join_timeout_ms", "100 or more");
        require(c.fd__timeout__ms() >= 500, "fd_timeout_ms", "500 or more");
        require(c.verify__suspect__ms() >= 100, "verify_suspect_ms", "100 or more");
        require(c.merge__interval__ms() >= 200, "merge_interval_ms", "200 or more");
        require(c.heartbeat__interval__ms() >= 50, "heartbeat_interval_ms", "50 or more");
        String generator = c.pattern__generator() == null ? "" : c.pattern__generator().strip();
        require(generator.equals(DigitalRootGenerator.NAME) || generator.equals(HmacGenerator.NAME), "pattern_generator",
                DigitalRootGenerator.NAME + " or " + HmacGenerator.NAME);
        require(c.pattern__seed() >= 1 && c.pattern__seed() <= DigitalRootGenerator.MAX_SEED, "pattern_seed",
                "1 to " + DigitalRootGenerator.MAX_SEED);
        require(c.phase__reset__interval() >= 1 && c.phase__reset__interval() <= 1_000_000, "phase_reset_interval",
                "1 to 1000000");
        require(c.pattern__cache__size() >= 0 && c.pattern__cache__size() <= 1_000_000, "pattern_cache_size", "0 to 1000000");
        String secret = c.secret__file() == null ? "" : c.secret__file().strip();
        require(!generator.equals(HmacGenerator.NAME) || !secret.isEmpty(), "secret_file",
                "set when pattern_generator is hmac");
        require(c.max__peer__distance() >= -1, "max_peer_distance", "-1 or more");
        require(c.max__step__skew() >= 1, "max_step_skew", "1 or more");
        require(c.max__message__age__ms() >= 1000, "max_message_age_ms", "1000 or more");
        require(c.query__timeout__ms() >= 100 && c.query__timeout__ms() <= 600_000, "query_timeout_ms", "100 to 600000");
        require(c.anomaly__capacity() >= 1 && c.anomaly__capacity() <= 100_000, "anomaly_capacity", "1 to 100000");
        String stack = c.stack__file() == null ? "" : c.stack__file().strip();
        return new MeshSettings(c.enabled(), cluster, bind, c.bind__port(), hosts,
                stack.isEmpty() ? null : HomePaths.resolve(stack), c.join__timeout__ms(), c.fd__timeout__ms(),
                c.verify__suspect__ms(), c.merge__interval__ms(), c.heartbeat__interval__ms(), generator,
                c.pattern__seed(), c.phase__reset__interval(), c.pattern__cache__size(),
                secret.isEmpty() ? null : HomePaths.resolve(secret),
                c.max__peer__distance() == -1 ? Integer.MAX_VALUE : c.max__peer__distance(), c.max__step__skew(),
                c.max__message__age__ms(), c.anomaly__capacity(), c.query__timeout__ms());
    }

    /** The pattern generator the settings name. */
    PatternGenerator patternGenerator() throws IOException {
        if (generator.equals(HmacGenerator.NAME)) {
            byte[] secret = Files.readAllBytes(secretFile);
            try {
                return new HmacGenerator(secret);
            } finally {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        }
        return new DigitalRootGenerator(seed, phaseResetInterval, cacheSize);
    }

    /** The stack XML with this configuration's values in place. */
    String stackXml() throws IOException {
        return StackTemplate.fill(StackTemplate.load(stackFile), Map.of(
                "bind_addr", bindAddr,
                "bind_port", Integer.toString(bindPort),
                "initial_hosts", initialHosts,
                "join_timeout_ms", Integer.toString(joinTimeoutMs),
                "fd_timeout_ms", Integer.toString(fdTimeoutMs),
                "fd_interval_ms", Integer.toString(Math.max(100, fdTimeoutMs / 6)),
                "verify_suspect_ms", Integer.toString(verifySuspectMs),
                "merge_min_interval_ms", Integer.toString(Math.max(100, mergeIntervalMs / 2)),
                "merge_max_interval_ms", Integer.toString(mergeIntervalMs)));
    }

    private static void require(boolean ok, String key, String what) {
        if (!ok) {
            throw new IllegalArgumentException("mesh configuration: " + key + " must be " + what);
        }
    }
}
