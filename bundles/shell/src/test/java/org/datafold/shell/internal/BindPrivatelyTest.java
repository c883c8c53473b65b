package org.datafold.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

class BindPrivatelyTest {

    @TempDir
    Path tmp;

    @Test
    void socketIsOwnerOnlyInsideADirectoryClosedToOthers() throws IOException {
        Path sock = tmp.resolve("run/admin.sock");
        try (AFUNIXServerSocket server = AdminSocketServer.bindPrivately(sock).socket()) {
            assertThat(server.isBound()).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())))
                    .isEqualTo("rwxr-x---");
        }
    }

    @Test
    void existingDirectoryIsTightenedToOwnerAndGroup() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (AFUNIXServerSocket server = AdminSocketServer.bindPrivately(dir.resolve("admin.sock")).socket()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxr-x---");
        }
    }

    @Test
    void staleSocketFileIsReplaced() throws IOException {
        Path sock = tmp.resolve("run/admin.sock");
        Files.createDirectories(sock.getParent());
        // A socket file nobody listens on, as a crashed node leaves behind.
        AFUNIXServerSocket crashed = AFUNIXServerSocket.newInstance();
        crashed.setDeleteOnClose(false);
        crashed.bind(AFUNIXSocketAddress.of(sock));
        crashed.close();
        assertThat(sock).exists();
        try (AFUNIXServerSocket server = AdminSocketServer.bindPrivately(sock).socket()) {
            assertThat(server.isBound()).isTrue();
        }
    }

    @Test
    void liveSocketOfAnotherNodeIsRefused() throws IOException {
        Path sock = tmp.resolve("run/admin.sock");
        try (AFUNIXServerSocket first = AdminSocketServer.bindPrivately(sock).socket()) {
            assertThatThrownBy(() -> AdminSocketServer.bindPrivately(sock).socket())
                    .isInstanceOf(FoldException.class)
                    .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE))
                    .hasMessageContaining("another node is running");
        }
    }

    @Test
    void relativePathsResolveAgainstTheNodeHome() {
        String before = System.getProperty("datafold.home");
        try {
            System.setProperty("datafold.home", tmp.toString());
            assertThat(AdminSocketServer.resolve("run/admin.sock")).isEqualTo(tmp.resolve("run/admin.sock"));
            assertThat(AdminSocketServer.resolve("/abs/admin.sock")).isEqualTo(Path.of("/abs/admin.sock"));
        } finally {
            if (before == null) {
                System.clearProperty("datafold.home");
            } else {
                System.setProperty("datafold.home", before);
            }
        }
    }
}
