package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;

/**
 * The example socket app ({@code examples/notes-app}) run in {@code bin/datafold-app-sandbox}
 * (bubblewrap) next to a real node process: through the socket it reads and writes with its key;
 * it reaches no TCP listener, nothing of the node's data folder, owner key or admin socket, and
 * writes nowhere but its private {@code /tmp}.
 *
 * <p>Needs {@code bwrap} and a kernel that allows its namespaces ({@code .ci/run} installs
 * bubblewrap when it runs as root with apt); without them the tests are skipped with the reason.
 */
public class AppSandboxIT {
    @ClassRule
    public static final NodeProcess proc = new NodeProcess("sandbox-");

    private static Path appKey;
    private static Path notesJar;
    private static Path lib;
    private static ServerSocket listener;
    private static final AtomicInteger accepted = new AtomicInteger();

    @BeforeClass
    public static void nodeAndApp() throws Exception {
        String why = sandboxUnavailable();
        assumeTrue("bubblewrap sandbox unavailable on this machine: " + why, why == null);
        notesJar = Path.of(System.getProperty("datafold.it.example.notes")).toAbsolutePath();
        assertTrue("the example app is built: " + notesJar, Files.isRegularFile(notesJar));
        lib = proc.home().resolve("lib");

        proc.start();
        NodeProcess.Result ready = proc.datafold("shell", "--wait", "90", "fold:status");
        assertEquals(ready.all(), 0, ready.exit());
        appKey = proc.home().getParent().resolve("notes.key");
        NodeProcess.Result keygen = proc.client("keygen", appKey.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        assertEquals(0, proc.datafold("shell", "perm:trust", keygen.out().trim(), "0", "notes").exit());
        assertEquals(0, proc.datafold("shell", "schema:approve", "Note").exit());

        // A TCP listener on loopback that anything outside the sandbox reaches.
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "sandbox-it-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Null when bwrap runs here with the namespaces the sandbox asks for, else why not. */
    private static String sandboxUnavailable() throws Exception {
        NodeProcess.Result probe;
        try {
            probe = run(List.of("bwrap", "--unshare-all", "--cap-drop", "ALL", "--ro-bind", "/", "/", "--proc", "/proc",
                    "--dev", "/dev", "/bin/true"));
        } catch (IOException notInstalled) {
            return "bwrap is not installed (" + notInstalled.getMessage() + ")";
        }
        return probe.exit() == 0 ? null : "bwrap cannot make its namespaces: " + probe.err().strip();
    }

    @AfterClass
    public static void closeListener() throws IOException {
        if (listener != null) {
            listener.close();
        }
    }

    /** The sandbox with the app's jar, key and the client libraries bound in, running the command. */
    private static NodeProcess.Result sandboxed(String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("--ro", lib.toString(), "--ro", notesJar.toString(),
                "--ro", appKey.toString(), "--"));
        args.addAll(List.of(command));
        return proc.run("bin/datafold-app-sandbox", args.toArray(String[]::new));
    }

    private static NodeProcess.Result sandboxedShell(String script) throws Exception {
        return sandboxed("/bin/sh", "-c", script);
    }

    @Test
    public void theAppReadsAndWritesThroughTheSocketWithItsKey() throws Exception {
        // No socket argument: the app takes DATAFOLD_SOCKET, which the sandbox sets.
        NodeProcess.Result app = sandboxed("java", "-cp", lib + "/*:" + notesJar,
                "org.datafold.examples.notes.NotesApp", appKey.toString());
        assertEquals(app.all(), 0, app.exit());
        assertTrue(app.all(), app.out().contains("title = Groceries"));
        assertTrue(app.all(), app.out().contains("body = milk, eggs, bread"));
        assertTrue(app.all(), app.out().contains("(trust distance 0)"));

        // Written for real: the owner sees the app's write from outside, through the admin shell.
        NodeProcess.Result query = proc.datafold("shell", "fold:query", "Note", "title,body");
        assertEquals(query.all(), 0, query.exit());
        assertTrue(query.out(), query.out().contains("milk, eggs, bread"));
    }

    @Test
    public void noTcpConnectionLeavesTheSandbox() throws Exception {
        int port = listener.getLocalPort();
        String connect = "exec 3<>/dev/tcp/127.0.0.1/" + port + " && echo CONNECTED";
        // Outside the sandbox the same command reaches the listener: the test would see a connection.
        int before = accepted.get();
        NodeProcess.Result outside = run(List.of("/bin/bash", "-c", connect));
        assertEquals(outside.all(), 0, outside.exit());
        assertTrue(outside.all(), outside.out().contains("CONNECTED"));
        org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> accepted.get() > before);

        int seen = accepted.get();
        NodeProcess.Result inside = sandboxed("/bin/bash", "-c", connect);
        assertNotEquals(inside.all(), 0, inside.exit());
        assertFalse(inside.all(), inside.out().contains("CONNECTED"));
        assertTrue(inside.all(), inside.err().contains("Connection refused") || inside.err().contains("unreachable"));
        // Only loopback inside, and it is not the host's.
        NodeProcess.Result links = sandboxedShell("cat /proc/net/dev");
        assertEquals(links.all(), 0, links.exit());
        assertTrue(links.out(), links.out().contains("lo:"));
        assertEquals(links.out(), 3, links.out().lines().count());
        assertEquals("the listener saw no connection from the sandbox", seen, accepted.get());
    }

    @Test
    public void nothingOfTheDataFolderTheOwnerKeyOrTheAdminSocketIsVisible() throws Exception {
        Path data = proc.home().resolve("data");
        Path ownerKey = data.resolve("owner.key");
        assertTrue("the node made its owner key", Files.isRegularFile(ownerKey));
        String pid = Files.readString(proc.home().resolve("run/datafold.pid")).trim();
        Path admin = proc.home().resolve("run/admin.sock");
        assertTrue(Files.exists(admin));

        // A file in the user's home (the folders on the way to a bound path may appear, empty but
        // for that path; nothing else of the home does).
        Path inHome = Path.of(System.getProperty("user.home"), ".datafold-sandbox-it-" + ProcessHandle.current().pid());
        Files.writeString(inHome, "private");
        NodeProcess.Result probe;
        try {
            probe = sandboxedShell(String.join("; ",
                    "cat " + ownerKey + " > /dev/null 2>&1 && echo READ-OWNER-KEY",
                    "ls " + data + " > /dev/null 2>&1 && echo LISTED-DATA",
                    "ls /proc/" + pid + "/root" + data + " > /dev/null 2>&1 && echo DATA-THROUGH-PROC",
                    "test -e " + admin + " && echo ADMIN-SOCKET",
                    "test -e " + inHome + " && echo HOME-FILE",
                    "test -S \"$DATAFOLD_SOCKET\" && echo SOCKET-OK",
                    "echo done"));
        } finally {
            Files.delete(inHome);
        }
        assertEquals(probe.all(), 0, probe.exit());
        assertEquals(probe.all(), "SOCKET-OK\ndone", probe.out().strip());

        // Paths that would expose them are refused before anything runs.
        for (Path exposing : List.of(data, ownerKey, proc.home(), proc.home().resolve("run"))) {
            NodeProcess.Result refused = proc.run("bin/datafold-app-sandbox", "--ro", exposing.toString(), "--",
                    "/bin/true");
            assertEquals(refused.all(), 64, refused.exit());
            assertTrue(refused.all(), refused.err().contains("refused"));
        }
    }

    @Test
    public void writesGoNowhereButThePrivateTmp() throws Exception {
        Path socketDir = proc.home().resolve("run");
        String mine = "/tmp/sandbox-it-" + ProcessHandle.current().pid();
        List<String> targets = List.of(mine, "/written", "/usr/written", "/etc/written", lib + "/written",
                appKey.getParent() + "/written", socketDir + "/written");
        StringBuilder script = new StringBuilder();
        for (String t : targets) {
            script.append("if echo x > ").append(t).append(" 2>/dev/null; then echo WROTE ").append(t)
                    .append("; else echo REFUSED ").append(t).append("; fi; ");
        }
        NodeProcess.Result r = sandboxedShell(script.toString());
        assertEquals(r.all(), 0, r.exit());
        assertTrue(r.out(), r.out().contains("WROTE " + mine));
        for (String t : targets.subList(1, targets.size())) {
            // A folder under the host's /tmp (a clone there) is, inside, part of the private /tmp:
            // a write may succeed there, and must not reach the host (checked below).
            if (!t.startsWith("/tmp/") || t.startsWith(lib + "/")) {
                assertTrue(r.out(), r.out().contains("REFUSED " + t));
            }
        }
        for (String t : targets.subList(1, targets.size())) {
            assertFalse("nothing written on the host at " + t, Files.exists(Path.of(t)));
        }
        // The private /tmp is the sandbox's own: nothing of it reaches the host's /tmp.
        assertFalse(Files.exists(Path.of(mine)));
    }

    @Test
    public void onlyChosenVariablesOfTheEnvironmentGoIn() throws Exception {
        NodeProcess.Result r = run(List.of(proc.home().resolve("bin/datafold-app-sandbox").toString(),
                "--setenv", "APP_MODE=sandboxed", "--", "/bin/sh", "-c",
                "echo \"secret=${SANDBOX_IT_SECRET:-none} mode=$APP_MODE home=$HOME\""),
                Map.of("SANDBOX_IT_SECRET", "s3cr3t"));
        assertEquals(r.all(), 0, r.exit());
        assertEquals(r.all(), "secret=none mode=sandboxed home=/tmp", r.out().strip());
        NodeProcess.Result bad = proc.run("bin/datafold-app-sandbox", "--setenv", "no-equals", "--", "/bin/true");
        assertEquals(bad.all(), 64, bad.exit());
    }

    @Test
    public void missingBwrapOrRefusedNamespacesStopWithAClearError() throws Exception {
        NodeProcess.Result missing = run(List.of(proc.home().resolve("bin/datafold-app-sandbox").toString(), "--",
                "/bin/true"), Map.of("BWRAP", "/nonexistent/bwrap"));
        assertEquals(missing.all(), 69, missing.exit());
        assertTrue(missing.all(), missing.err().contains("bubblewrap ('/nonexistent/bwrap') is not installed"));

        // A real refusal: the command run where new namespaces are forbidden (an outer sandbox that
        // disables user namespaces for everything inside it).
        NodeProcess.Result refused = run(List.of("bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--unshare-user", "--disable-userns", "--cap-drop", "ALL", "--",
                proc.home().resolve("bin/datafold-app-sandbox").toString(), "--", "/bin/true"));
        assertEquals(refused.all(), 69, refused.exit());
        assertTrue(refused.all(), refused.err().contains("the kernel refused the sandbox's namespaces"));

        NodeProcess.Result usage = proc.run("bin/datafold-app-sandbox", "--ro");
        assertEquals(usage.all(), 64, usage.exit());
        NodeProcess.Result noSocket = proc.run("bin/datafold-app-sandbox", "--socket",
                proc.home().resolve("run/nosuch.sock").toString(), "--", "/bin/true");
        assertEquals(noSocket.all(), 66, noSocket.exit());
        assertTrue(noSocket.all(), noSocket.err().contains("no app socket"));
    }

    private static NodeProcess.Result run(List<String> command) throws Exception {
        return run(command, Map.of());
    }

    /** Runs a command (bounded) with extra environment variables and collects its output. */
    private static NodeProcess.Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(proc.home().getParent(), "out", ".txt");
        Path err = Files.createTempFile(proc.home().getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(String.join(" ", command) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        return new NodeProcess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
