package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/**
 * The layout of the container images ({@code deploy/docker/}) run on the host, since no container
 * engine runs on the build machine: the runtime with the edits {@code node.Dockerfile} makes (read
 * from the Dockerfile), the images' users and groups, each "container" a bubblewrap namespace with
 * the host's system read-only, a {@code /tmp} tmpfs, the volumes as bind mounts and no network, the
 * processes switched to the images' uids with {@code setpriv} (no capabilities, no new privileges),
 * the images' entry points. {@code nsenter} into the node's namespaces stands for {@code docker
 * exec}. It shows that the node starts on a read-only home, that the compose file's health check
 * answers, and that the app socket is shared by group only: the app's uid in group 10100 writes and
 * reads, another uid is refused by the file system.
 *
 * <p>Needs root, bwrap, setpriv and nsenter; skipped with the reason otherwise.
 */
public class ContainerLayoutIT {
    private static final int NODE_UID = 10001;
    private static final int APP_UID = 10002;
    private static final int OTHER_UID = 10003;
    private static final int SOCKET_GID = 10100;
    private static final Path DOCKER = Path.of(System.getProperty("datafold.it.features")).toAbsolutePath().normalize()
            .getParent().resolve("deploy/docker");

    @Rule
    public final NodeProcess proc = new NodeProcess("containers-");

    private Path base;
    private Path data;
    private Path socketDir;
    private Path appHome;
    private Process node;

    @Before
    public void image() throws Exception {
        assumeTrue("needs root to switch to the images' uids", "root".equals(System.getProperty("user.name")));
        for (String tool : List.of("bwrap", "setpriv", "nsenter")) {
            assumeTrue(tool + " is not installed", Stream.of(System.getenv("PATH").split(":"))
                    .anyMatch(d -> Files.isExecutable(Path.of(d, tool))));
        }
        Process probe = new ProcessBuilder("bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "--dev",
                "/dev", "/bin/true").redirectErrorStream(true).start();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS));
        assumeTrue("bwrap cannot make namespaces here", probe.exitValue() == 0);

        // The node image: the runtime (no data, run, logs, cache) with the Dockerfile's edits.
        String dockerfile = Files.readString(DOCKER.resolve("node.Dockerfile"));
        Path home = proc.home();
        base = home.getParent();
        Path cfg = home.resolve("etc/org.datafold.transport.uds.cfg");
        String text = Files.readString(cfg);
        Matcher sed = Pattern.compile("-e 's\\|([^|]*)\\|([^|]*)\\|'").matcher(dockerfile);
        int edits = 0;
        while (sed.find()) {
            Matcher line = Pattern.compile(sed.group(1), Pattern.MULTILINE).matcher(text);
            assertTrue("the Dockerfile's edit " + sed.group(1) + " finds its line", line.find());
            text = line.replaceAll(Matcher.quoteReplacement(sed.group(2)));
            edits++;
        }
        assertEquals("path and group of the app socket", 2, edits);
        Files.writeString(cfg, text);
        Matcher link = Pattern.compile("ln -s (/tmp/datafold/\\w+) /opt/datafold/(\\w+)").matcher(dockerfile);
        while (link.find()) {
            Files.createSymbolicLink(home.resolve(link.group(2)), Path.of(link.group(1)));
        }
        assertTrue("run/ is a link into /tmp", Files.isSymbolicLink(home.resolve("run")));

        Path entry = Files.createDirectories(base.resolve("entry"));
        for (String script : List.of("node-entrypoint.sh", "notes-app-entrypoint.sh")) {
            Files.copy(DOCKER.resolve(script), entry.resolve(script), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        // The app image: the client libraries and the app's jar.
        Path app = Files.createDirectories(base.resolve("notes-app/lib"));
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, app.resolve(jar.getFileName()));
            }
        }
        Files.copy(Path.of(System.getProperty("datafold.it.example.notes")), app.resolveSibling("notes-app.jar"));

        // The images' users and groups.
        Files.writeString(base.resolve("passwd"), Files.readString(Path.of("/etc/passwd"))
                + "datafold:x:" + NODE_UID + ":" + NODE_UID + "::/opt/datafold:/usr/sbin/nologin\n"
                + "notes:x:" + APP_UID + ":" + APP_UID + "::/var/lib/notes-app:/usr/sbin/nologin\n");
        Files.writeString(base.resolve("group"), Files.readString(Path.of("/etc/group"))
                + "datafold:x:" + NODE_UID + ":\n" + "datafold-socket:x:" + SOCKET_GID + ":datafold,notes\n"
                + "notes:x:" + APP_UID + ":\n");

        // The volumes, as the images prepare them.
        data = volume("data", NODE_UID, NODE_UID, "rwx------");
        socketDir = volume("socket", NODE_UID, SOCKET_GID, "rwxr-x---");
        appHome = volume("notes-key", APP_UID, APP_UID, "rwx------");
    }

    private Path volume(String name, int uid, int gid, String mode) throws Exception {
        Path dir = Files.createDirectories(base.resolve("volumes").resolve(name));
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", gid);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    @After
    public void stop() {
        if (node != null) {
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly();
        }
    }

    /** A "container": its own namespaces, the host's system read-only, a /tmp tmpfs, no network. */
    private List<String> container(List<String> mounts, List<String> env, String workdir) {
        List<String> cmd = new ArrayList<>(List.of("bwrap", "--ro-bind", "/", "/", "--perms", "1777", "--tmpfs", "/tmp",
                "--dev", "/dev", "--proc", "/proc", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--die-with-parent", "--tmpfs", "/opt", "--tmpfs", "/run", "--tmpfs", "/var/lib",
                "--ro-bind", base.resolve("passwd").toString(), "/etc/passwd",
                "--ro-bind", base.resolve("group").toString(), "/etc/group",
                "--ro-bind", base.resolve("entry").toString(), "/opt/entry"));
        Path javaHome = Path.of(System.getProperty("java.home"));
        if (javaHome.startsWith("/opt") || javaHome.startsWith("/run") || javaHome.startsWith("/var/lib")) {
            cmd.addAll(List.of("--ro-bind", javaHome.toString(), javaHome.toString()));
        }
        cmd.addAll(mounts);
        cmd.addAll(List.of("--clearenv", "--setenv", "PATH", javaHome.resolve("bin") + ":/usr/local/bin:/usr/bin:/bin"));
        for (int i = 0; i < env.size(); i += 2) {
            cmd.addAll(List.of("--setenv", env.get(i), env.get(i + 1)));
        }
        cmd.addAll(List.of("--chdir", workdir, "--"));
        return cmd;
    }

    /** Runs as a uid (with or without the socket group), without capabilities or new privileges. */
    private static List<String> as(int uid, boolean socketGroup, String... command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "" + uid, "--regid", "" + uid));
        cmd.addAll(socketGroup ? List.of("--groups", "" + SOCKET_GID) : List.of("--clear-groups"));
        cmd.addAll(List.of("--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"));
        cmd.addAll(List.of(command));
        return cmd;
    }

    private List<String> appContainer(int uid, boolean socketGroup, String command) {
        List<String> cmd = container(List.of(
                "--ro-bind", base.resolve("notes-app").toString(), "/opt/notes-app",
                "--bind", socketDir.toString(), "/run/datafold-socket",
                "--bind", appHome.toString(), "/var/lib/notes-app"),
                List.of("DATAFOLD_SOCKET", "/run/datafold-socket/datafold.sock", "NOTES_KEY", "/var/lib/notes-app/notes.key",
                        "JAVA_OPTS", "-Xmx64m -XX:TieredStopAtLevel=1"),
                "/var/lib/notes-app");
        cmd.addAll(as(uid, socketGroup, "sh", "/opt/entry/notes-app-entrypoint.sh", command));
        return cmd;
    }

    /** {@code docker exec node ...}: the node's mount, PID and network namespaces, as the node's user. */
    private List<String> execInNode(long pid, String... command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", "" + pid, "--mount", "--pid", "--net", "--uts",
                "--ipc"));
        cmd.addAll(as(NODE_UID, true, command));
        return cmd;
    }

    @Test
    public void theNodeStartsReadOnlyAndSharesItsSocketByGroupOnly() throws Exception {
        List<String> start = container(List.of(
                "--ro-bind", proc.home().toString(), "/opt/datafold",
                "--bind", data.toString(), "/var/lib/datafold",
                "--bind", socketDir.toString(), "/run/datafold-socket"),
                List.of("DATAFOLD_DATA", "/var/lib/datafold", "DATAFOLD_SOCKET", "/run/datafold-socket/datafold.sock"),
                "/opt/datafold");
        start.addAll(as(NODE_UID, true, "/opt/entry/node-entrypoint.sh"));
        Path console = base.resolve("node-console.log");
        node = new ProcessBuilder(start).redirectErrorStream(true).redirectOutput(console.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();

        long javaPid = await("the node's JVM").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> javaOf(node), Optional::isPresent).orElseThrow();

        // The compose file's health check, as docker would run it in the node's container.
        NodeProcess.Result health = run(execInNode(javaPid, "/opt/datafold/bin/datafold", "shell", "--wait", "90",
                "fold:status"));
        assertEquals(health.all() + "\nconsole: " + Files.readString(console), 0, health.exit());
        assertTrue(health.out(), health.out().contains("Ready       yes"));
        assertTrue(health.out(), health.out().contains("Data        /var/lib/datafold"));

        // The node's data on its volume, owned by its uid; the socket 0660 of group 10100 in a 0750 folder.
        assertTrue(Files.isRegularFile(data.resolve("owner.key")));
        assertEquals(NODE_UID, Files.getAttribute(data.resolve("owner.key"), "unix:uid"));
        Path sock = socketDir.resolve("datafold.sock");
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock, LinkOption.NOFOLLOW_LINKS)));
        assertEquals(NODE_UID, Files.getAttribute(sock, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(SOCKET_GID, Files.getAttribute(sock, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(socketDir)));
        assertEquals(SOCKET_GID, Files.getAttribute(socketDir, "unix:gid"));
        try (Stream<Path> shared = Files.list(socketDir)) {
            assertEquals("the shared folder holds the app socket only", List.of(sock), shared.toList());
        }
        NodeProcess.Result net = run(execInNode(javaPid, "cat", "/proc/net/dev"));
        assertEquals(net.all(), 3, net.out().lines().count());

        // The app: its key in its own volume, trusted by the owner in the node's container.
        NodeProcess.Result keygen = run(appContainer(APP_UID, true, "keygen"));
        assertEquals(keygen.all(), 0, keygen.exit());
        String key = keygen.out().strip();
        assertEquals(0, run(execInNode(javaPid, "/opt/datafold/bin/datafold", "shell", "perm:trust", key, "0", "notes")).exit());
        assertEquals(0, run(execInNode(javaPid, "/opt/datafold/bin/datafold", "shell", "schema:approve", "Note")).exit());

        NodeProcess.Result app = run(appContainer(APP_UID, true, "run"));
        assertEquals(app.all(), 0, app.exit());
        assertTrue(app.all(), app.out().contains("body = milk, eggs, bread"));

        // The same app without the socket group: the file system refuses it before the node sees it.
        NodeProcess.Result noGroup = run(appContainer(APP_UID, false, "run"));
        assertEquals(noGroup.all(), 2, noGroup.exit());
        assertTrue(noGroup.all(), noGroup.err().contains("Permission denied"));
        Files.setAttribute(appHome, "unix:uid", OTHER_UID);
        Files.setAttribute(appHome.resolve("notes.key"), "unix:uid", OTHER_UID);
        NodeProcess.Result other = run(appContainer(OTHER_UID, false, "run"));
        assertEquals(other.all(), 2, other.exit());
        assertTrue(other.all(), other.err().contains("Permission denied"));

        // docker stop: SIGTERM to the node; it closes cleanly and removes its socket.
        ProcessHandle.of(javaPid).orElseThrow().destroy();
        assertTrue("the node stopped on SIGTERM", node.waitFor(60, TimeUnit.SECONDS));
        assertFalse("socket removed at a clean stop", Files.exists(sock, LinkOption.NOFOLLOW_LINKS));
        String log = Files.readString(console);
        assertFalse(log, log.contains("Read-only file system"));
    }

    private static Optional<Long> javaOf(Process root) {
        return root.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .map(ProcessHandle::pid).findFirst();
    }

    private NodeProcess.Result run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(base, "out", ".txt");
        Path err = Files.createTempFile(base, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(String.join(" ", command) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        return new NodeProcess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
