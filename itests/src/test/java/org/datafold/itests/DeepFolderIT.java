package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.DataFoldClientException;
import org.junit.Rule;
import org.junit.Test;

/**
 * The assembled node in a folder far too deep for a Unix socket path: it starts, its shell, the
 * command-line client and the Java client reach it through the links it leaves in {@code run/};
 * editing the app socket's configuration while it runs keeps connections open unless the socket
 * must be bound again.
 */
public class DeepFolderIT {
    /** A folder name that alone pushes every socket path in it past the 107-byte limit. */
    private static final String DEEP = "deep-" + "a-folder-with-a-long-name-".repeat(4);

    /** How long a change of configuration may take to apply, and how often to look. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(500);

    @Rule
    public final NodeProcess proc = new NodeProcess(DEEP);

    private static int bytes(Path p) {
        return p.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Polls the shell (bounded) until sock:stats contains the text: the configuration was applied.
     * FileInstall polls etc/ every second; the node gives no other signal to wait on.
     */
    private void awaitStats(String text) {
        await("sock:stats showing '" + text + "'").atMost(WAIT).pollInterval(POLL)
                .until(() -> proc.datafold("shell", "sock:stats").out(), out -> out.contains(text));
    }

    @Test
    public void aNodeInADeepFolderServesAndKeepsConnectionsWhenItsLimitsChange() throws Exception {
        Path sock = proc.home().resolve("run/datafold.sock");
        assertTrue("the test folder must be too deep: " + bytes(sock), bytes(sock) > 107);
        proc.start();
        NodeProcess.Result status = proc.datafold("shell", "--wait", "90", "fold:status");
        assertEquals(status.all(), 0, status.exit());
        assertTrue("app socket is a link", Files.isSymbolicLink(sock));
        assertTrue("admin socket is a link", Files.isSymbolicLink(proc.home().resolve("run/admin.sock")));
        assertTrue(bytes(sock.toRealPath()) <= 107);

        Path appKey = proc.home().getParent().resolve("app.key");
        NodeProcess.Result keygen = proc.client("keygen", appKey.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        assertEquals(0, proc.datafold("shell", "perm:trust", keygen.out().trim(), "0", "app").exit());
        NodeProcess.Result schemas = proc.client("--key", appKey.toString(), "schemas");
        assertEquals(schemas.all(), 0, schemas.exit());

        Path cfg = proc.home().resolve("etc/org.datafold.transport.uds.cfg");
        String original = Files.readString(cfg);
        try (DataFoldClient client = DataFoldClient.connect(ClientConfig.of(sock, ClientKey.load(appKey)))) {
            assertFalse(client.listSchemas().isEmpty());
            // Limits and time-outs: applied in place, the connection stays.
            Files.writeString(cfg, original.replace("max_connections = 512", "max_connections = 500")
                    .replace("idle_timeout_seconds = 300", "idle_timeout_seconds = 600"));
            awaitStats("500 connections");
            assertFalse("the same connection still works", client.listSchemas().isEmpty());

            // A new path binds again: the old connection is closed, the new socket serves.
            Path moved = proc.home().resolve("run/moved.sock");
            Files.writeString(cfg, original.replace("path = ${datafold.home}/run/datafold.sock",
                    "path = ${datafold.home}/run/moved.sock"));
            await("FileInstall applying the new path").atMost(WAIT).pollInterval(POLL).until(() -> Files.exists(moved));
            assertTrue("moved socket", Files.isSymbolicLink(moved));
            try {
                client.listSchemas();
                throw new AssertionError("the connection survived a rebind");
            } catch (DataFoldClientException.ConnectionFailed expected) {
                // closed by the rebind
            }
            assertFalse("the old link is gone", Files.exists(sock, java.nio.file.LinkOption.NOFOLLOW_LINKS));
            NodeProcess.Result viaMoved = proc.client("--socket", moved.toString(), "--key", appKey.toString(),
                    "schemas");
            assertEquals(viaMoved.all(), 0, viaMoved.exit());
        }
        assertEquals(0, proc.datafold("stop").exit());
        assertFalse(Files.exists(proc.home().resolve("run/admin.sock"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void aSocketPathThatCannotWorkIsSaidInOneLineOnTheConsoleTheLogAndFoldDiag() throws Exception {
        // The admin socket in a short folder of its own, so that the shell can reach the node; the
        // app socket in the deep folder, with a folder for short paths that is itself too long.
        Path adminDir = Files.createTempDirectory("dfadm");
        Path admin = adminDir.resolve("admin.sock");
        Files.writeString(proc.home().resolve("etc/org.datafold.shell.admin.cfg"), "path = " + admin + "\n");
        Path longRuntime = Files.createDirectories(proc.home().getParent().resolve("r".repeat(110)));
        proc.env.put("DATAFOLD_RUNTIME_DIR", longRuntime.toString());
        Path sock = proc.home().resolve("run/datafold.sock");
        try {
            proc.start();
            // until the app socket's activation has failed
            String diag = await("fold:diag naming the socket path").atMost(WAIT).pollInterval(POLL).until(() -> {
                NodeProcess.Result r = proc.datafold("shell", "--socket", admin.toString(), "--no-wait", "fold:diag");
                return r.out() + r.err();
            }, d -> d.contains("bytes long"));
            String line = "socket path " + sock + " is " + bytes(sock) + " bytes long; a Unix socket path holds at most"
                    + " 107 bytes";
            assertTrue(diag, diag.contains(line));
            assertTrue(diag, diag.contains("DATAFOLD_RUNTIME_DIR"));
            String console = Files.readString(proc.home().resolve("console.log"));
            assertTrue(console, console.contains("datafold: app socket: " + line));
            String log = Files.readString(proc.home().resolve("logs/datafold.log"));
            assertTrue("in logs/datafold.log", log.contains(line));
            assertEquals(0, proc.datafold("shell", "--socket", admin.toString(), "--no-wait", "fold:status").exit());
        } finally {
            proc.datafold("stop");
            try (var files = Files.walk(adminDir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
