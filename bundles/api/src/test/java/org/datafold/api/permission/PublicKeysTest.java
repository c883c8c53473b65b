package org.datafold.api.permission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Base64;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.junit.jupiter.api.Test;

class PublicKeysTest {
    private static final byte[] MESSAGE = "datafold".getBytes(StandardCharsets.UTF_8);

    @Test
    void theTextFormIsTheRawKeyInBase64() {
        KeyPair pair = PublicKeys.generate();
        byte[] der = pair.getPublic().getEncoded();
        String key = PublicKeys.of(pair.getPublic());
        assertThat(key).isEqualTo(Base64.getEncoder().encodeToString(Arrays.copyOfRange(der, 12, 44)));
        assertThat(PublicKeys.normalize(PublicKeys.PREFIX + key)).isEqualTo(key);
        assertThat(PublicKeys.encode(PublicKeys.decode(key))).isEqualTo(key);
        assertThat(PublicKeys.toX509(key)).isEqualTo(der);
        assertThat(PublicKeys.fromX509(der)).isEqualTo(PublicKeys.decode(key));
        assertThat(PublicKeys.publicKey(key)).isEqualTo(pair.getPublic());
        assertThat(PublicKeys.fingerprint(key)).matches("fp:[0-9a-f]{16}");
    }

    @Test
    void malformedKeysAreInvalidArguments() {
        assertThat(PublicKeys.isKey("AAAA")).isFalse();
        assertThat(PublicKeys.fingerprint("AAAA")).isEqualTo("fp:invalid");
        assertThatThrownBy(() -> PublicKeys.decode("AAAA")).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> PublicKeys.normalize(null)).isInstanceOf(FoldException.class);
        assertThatThrownBy(() -> PublicKeys.encode(new byte[33])).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.getMessage()).contains("this one has 33"));
        assertThatThrownBy(() -> PublicKeys.fromX509(new byte[44])).isInstanceOf(FoldException.class);
        assertThatThrownBy(() -> PublicKeys.privateKey(new byte[3])).isInstanceOf(FoldException.class);
    }

    @Test
    void signAndVerifyAnyMessage() {
        KeyPair pair = PublicKeys.generate();
        String key = PublicKeys.of(pair.getPublic());
        byte[] signature = PublicKeys.sign(pair.getPrivate(), MESSAGE);
        assertThat(signature).hasSize(PublicKeys.SIGNATURE_BYTES);
        assertThat(PublicKeys.verify(key, MESSAGE, signature)).isTrue();
        assertThat(PublicKeys.verify(PublicKeys.PREFIX + key, MESSAGE, signature)).isTrue();
        assertThat(PublicKeys.verify(key, "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(PublicKeys.verify(PublicKeys.of(PublicKeys.generate().getPublic()), MESSAGE, signature)).isFalse();
        assertThat(PublicKeys.verify("not a key", MESSAGE, signature)).isFalse();
        assertThat(PublicKeys.verify(key, MESSAGE, new byte[12])).isFalse();

        var restored = PublicKeys.privateKey(pair.getPrivate().getEncoded());
        assertThat(PublicKeys.matches(restored, pair.getPublic())).isTrue();
        assertThat(PublicKeys.matches(restored, PublicKeys.generate().getPublic())).isFalse();
    }
}
