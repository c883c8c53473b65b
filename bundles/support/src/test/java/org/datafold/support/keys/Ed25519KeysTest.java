package org.datafold.support.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class Ed25519KeysTest {
    private static final byte[] MESSAGE = "a message".getBytes(StandardCharsets.UTF_8);

    @Test
    void rawAndX509ConvertBothWaysLikeTheJdk() {
        KeyPair pair = Ed25519Keys.generate();
        byte[] der = pair.getPublic().getEncoded();
        byte[] raw = Ed25519Keys.raw(pair.getPublic());
        assertThat(raw).hasSize(Ed25519Keys.KEY_BYTES).isEqualTo(Arrays.copyOfRange(der, der.length - 32, der.length));
        assertThat(Ed25519Keys.toX509(raw)).isEqualTo(der);
        assertThat(Ed25519Keys.fromX509(der)).isEqualTo(raw);
        assertThat(Ed25519Keys.publicKey(raw)).isEqualTo(pair.getPublic());
    }

    @Test
    void theTextFormIsBase64OfTheRawKeyWithAnOptionalPrefix() {
        byte[] raw = Ed25519Keys.raw(Ed25519Keys.generate().getPublic());
        String text = Ed25519Keys.encode(raw);
        assertThat(text).isEqualTo(Base64.getEncoder().encodeToString(raw));
        assertThat(Ed25519Keys.decode(text)).isEqualTo(raw);
        assertThat(Ed25519Keys.decode(" ED25519:" + text + "\n")).isEqualTo(raw);
        assertThatThrownBy(() -> Ed25519Keys.decode("AAAA")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes, this one has 3");
        assertThatThrownBy(() -> Ed25519Keys.decode("not base64!")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("standard base64");
        assertThatThrownBy(() -> Ed25519Keys.decode(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519Keys.encode(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherEncodingsAreRefused() {
        byte[] der = Ed25519Keys.generate().getPublic().getEncoded();
        byte[] otherAlgorithm = der.clone();
        otherAlgorithm[8] = 0x71; // OID 1.3.101.113: Ed448
        assertThatThrownBy(() -> Ed25519Keys.fromX509(otherAlgorithm)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519Keys.fromX509(Arrays.copyOf(der, 43))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ed25519Keys.privateKey(new byte[] { 1, 2, 3 }))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signaturesVerifyForTheirKeyAndMessageOnly() {
        KeyPair pair = Ed25519Keys.generate();
        byte[] raw = Ed25519Keys.raw(pair.getPublic());
        byte[] signature = Ed25519Keys.sign(pair.getPrivate(), MESSAGE);
        assertThat(signature).hasSize(Ed25519Keys.SIGNATURE_BYTES);
        assertThat(Ed25519Keys.verify(raw, MESSAGE, signature)).isTrue();

        byte[] otherMessage = "another message".getBytes(StandardCharsets.UTF_8);
        assertThat(Ed25519Keys.verify(raw, otherMessage, signature)).isFalse();
        byte[] otherKey = Ed25519Keys.raw(Ed25519Keys.generate().getPublic());
        assertThat(Ed25519Keys.verify(otherKey, MESSAGE, signature)).isFalse();
        byte[] flipped = signature.clone();
        flipped[0] ^= 1;
        assertThat(Ed25519Keys.verify(raw, MESSAGE, flipped)).isFalse();
        assertThat(Ed25519Keys.verify(raw, MESSAGE, Arrays.copyOf(signature, 63))).isFalse();
        assertThat(Ed25519Keys.verify(new byte[5], MESSAGE, signature)).isFalse();
    }

    @Test
    void aStoredPrivateKeySignsAgainAndPairsAreChecked() {
        KeyPair pair = Ed25519Keys.generate();
        KeyPair other = Ed25519Keys.generate();
        var restored = Ed25519Keys.privateKey(pair.getPrivate().getEncoded());
        assertThat(Ed25519Keys.verify(Ed25519Keys.raw(pair.getPublic()), MESSAGE, Ed25519Keys.sign(restored, MESSAGE)))
                .isTrue();
        assertThat(Ed25519Keys.matches(restored, pair.getPublic())).isTrue();
        assertThat(Ed25519Keys.matches(restored, other.getPublic())).isFalse();
    }
}
