package org.datafold.support.socket;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Unix domain socket paths of any length.
 *
 * <p>The kernel keeps a socket's path in {@code sun_path}, which holds {@value #MAX_BYTES} bytes: a
 * node installed in a deep folder cannot bind {@code <home>/run/datafold.sock} there. A server whose
 * configured path is too long binds in a short per-user directory instead
 * ({@code <runtime dir>/datafold-<uid>/<hash of the configured folder>/}, the runtime dir being
 * {@code $DATAFOLD_RUNTIME_DIR}, the system property {@value #RUNTIME_DIR_PROPERTY}, or {@code /tmp})
 * and leaves a symbolic link at the configured path. Clients call {@link #forConnect(Path)}, which
 * follows that link when the configured path itself is too long. A path that cannot work either way
 * is refused with one line naming the path, its length and the limit.
 */
public final class SocketPaths {
    /** Bytes of a socket path that {@code sun_path} holds on Linux (108 with the terminating NUL). */
    public static final int MAX_BYTES = 107;
    /** System property naming the folder for short socket directories. */
    public static final String RUNTIME_DIR_PROPERTY = "datafold.runtime.dir";
    /** Environment variable naming the folder for short socket directories (the property wins). */
    public static final String RUNTIME_DIR_ENV = "DATAFOLD_RUNTIME_DIR";

    private static final Set<PosixFilePermission> FORBIDDEN_ON_USER_DIR = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);

    private SocketPaths() {
    }

    /** The length in bytes of a path as the kernel sees it (absolute, UTF-8). */
    public static int length(Path path) {
        return path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** True when the path fits in {@code sun_path}. */
    public static boolean fits(Path path) {
        return length(path) <= MAX_BYTES;
    }

    /**
     * The path to connect to for a configured socket path: the path itself when it fits, else the
     * target of the symbolic link the node left there.
     *
     * @throws SocketPathException when neither fits (or the path does not exist)
     */
    public static Path forConnect(Path configured) throws SocketPathException {
        Path abs = configured.toAbsolutePath();
        if (fits(abs)) {
            return abs;
        }
        Path real;
        try {
            real = abs.toRealPath();
        } catch (NoSuchFileException e) {
            throw new SocketPathException(abs + ": no such socket (is the node running?)");
        } catch (IOException e) {
            throw new SocketPathException(abs + ": " + e.getMessage());
        }
        if (!fits(real)) {
            throw new SocketPathException(tooLong(abs.toString(), length(abs))
                    + (real.equals(abs) ? "" : "; it leads to " + real + " (" + length(real) + " bytes)"));
        }
        return real;
    }

    /** One line naming a path, its length and the limit. */
    public static String tooLong(String path, int length) {
        return "socket path " + path + " is " + length + " bytes long; a Unix socket path holds at most "
                + MAX_BYTES + " bytes";
    }

    /**
     * Where a server binds for a configured path: the path itself when it fits, else a file of the
     * same name in a short per-user directory (see the class comment).
     *
     * @throws SocketPathException when the short directory is too long as well
     */
    public static Path bindPath(Path configured) throws SocketPathException {
        Path abs = configured.toAbsolutePath().normalize();
        if (fits(abs)) {
            return abs;
        }
        Path dir = shortDirectory(abs.getParent());
        Path target = dir.resolve(abs.getFileName().toString());
        if (!fits(target)) {
            throw new SocketPathException(tooLong(abs.toString(), length(abs)) + ", and so is " + target + " ("
                    + length(target) + " bytes) in the short runtime directory; set " + RUNTIME_DIR_ENV
                    + " or -D" + RUNTIME_DIR_PROPERTY + " to a short folder");
        }
        return target;
    }

    /** The short directory for the sockets of one configured folder (not created). */
    static Path shortDirectory(Path configuredFolder) {
        return runtimeBase().resolve("datafold-" + uid()).resolve(hash(configuredFolder.toString()));
    }

    static Path runtimeBase() {
        String dir = System.getProperty(RUNTIME_DIR_PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(RUNTIME_DIR_ENV);
        }
        return Path.of(dir == null || dir.isBlank() ? "/tmp" : dir).toAbsolutePath();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The uid this process runs as. */
    public static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read this process's uid from /proc/self: " + e, e);
        }
    }

    /** Binds a socket at a path that fits; implemented by each server with its socket library. */
    @FunctionalInterface
    public interface Binder<T> {
        T bind(Path path) throws IOException;
    }

    /** Whether a server answers on a socket path that fits (a connect succeeds). */
    public static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A bound server socket: where it is bound, the configured path (a link when they differ), and
     * whether a stale socket file of an earlier run was replaced.
     */
    public record Bound<T>(T socket, Path configured, Path bound, boolean replacedStale) {
        public boolean linked() {
            return !configured.equals(bound);
        }

        /** Removes the socket file and the link; quiet when they are gone already. */
        public void removeFiles() throws IOException {
            if (linked()) {
                Path target = null;
                try {
                    target = Files.readSymbolicLink(configured);
                } catch (IOException | UnsupportedOperationException ignored) {
                    // not our link any more
                }
                if (bound.equals(target)) {
                    Files.deleteIfExists(configured);
                }
            }
            Files.deleteIfExists(bound);
        }
    }

    /**
     * Binds a server socket so that others can never reach it, whatever the length of the configured
     * path: inside a directory that only the user and {@code group} may enter (0750), the socket file
     * then set to {@code socketMode}; when the configured path is too long, in the short per-user
     * directory, with a symbolic link at the configured path. A leftover socket is replaced unless a
     * live server answers on it.
     *
     * @param what the name of the socket in messages ("app socket")
     * @throws SocketPathException  when no path that fits can be found, or the short directory is unsafe
     * @throws SocketInUseException when a live server answers on the path
     */
    public static <T> Bound<T> bindPrivately(Path configured, String group, String socketMode, String what,
            Binder<T> binder) throws IOException {
        Path abs = configured.toAbsolutePath().normalize();
        Path target = bindPath(abs);
        boolean linked = !target.equals(abs);
        privateDir(abs.getParent(), group);
        if (linked) {
            ensureUserDirectory(target.getParent().getParent());
            privateDir(target.getParent(), group);
        }
        boolean replacedStale = false;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            if (answers(target)) {
                throw new SocketInUseException(what + " " + abs + " is in use: another node is running on this path");
            }
            Files.delete(target);
            replacedStale = true;
        }
        if (linked && Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isSymbolicLink(abs) && answers(target)) {
                throw new SocketInUseException(what + " " + abs + " is in use");
            }
            Files.delete(abs);
        }
        T socket = binder.bind(target);
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(socketMode));
            GroupPrincipal g = groupPrincipal(target, group);
            if (g != null) {
                Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
            }
            if (linked) {
                Files.createSymbolicLink(abs, target);
            }
        } catch (IOException | RuntimeException e) {
            if (socket instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            Files.deleteIfExists(target);
            throw e;
        }
        return new Bound<>(socket, abs, target, replacedStale);
    }

    /** Creates (or tightens) a socket folder: 0750, optionally given a group. */
    private static void privateDir(Path dir, String group) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        GroupPrincipal g = groupPrincipal(dir, group);
        if (g != null) {
            Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(g);
        }
    }

    private static GroupPrincipal groupPrincipal(Path anyPath, String group) throws IOException {
        if (group == null || group.isBlank()) {
            return null;
        }
        try {
            return anyPath.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group.strip());
        } catch (IOException e) {
            throw new SocketPathException("unknown group '" + group + "' for the socket");
        }
    }

    /**
     * Makes sure the per-user directory ({@code datafold-<uid>}, mode 0711: others may pass through
     * to a socket folder whose own mode admits them, but not list it) exists, is a real directory, is
     * owned by this user and is writable by nobody else; a directory someone else prepared in a
     * shared {@code /tmp} is refused.
     */
    static void ensureUserDirectory(Path dir) throws IOException {
        Files.createDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x")); // past the umask
        } catch (FileAlreadyExistsException exists) {
            // checked below
        }
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long owner = ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
        if (!attrs.isDirectory() || attrs.isSymbolicLink() || owner != uid()
                || attrs.permissions().stream().anyMatch(FORBIDDEN_ON_USER_DIR::contains)) {
            throw new SocketPathException("the short socket directory " + dir + " is not a private directory of uid "
                    + uid() + " (owner uid " + owner + ", mode " + PosixFilePermissions.toString(attrs.permissions())
                    + "); remove it or set " + RUNTIME_DIR_ENV + " to a folder of your own");
        }
    }

    /** A socket path that cannot be used; the message is one line for the user. */
    public static class SocketPathException extends IOException {
        private static final long serialVersionUID = 1L;

        public SocketPathException(String message) {
            super(message);
        }
    }

    /** A live server answers on the socket path. */
    public static final class SocketInUseException extends SocketPathException {
        private static final long serialVersionUID = 1L;

        public SocketInUseException(String message) {
            super(message);
        }
    }
}
