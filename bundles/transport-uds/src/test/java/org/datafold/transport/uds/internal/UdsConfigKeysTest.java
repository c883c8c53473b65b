package org.datafold.transport.uds.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.datafold.testsupport.Configs;
import org.datafold.testsupport.LogCapture;
import org.junit.jupiter.api.Test;

/** The app socket's keys: snake_case, and the camelCase names of earlier releases still read. */
class UdsConfigKeysTest {

    @Test
    void theNewKeysSetTheSettingsWithoutAWarning() {
        UdsConfig config = Configs.of(UdsConfig.class, Map.of("max_frame_bytes", 1 << 20, "allowed_uids", "1000, 1001",
                "idle_timeout_seconds", 60, "frame_memory_mb", 8));

        SocketServer.Settings s;
        try (LogCapture log = new LogCapture()) {
            s = AppSocket.settings(AppSocket.current(config, Map.of("max_frame_bytes", "1048576")));
            assertThat(log.warnings()).isEmpty();
        }

        assertThat(s.maxFrameBytes()).isEqualTo(1 << 20);
        assertThat(s.allowedUids()).containsExactlyInAnyOrder(1000L, 1001L);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.frameMemoryBytes()).isEqualTo(8L << 20);
    }

    @Test
    void theOldKeysAreStillReadWhereTheNewOnesAreAbsent() {
        UdsConfig defaults = Configs.defaults(UdsConfig.class);
        Map<String, Object> properties = Map.of("maxFrameBytes", "2097152", "allowedGids", "50",
                "maxConnectionsPerUid", "7", "authTimeoutSeconds", "3", "frame_memory_mb", "16");

        SocketServer.Settings s;
        try (LogCapture log = new LogCapture()) {
            s = AppSocket.settings(AppSocket.current(defaults, properties));

            assertThat(log.warnings()).filteredOn(l -> l.contains("'maxFrameBytes'")).singleElement().asString()
                    .contains("org.datafold.transport.uds", "'maxFrameBytes' is the old name of 'max_frame_bytes'");
            assertThat(log.warnings()).as("one warning per old key").hasSize(4);
        }

        assertThat(s.maxFrameBytes()).isEqualTo(2 << 20);
        assertThat(s.allowedGids()).containsExactly(50L);
        assertThat(s.maxConnectionsPerUid()).isEqualTo(7);
        assertThat(s.authTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.maxConnections()).as("not set: the default").isEqualTo(512);
    }

    @Test
    void everyOldKeyNamesAKeyOfTheConfiguration() {
        Map<String, Object> properties = new HashMap<>();
        UdsConfig.OLD_KEYS.keySet().forEach(old -> properties.put(old, "1"));
        properties.put("frameMemoryMb", "64");
        properties.put("maxFrameBytes", "1024");

        SocketServer.Settings s = AppSocket.settings(AppSocket.current(Configs.defaults(UdsConfig.class), properties));

        assertThat(s.maxFrameBytes()).isEqualTo(1024);
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.allowedUids()).containsExactly(1L);
    }
}
