package org.datafold.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;

import org.datafold.api.permission.PublicKeys;
import org.junit.jupiter.api.Test;

class MeshMessageTest {

    private final KeyPair pair = PublicKeys.generate();
    private final String key = PublicKeys.of(pair.getPublic());

    private MeshMessage message() {
        return MeshMessage.signed(MeshMessage.Type.HEARTBEAT, key, 42L, 17, 4, 1_700_000_000_000L,
                "people\nnotes".getBytes(StandardCharsets.UTF_8), pair.getPrivate());
    }

    @Test
    void roundTripKeepsEveryFieldAndTheSignatureVerifies() {
        MeshMessage m = message();
        byte[] wire = m.encode();
        MeshMessage back = MeshMessage.decode(wire, 0, wire.length);
        assertThat(back.type()).isEqualTo(MeshMessage.Type.HEARTBEAT);
        assertThat(back.senderId()).isEqualTo(key);
        assertThat(back.to()).isEmpty();
        assertThat(back.directed()).isFalse();
        assertThat(back.incarnation()).isEqualTo(42L);
        assertThat(back.globalStep()).isEqualTo(17);
        assertThat(back.pattern()).isEqualTo(4);
        assertThat(back.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(new String(back.payload(), StandardCharsets.UTF_8)).isEqualTo("people\nnotes");
        assertThat(PublicKeys.verify(key, back.signedBytes(), back.signature())).isTrue();
    }

    @Test
    void theRecipientIsSignedToo() {
        KeyPair other = PublicKeys.generate();
        String otherKey = PublicKeys.of(other.getPublic());
        MeshMessage m = MeshMessage.signed(MeshMessage.Type.QUERY, key, otherKey, 1, 2, 3, 4, new byte[0],
                pair.getPrivate());
        byte[] wire = m.encode();
        MeshMessage back = MeshMessage.decode(wire, 0, wire.length);
        assertThat(back.to()).isEqualTo(otherKey);
        assertThat(back.directed()).isTrue();
        MeshMessage redirected = new MeshMessage(m.type(), m.senderId(), key, m.incarnation(), m.globalStep(),
                m.pattern(), m.timestamp(), m.payload(), m.signature());
        assertThat(PublicKeys.verify(key, redirected.signedBytes(), redirected.signature())).isFalse();
    }

    @Test
    void decodingAtAnOffsetReadsOnlyTheGivenRange() {
        byte[] wire = message().encode();
        byte[] padded = new byte[wire.length + 10];
        System.arraycopy(wire, 0, padded, 5, wire.length);
        assertThat(MeshMessage.decode(padded, 5, wire.length).globalStep()).isEqualTo(17);
    }

    @Test
    void anyChangedFieldBreaksTheSignature() {
        MeshMessage m = message();
        MeshMessage otherStep = new MeshMessage(m.type(), m.senderId(), m.to(), m.incarnation(), m.globalStep() + 1,
                m.pattern(), m.timestamp(), m.payload(), m.signature());
        MeshMessage otherPayload = new MeshMessage(m.type(), m.senderId(), m.to(), m.incarnation(), m.globalStep(),
                m.pattern(), m.timestamp(), "x".getBytes(StandardCharsets.UTF_8), m.signature());
        assertThat(PublicKeys.verify(key, otherStep.signedBytes(), otherStep.signature())).isFalse();
        assertThat(PublicKeys.verify(key, otherPayload.signedBytes(), otherPayload.signature())).isFalse();
    }

    @Test
    void malformedInputIsRefusedWithAReason() {
        byte[] wire = message().encode();
        assertThatThrownBy(() -> MeshMessage.decode(wire, 0, wire.length - 1))
                .isInstanceOf(MeshMessage.MalformedMessageException.class).hasMessage("truncated");
        byte[] longer = Arrays.copyOf(wire, wire.length + 3);
        assertThatThrownBy(() -> MeshMessage.decode(longer, 0, longer.length))
                .hasMessageContaining("after the signature");
        byte[] badMagic = wire.clone();
        badMagic[0] = 'X';
        assertThatThrownBy(() -> MeshMessage.decode(badMagic, 0, badMagic.length)).hasMessage("not a mesh message");
        byte[] badType = wire.clone();
        badType[4] = 9;
        assertThatThrownBy(() -> MeshMessage.decode(badType, 0, badType.length)).hasMessageContaining("unknown type");
        // a payload length far past the limit is refused before anything is allocated
        int payloadLengthAt = 4 + 1 + 2 + key.length() + 2 + 8 * 4;
        byte[] huge = wire.clone();
        ByteBuffer.wrap(huge).putInt(payloadLengthAt, Integer.MAX_VALUE);
        assertThatThrownBy(() -> MeshMessage.decode(huge, 0, huge.length)).hasMessageContaining("payload length");
        assertThatThrownBy(() -> MeshMessage.decode(new byte[0], 0, 0)).hasMessage("truncated");
    }

    @Test
    void anUnsignedMessageCannotBeEncoded() {
        MeshMessage m = message().withSignature(null);
        assertThatThrownBy(m::encode).isInstanceOf(IllegalStateException.class);
    }
}
