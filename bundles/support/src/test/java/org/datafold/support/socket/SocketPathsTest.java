package org.datafold.support.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocketPathsTest {

    @TempDir
    Path tmp;
    Path runtime;
    String before;

    @BeforeEach
    void shortRuntimeDir() throws IOException {
        before = System.getProperty(SocketPaths.RUNTIME_DIR_PROPERTY);
        runtime = Files.createDirectories(tmp.resolve("rt"));
        System.setProperty(SocketPaths.RUNTIME_DIR_PROPERTY, runtime.toString());
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(SocketPaths.RUNTIME_DIR_PROPERTY);
        } else {
            System.setProperty(SocketPaths.RUNTIME_DIR_PROPERTY, before);
        }
    }

    /** A folder whose path is well past the limit of a socket path. */
    private Path deep() throws IOException {
        Path p = tmp;
        while (SocketPaths.length(p) < 150) {
            p = p.resolve("a-folder-of-an-ordinary-user");
        }
        return Files.createDirectories(p);
    }

    private SocketPaths.Bound<ServerSocketChannel> bind(Path socket, String mode) throws IOException {
        return SocketPaths.bindPrivately(socket, null, mode, "test socket", path -> {
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(path));
            return ch;
        });
    }

    @Test
    void aShortPathIsBoundWhereItIs() throws IOException {
        Path sock = tmp.resolve("run/x.sock");
        SocketPaths.Bound<ServerSocketChannel> b = bind(sock, "rw-rw----");
        try (ServerSocketChannel ch = b.socket()) {
            assertThat(b.linked()).isFalse();
            assertThat(b.bound()).isEqualTo(sock);
            assertThat(SocketPaths.forConnect(sock)).isEqualTo(sock);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-rw----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock.getParent())))
                    .isEqualTo("rwxr-x---");
        }
        b.removeFiles();
        assertThat(sock).doesNotExist();
    }

    @Test
    void aLongPathIsBoundInTheShortDirectoryWithALinkWhereItWasConfigured() throws IOException {
        Path sock = deep().resolve("run/datafold.sock");
        assertThat(SocketPaths.fits(sock)).isFalse();
        SocketPaths.Bound<ServerSocketChannel> b = bind(sock, "rw-------");
        try (ServerSocketChannel server = b.socket()) {
            assertThat(b.linked()).isTrue();
            assertThat(SocketPaths.fits(b.bound())).isTrue();
            assertThat(b.bound().getFileName().toString()).isEqualTo("datafold.sock");
            assertThat(b.bound().startsWith(runtime)).isTrue();
            assertThat(Files.isSymbolicLink(sock)).isTrue();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b.bound()))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b.bound().getParent())))
                    .isEqualTo("rwxr-x---");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(b.bound().getParent().getParent())))
                    .isEqualTo("rwx--x--x");
            // A client connects through the link.
            Path target = SocketPaths.forConnect(sock);
            assertThat(target).isEqualTo(b.bound());
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(target))) {
                assertThat(c.isConnected()).isTrue();
            }
            // The same folder maps to the same short directory: a second server there is refused.
            assertThatThrownBy(() -> bind(sock, "rw-------")).isInstanceOf(SocketPaths.SocketInUseException.class)
                    .hasMessageContaining("in use");
        }
        b.removeFiles();
        assertThat(sock).doesNotExist();
        assertThat(b.bound()).doesNotExist();
        assertThatThrownBy(() -> SocketPaths.forConnect(sock)).isInstanceOf(SocketPaths.SocketPathException.class)
                .hasMessageContaining("no such socket");
    }

    @Test
    void aLeftoverLinkAndSocketOfACrashedNodeAreReplaced() throws IOException {
        Path sock = deep().resolve("run/datafold.sock");
        SocketPaths.Bound<ServerSocketChannel> first = bind(sock, "rw-------");
        first.socket().close(); // a crash: the files stay
        assertThat(Files.isSymbolicLink(sock)).isTrue();
        SocketPaths.Bound<ServerSocketChannel> second = bind(sock, "rw-------");
        try (ServerSocketChannel ch = second.socket()) {
            assertThat(second.bound()).isEqualTo(first.bound());
            assertThat(second.replacedStale()).isTrue();
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(SocketPaths.forConnect(sock)))) {
                assertThat(c.isConnected()).isTrue();
            }
        }
        second.removeFiles();
    }

    @Test
    void whenEvenTheShortDirectoryIsTooLongTheErrorNamesThePathItsLengthAndTheLimit() throws IOException {
        Path longRuntime = deep();
        System.setProperty(SocketPaths.RUNTIME_DIR_PROPERTY, longRuntime.toString());
        Path sock = deep().resolve("run/datafold.sock");
        assertThatThrownBy(() -> bind(sock, "rw-------")).isInstanceOf(SocketPaths.SocketPathException.class)
                .hasMessageContaining(sock.toString())
                .hasMessageContaining(SocketPaths.length(sock) + " bytes long")
                .hasMessageContaining("at most 107 bytes")
                .hasMessageContaining(SocketPaths.RUNTIME_DIR_ENV)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aShortDirectoryWritableByOthersIsRefused() throws IOException {
        Path sock = deep().resolve("run/datafold.sock");
        Path userDir = runtime.resolve("datafold-" + SocketPaths.uid());
        Files.createDirectories(userDir);
        Files.setPosixFilePermissions(userDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> bind(sock, "rw-------")).isInstanceOf(SocketPaths.SocketPathException.class)
                .hasMessageContaining("not a private directory");
    }

    @Test
    void aShortDirectoryThatIsALinkIsRefused() throws IOException {
        Path sock = deep().resolve("run/datafold.sock");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(runtime.resolve("datafold-" + SocketPaths.uid()), elsewhere);
        assertThatThrownBy(() -> bind(sock, "rw-------")).isInstanceOf(SocketPaths.SocketPathException.class)
                .hasMessageContaining("not a private directory");
    }
}
