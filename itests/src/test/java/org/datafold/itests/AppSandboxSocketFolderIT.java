package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;

/**
 * Where {@code bin/datafold-app-sandbox} finds the app socket and what it binds: behind the link a
 * node in a deep folder leaves (the real socket in {@code /tmp/datafold-<uid>/<hash>/}, next to the
 * admin socket, which stays out), and a socket folder of its own, bound whole, so that a sandboxed
 * app reaches a restarted node.
 */
public class AppSandboxSocketFolderIT {
    /** A folder name that alone pushes every socket path in it past the 107-byte limit. */
    private static final String DEEP = "sandbox-deep-" + "a-folder-with-a-long-name-".repeat(4);

    @Rule
    public final NodeProcess deep = new NodeProcess(DEEP);
    @Rule
    public final NodeProcess own = new NodeProcess("sandbox-own-");

    @Before
    public void bubblewrap() throws Exception {
        Process probe;
        try {
            probe = new ProcessBuilder("bwrap", "--unshare-all", "--cap-drop", "ALL", "--ro-bind", "/", "/",
                    "--proc", "/proc", "--dev", "/dev", "/bin/true").redirectErrorStream(true).start();
        } catch (java.io.IOException notInstalled) {
            assumeTrue("bubblewrap is not installed: " + notInstalled.getMessage(), false);
            return;
        }
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS));
        assumeTrue("bwrap cannot make its namespaces here: "
                + new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8), probe.exitValue() == 0);
    }

    private static Path notesJar() {
        return Path.of(System.getProperty("datafold.it.example.notes")).toAbsolutePath();
    }

    /** A key for the app, trusted by the owner, and Note approved. */
    private static Path trustedKey(NodeProcess proc) throws Exception {
        NodeProcess.Result ready = proc.datafold("shell", "--wait", "90", "fold:status");
        assertEquals(ready.all(), 0, ready.exit());
        Path key = proc.home().getParent().resolve("notes.key");
        NodeProcess.Result keygen = proc.client("keygen", key.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        assertEquals(0, proc.datafold("shell", "perm:trust", keygen.out().trim(), "0", "notes").exit());
        assertEquals(0, proc.datafold("shell", "schema:approve", "Note").exit());
        return key;
    }

    private static List<String> sandboxArgs(NodeProcess proc, Path key) {
        return new ArrayList<>(List.of(proc.home().resolve("bin/datafold-app-sandbox").toString(),
                "--ro", proc.home().resolve("lib").toString(), "--ro", notesJar().toString(), "--ro", key.toString(), "--"));
    }

    private static String notesApp(NodeProcess proc, Path key) {
        return "java -cp '" + proc.home().resolve("lib") + "/*:" + notesJar() + "' org.datafold.examples.notes.NotesApp "
                + key;
    }

    @Test
    public void behindTheLinkOfADeepFolderOnlyTheAppSocketIsBound() throws Exception {
        Path sock = deep.home().resolve("run/datafold.sock");
        assertTrue("the folder must be too deep for a socket path", sock.toString().getBytes(StandardCharsets.UTF_8).length > 107);
        deep.start();
        Path key = trustedKey(deep);
        Path real = sock.toRealPath();
        assertTrue("the node bound in a short folder: " + real, real.toString().startsWith("/tmp/datafold-"));
        assertTrue("the admin socket is in the same short folder", Files.exists(real.resolveSibling("admin.sock")));

        List<String> cmd = sandboxArgs(deep, key);
        cmd.addAll(List.of("/bin/sh", "-c", "echo \"socket=$DATAFOLD_SOCKET\"; ls -a \"$(dirname \"$DATAFOLD_SOCKET\")\"; "
                + notesApp(deep, key)));
        NodeProcess.Result r = run(cmd);
        assertEquals(r.all(), 0, r.exit());
        assertTrue(r.all(), r.out().contains("socket=" + real + "\n"));
        assertTrue("only the socket in its folder, no admin.sock: " + r.out(),
                r.out().contains(".\n..\ndatafold.sock\nconnected to node"));
        assertTrue(r.all(), r.out().contains("body = milk, eggs, bread"));
    }

    @Test
    public void aSocketFolderOfItsOwnIsBoundWholeAndARestartedNodeIsReachedAgain() throws Exception {
        Path cfg = own.home().resolve("etc/org.datafold.transport.uds.cfg");
        String text = Files.readString(cfg);
        String configured = "path = ${datafold.home}/run/datafold.sock";
        assertTrue(text, text.contains(configured));
        Files.writeString(cfg, text.replace(configured, "path = ${datafold.home}/apps/datafold.sock"));
        Path sock = own.home().resolve("apps/datafold.sock");
        own.env.put("DATAFOLD_SOCKET", sock.toString());
        own.start();
        Path key = trustedKey(own);
        assertTrue(Files.exists(sock));

        // The app runs once, waits for a line on its standard input, and runs again.
        List<String> cmd = sandboxArgs(own, key);
        cmd.addAll(List.of("/bin/sh", "-c", notesApp(own, key) + " && echo FIRST-DONE && read line && " + notesApp(own, key)));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DATAFOLD_SOCKET", sock.toString());
        Path out = own.home().getParent().resolve("sandboxed.out");
        pb.redirectOutput(out.toFile());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()));
        Process app = pb.start();
        try {
            await("first run of the app").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(out).contains("FIRST-DONE") || !app.isAlive());
            assertTrue(Files.readString(out), Files.readString(out).contains("FIRST-DONE"));

            // The node restarts: a new socket file in the same folder.
            NodeProcess.Result stop = own.datafold("stop");
            assertEquals(stop.all(), 0, stop.exit());
            own.start();
            NodeProcess.Result ready = own.datafold("shell", "--wait", "90", "fold:status");
            assertEquals(ready.all(), 0, ready.exit());

            try (OutputStream in = app.getOutputStream()) {
                in.write("again\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue("the app finished", app.waitFor(120, TimeUnit.SECONDS));
            String printed = Files.readString(out);
            assertEquals(printed, 0, app.exitValue());
            assertEquals(printed, 2, printed.lines().filter(l -> l.startsWith("connected to node")).count());
        } finally {
            app.destroyForcibly();
        }
    }

    private static NodeProcess.Result run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("datafold.it.work")), "sandbox-run");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(String.join(" ", command) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        return new NodeProcess.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
