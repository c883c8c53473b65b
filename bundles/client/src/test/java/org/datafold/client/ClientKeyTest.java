package org.datafold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientKeyTest {
    @TempDir
    Path dir;

    @Test
    void saveWritesMode0600AndLoadRoundTrips() throws Exception {
        ClientKey key = ClientKey.generate();
        Path file = dir.resolve("app.key");
        key.save(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode json = FakeNode.JSON.readTree(file.toFile());
        assertThat(json.path("type").asText()).isEqualTo("ed25519");
        assertThat(json.path("public_key").asText()).isEqualTo(key.publicKey());
        assertThat(Base64.getDecoder().decode(json.path("public_key").asText())).hasSize(32);

        ClientKey loaded = ClientKey.load(file);
        assertThat(loaded.publicKey()).isEqualTo(key.publicKey());
        byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(ClientKey.verify(key.publicKey(), msg, loaded.sign(msg))).isTrue();
        assertThat(loaded.toString()).doesNotContain(json.path("private_key").asText());
    }

    @Test
    void saveRefusesToOverwrite() throws Exception {
        Path file = Files.writeString(dir.resolve("taken.key"), "precious");
        assertThatThrownBy(() -> ClientKey.generate().save(file)).isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo("precious");
    }

    @Test
    void publicKeyIsTheRawKeyInStandardBase64() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = pair.getPublic().getEncoded();
        String expected = Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
        assertThat(ClientKey.of(pair).publicKey()).isEqualTo(expected);
    }

    @Test
    void mismatchedOrBrokenKeyFilesAreRefused() throws Exception {
        Path file = dir.resolve("a.key");
        ClientKey.generate().save(file);
        ObjectNode json = (ObjectNode) FakeNode.JSON.readTree(file.toFile());
        String privateKey = json.path("private_key").asText();

        json.put("public_key", ClientKey.generate().publicKey());
        Path mismatched = Files.writeString(dir.resolve("mismatched.key"), json.toString());
        assertThatThrownBy(() -> ClientKey.load(mismatched)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belong together").hasMessageNotContaining(privateKey);

        Path wrongType = Files.writeString(dir.resolve("rsa.key"), json.put("type", "rsa").toString());
        assertThatThrownBy(() -> ClientKey.load(wrongType)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ed25519");

        Path notJson = Files.writeString(dir.resolve("junk.key"), "junk");
        assertThatThrownBy(() -> ClientKey.load(notJson)).isInstanceOf(IllegalArgumentException.class);

        Path shortKey = Files.writeString(dir.resolve("short.key"),
                json.put("type", "ed25519").put("public_key", "AAAA").toString());
        assertThatThrownBy(() -> ClientKey.load(shortKey)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");

        assertThatThrownBy(() -> ClientKey.load(dir.resolve("missing.key"))).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void rangeFilterForms() {
        assertThat(RangeFilter.key("k").toString()).isEqualTo("{\"Key\":\"k\"}");
        assertThat(RangeFilter.keys("a", "b").toString()).isEqualTo("{\"Keys\":[\"a\",\"b\"]}");
        assertThat(RangeFilter.keyPattern("a*").toString()).isEqualTo("{\"KeyPattern\":\"a*\"}");
        assertThat(RangeFilter.parse("{\"KeyPrefix\": \"p\"}")).isEqualTo(RangeFilter.keyPrefix("p"));
        assertThatThrownBy(() -> RangeFilter.parse("[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RangeFilter.parse("{bad")).isInstanceOf(IllegalArgumentException.class);
    }
}
