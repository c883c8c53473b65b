package org.datafold.mesh.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Arrays;

import org.datafold.api.permission.PublicKeys;

/**
 * One mesh message: who sent it, the global step and pattern value it carries, its payload and the
 * sender's Ed25519 signature over everything else.
 *
 * <p>Wire format (big-endian): magic {@code DFM1} (4 bytes), type (1 byte), sender key (2-byte length
 * + UTF-8 of the canonical base64), incarnation (8), global step (8), pattern value (8), timestamp in
 * epoch milliseconds (8), payload (4-byte length + bytes), signature (64 bytes). The signature covers
 * every byte before it.
 *
 * @param type        what the payload means
 * @param senderId    the sender's node key (canonical form)
 * @param to          the recipient's node key for a message to one node, else empty
 * @param incarnation a random number the sender chose when it started (replay tracking per run)
 * @param globalStep  the sender's global step for this message (each step used once per run)
 * @param pattern     the pattern value for {@code globalStep}
 * @param timestamp   when it was sent (epoch milliseconds)
 * @param payload     the payload (not copied)
 * @param signature   the signature (not copied)
 */
record MeshMessage(Type type, String senderId, String to, long incarnation, long globalStep, long pattern, long timestamp,
        byte[] payload, byte[] signature) {

    /** The largest payload accepted. */
    static final int MAX_PAYLOAD = 256 * 1024;
    private static final int MAGIC = 0x44464d31; // "DFM1"
    private static final int MAX_KEY_CHARS = 64;

    /** Whether it is addressed to one node. */
    boolean directed() {
        return !to.isEmpty();
    }

    /** Message types (their order is the wire format: add new ones at the end). */
    enum Type {
        /** Periodic liveness and the schemas the sender holds Approved (one name per line). */
        HEARTBEAT,
        /** Sent on every view change: the sender's step, for reconciliation (exempt from the step window). */
        SYNC,
        /** Application data. */
        DATA,
        /** A forwarded query (to one node). */
        QUERY,
        /** The answer to a forwarded query (to the node that asked). */
        RESULT
    }

    /** A signed message. */
    static MeshMessage signed(Type type, String senderId, long incarnation, long step, long pattern, long timestamp,
            byte[] payload, PrivateKey key) {
        return signed(type, senderId, "", incarnation, step, pattern, timestamp, payload, key);
    }

    /** A signed message to one node ({@code to} empty: to every member). */
    static MeshMessage signed(Type type, String senderId, String to, long incarnation, long step, long pattern,
            long timestamp, byte[] payload, PrivateKey key) {
        MeshMessage unsigned = new MeshMessage(type, senderId, to, incarnation, step, pattern, timestamp, payload, null);
        return unsigned.withSignature(PublicKeys.sign(key, unsigned.signedBytes()));
    }

    MeshMessage withSignature(byte[] sig) {
        return new MeshMessage(type, senderId, to, incarnation, globalStep, pattern, timestamp, payload, sig);
    }

    /** The bytes the signature covers. */
    byte[] signedBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + payload.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(type.ordinal());
            byte[] sender = senderId.getBytes(StandardCharsets.UTF_8);
            out.writeShort(sender.length);
            out.write(sender);
            byte[] recipient = to.getBytes(StandardCharsets.UTF_8);
            out.writeShort(recipient.length);
            out.write(recipient);
            out.writeLong(incarnation);
            out.writeLong(globalStep);
            out.writeLong(pattern);
            out.writeLong(timestamp);
            out.writeInt(payload.length);
            out.write(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The wire form. */
    byte[] encode() {
        if (signature == null || signature.length != PublicKeys.SIGNATURE_BYTES) {
            throw new IllegalStateException("message not signed");
        }
        byte[] body = signedBytes();
        byte[] all = Arrays.copyOf(body, body.length + signature.length);
        System.arraycopy(signature, 0, all, body.length, signature.length);
        return all;
    }

    /**
     * Reads the wire form.
     *
     * @throws MalformedMessageException when it is not a well-formed message
     */
    static MeshMessage decode(byte[] data, int offset, int length) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data, offset, length);
            if (in.getInt() != MAGIC) {
                throw new MalformedMessageException("not a mesh message");
            }
            int typeIndex = in.get();
            if (typeIndex < 0 || typeIndex >= Type.values().length) {
                throw new MalformedMessageException("unknown type " + typeIndex);
            }
            int senderLength = in.getShort() & 0xffff;
            if (senderLength > MAX_KEY_CHARS) {
                throw new MalformedMessageException("sender too long");
            }
            byte[] sender = new byte[senderLength];
            in.get(sender);
            int toLength = in.getShort() & 0xffff;
            if (toLength > MAX_KEY_CHARS) {
                throw new MalformedMessageException("recipient too long");
            }
            byte[] recipient = new byte[toLength];
            in.get(recipient);
            long incarnation = in.getLong();
            long step = in.getLong();
            long pattern = in.getLong();
            long timestamp = in.getLong();
            int payloadLength = in.getInt();
            if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
                throw new MalformedMessageException("payload length " + payloadLength);
            }
            byte[] payload = new byte[payloadLength];
            in.get(payload);
            byte[] sig = new byte[PublicKeys.SIGNATURE_BYTES];
            in.get(sig);
            if (in.hasRemaining()) {
                throw new MalformedMessageException(in.remaining() + " bytes after the signature");
            }
            if (step < 0) {
                throw new MalformedMessageException("negative step");
            }
            return new MeshMessage(Type.values()[typeIndex], new String(sender, StandardCharsets.UTF_8),
                    new String(recipient, StandardCharsets.UTF_8), incarnation,
                    step, pattern, timestamp, payload, sig);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new MalformedMessageException("truncated");
        }
    }

    /** A message that cannot be decoded. */
    static final class MalformedMessageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedMessageException(String message) {
            super(message, null, false, false);
        }
    }
}
