package org.datafold.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.datafold.testsupport.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshSettingsTest {

    @TempDir
    Path dir;

    private static MeshSettings settings(Map<String, ?> props) {
        return MeshSettings.from(Configs.of(MeshConfig.class, props));
    }

    @Test
    void theDefaultsAreValidAndOff() throws Exception {
        MeshSettings s = settings(Map.of());
        assertThat(s.enabled()).isFalse();
        assertThat(s.bindAddr()).isEqualTo("127.0.0.1");
        assertThat(s.generator()).isEqualTo("digital_root");
        assertThat(s.maxPeerDistance()).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.patternGenerator().value(1)).isEqualTo(4);
    }

    @Test
    void theStackGetsTheConfiguredValuesAndBindsOnlyToBindAddr() throws Exception {
        MeshSettings s = settings(Map.of("bind_port", 7911, "initial_hosts", "127.0.0.1[7911], 127.0.0.1[7912]",
                "stack_file", dir.resolve("absent.xml").toString()));
        String xml = s.stackXml();
        assertThat(xml).contains("bind_port=\"7911\"", "initial_hosts=\"127.0.0.1[7911],127.0.0.1[7912]\"",
                "<FD_SOCK2 bind_addr=\"127.0.0.1\"", "diag.enabled=\"false\"", "<TCPPING", "<MERGE3");
        assertThat(xml).doesNotContainPattern("\\$\\{[a-z_]+}");
    }

    @Test
    void anOwnersStackFileReplacesTheBuiltInOne() throws Exception {
        Path file = dir.resolve("stack.xml");
        Files.writeString(file, "<config><TCP bind_port=\"${bind_port}\" other=\"${jgroups.x:1}\"/></config>");
        String xml = settings(Map.of("stack_file", file.toString(), "bind_port", 9000)).stackXml();
        assertThat(xml).isEqualTo("<config><TCP bind_port=\"9000\" other=\"${jgroups.x:1}\"/></config>");
    }

    @Test
    void theShippedStackFileIsTheBuiltInOne() throws Exception {
        Path shipped = Path.of("../../features/core/etc/mesh-tcp.xml");
        assertThat(Files.readString(shipped, StandardCharsets.UTF_8)).isEqualTo(StackTemplate.builtIn());
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> settings(Map.of("bind_port", 0))).hasMessageContaining("bind_port");
        assertThatThrownBy(() -> settings(Map.of("initial_hosts", "127.0.0.1:7800"))).hasMessageContaining("initial_hosts");
        assertThatThrownBy(() -> settings(Map.of("cluster", "a b"))).hasMessageContaining("cluster");
        assertThatThrownBy(() -> settings(Map.of("pattern_generator", "md5"))).hasMessageContaining("pattern_generator");
        assertThatThrownBy(() -> settings(Map.of("pattern_generator", "hmac"))).hasMessageContaining("secret_file");
        assertThatThrownBy(() -> settings(Map.of("pattern_seed", 0))).hasMessageContaining("pattern_seed");
        assertThatThrownBy(() -> settings(Map.of("max_peer_distance", -2))).hasMessageContaining("max_peer_distance");
        assertThatThrownBy(() -> settings(Map.of("heartbeat_interval_ms", 1))).hasMessageContaining("heartbeat_interval_ms");
    }

    @Test
    void theHmacGeneratorReadsItsSecretFile() throws Exception {
        Path secret = dir.resolve("mesh.secret");
        Files.writeString(secret, "a shared secret of the mesh");
        PatternGenerator g = settings(Map.of("pattern_generator", "hmac", "secret_file", secret.toString()))
                .patternGenerator();
        assertThat(g.name()).isEqualTo("hmac");
        assertThat(g.value(3)).isEqualTo(new HmacGenerator("a shared secret of the mesh".getBytes()).value(3));
        Files.writeString(secret, "short");
        assertThatThrownBy(() -> settings(Map.of("pattern_generator", "hmac", "secret_file", secret.toString()))
                .patternGenerator()).hasMessageContaining("at least 16 bytes");
    }
}
