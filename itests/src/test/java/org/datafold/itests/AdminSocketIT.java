package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.Test;

/**
 * The admin socket of a running node, spoken to as a client would (frames: a type byte, a 4-byte
 * length, UTF-8 text).
 */
public class AdminSocketIT extends NodeTestBase {
    private static final byte RUN = 'C';
    private static final byte AWAIT_READY = 'R';

    private static Path socket() {
        return Path.of(System.getProperty("datafold.home")).resolve("run/admin.sock");
    }

    private record Reply(int status, String text) {
    }

    private static final class Conn implements AutoCloseable {
        final SocketChannel ch;
        final DataInputStream in;
        final DataOutputStream out;

        Conn() throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket().toRealPath())); // the node links a deep path to a short one
            in = new DataInputStream(Channels.newInputStream(ch));
            out = new DataOutputStream(Channels.newOutputStream(ch));
        }

        Reply send(byte kind, String text) throws IOException {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            out.writeByte(kind);
            out.writeInt(b.length);
            out.write(b);
            out.flush();
            int status = in.readUnsignedByte();
            byte[] r = new byte[in.readInt()];
            in.readFully(r);
            return new Reply(status, new String(r, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @Test
    public void socketIsPrivateToTheOwner() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket())));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket().getParent())));
    }

    @Test
    public void runsCommandsInOneSessionPerConnection() throws IOException {
        try (Conn c = new Conn()) {
            assertEquals(new Reply(0, "ready"), c.send(AWAIT_READY, "1000"));
            Reply status = c.send(RUN, "fold:status");
            assertEquals(0, status.status());
            assertTrue(status.text(), status.text().contains("Ready       yes"));
            assertEquals(0, c.send(RUN, "x = 42").status());
            Reply echo = c.send(RUN, "echo $x");
            assertEquals(0, echo.status());
            assertEquals("42", echo.text().trim());
        }
    }

    @Test
    public void failingCommandReportsFailureAndTheConnectionStaysUsable() throws IOException {
        try (Conn c = new Conn()) {
            Reply bad = c.send(RUN, "fold:nosuchcommand");
            assertEquals(1, bad.status());
            assertTrue(bad.text(), bad.text().contains("fold:nosuchcommand"));
            assertEquals(0, c.send(RUN, "fold:diag").status());
        }
    }

    @Test
    public void oversizedFrameClosesOnlyThatConnection() throws IOException {
        try (Conn c = new Conn()) {
            c.out.writeByte(RUN);
            c.out.writeInt(64 << 20);
            c.out.flush();
            assertEquals("the node closes the connection", -1, c.in.read());
        }
        try (Conn c = new Conn()) {
            assertEquals(0, c.send(RUN, "fold:diag").status());
        }
    }

    @Test
    public void unknownRequestTypeIsRefused() throws IOException {
        try (Conn c = new Conn()) {
            Reply r = c.send((byte) 'Z', "");
            assertEquals(1, r.status());
            assertTrue(r.text(), r.text().startsWith("INVALID_ARGUMENT"));
        }
    }
}
