package org.datafold.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

import org.junit.jupiter.api.Test;

class AdminProtocolTest {

    @Test
    void framesRoundTripWithUnicode() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        AdminProtocol.write(out, AdminProtocol.RUN, "fold:status ✓");
        AdminProtocol.write(out, AdminProtocol.AWAIT_READY, "5000");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThat(AdminProtocol.read(in, 100)).isEqualTo(new AdminProtocol.Frame(AdminProtocol.RUN, "fold:status ✓"));
        assertThat(AdminProtocol.read(in, 100)).isEqualTo(new AdminProtocol.Frame(AdminProtocol.AWAIT_READY, "5000"));
        assertThat(AdminProtocol.read(in, 100)).isNull();
    }

    @Test
    void oversizedFrameIsRefusedBeforeReadingIt() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(AdminProtocol.RUN);
        out.writeInt(2_000_000);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertThatThrownBy(() -> AdminProtocol.read(in, AdminProtocol.MAX_REQUEST))
                .hasMessage("frame of 2000000 bytes refused (limit 1048576)");
    }

    @Test
    void negativeLengthAndTruncatedHeaderAreRefused() {
        assertThatThrownBy(() -> AdminProtocol.read(new DataInputStream(new ByteArrayInputStream(
                new byte[] { 'C', (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff })), 100))
                .hasMessageContaining("refused");
        assertThatThrownBy(() -> AdminProtocol.read(new DataInputStream(new ByteArrayInputStream(
                new byte[] { 'C', 0, 0 })), 100)).hasMessage("truncated frame header");
    }
}
