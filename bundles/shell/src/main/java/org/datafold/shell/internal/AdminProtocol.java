package org.datafold.shell.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The admin socket's framing, shared by the server and the command-line client (which uses only
 * JDK classes). Every frame is one type or status byte, a 4-byte big-endian length and that many
 * bytes of UTF-8 text.
 *
 * <ul>
 * <li>client to node: {@link #RUN} with a Gogo command line, or {@link #AWAIT_READY} with a
 * timeout in milliseconds as decimal text;</li>
 * <li>node to client: {@link #OK}, {@link #FAILED}, {@link #NOT_READY} or {@link #REFUSED}, with the
 * command output or the error message.</li>
 * </ul>
 */
public final class AdminProtocol {
    public static final byte RUN = 'C';
    public static final byte AWAIT_READY = 'R';

    public static final byte OK = 0;
    public static final byte FAILED = 1;
    public static final byte NOT_READY = 2;
    public static final byte REFUSED = 3;

    /** Largest request the node accepts. */
    public static final int MAX_REQUEST = 1 << 20;
    /** Largest response the client accepts. */
    public static final int MAX_RESPONSE = 64 << 20;

    /** One frame. */
    public record Frame(byte kind, String text) {
    }

    private AdminProtocol() {
    }

    public static void write(DataOutputStream out, byte kind, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeByte(kind);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** Reads one frame; returns null on a clean end of stream before the first byte. */
    public static Frame read(DataInputStream in, int maxLength) throws IOException {
        int kind = in.read();
        if (kind < 0) {
            return null;
        }
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new IOException("truncated frame header");
        }
        if (length < 0 || length > maxLength) {
            throw new IOException("frame of " + length + " bytes refused (limit " + maxLength + ")");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new Frame((byte) kind, new String(bytes, StandardCharsets.UTF_8));
    }
}
