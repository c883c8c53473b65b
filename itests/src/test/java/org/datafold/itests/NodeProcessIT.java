package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;

/**
 * End to end: the assembled node started with {@code bin/datafold run} as a separate process,
 * driven with {@code bin/datafold shell}, stopped with SIGTERM, restarted on the same data.
 */
public class NodeProcessIT {
    @Rule
    public final NodeProcess proc = new NodeProcess("e2e-");

    private static final Pattern NODE_ID = Pattern.compile("Node\\s+([0-9a-f-]{36})");

    private static String nodeId(String status) {
        Matcher m = NODE_ID.matcher(status);
        assertTrue(status, m.find());
        return m.group(1);
    }

    @Test
    public void runShellSigtermRestart() throws Exception {
        Process node = proc.start();
        NodeProcess.Result status = proc.datafold("shell", "fold:status");
        assertEquals(status.err(), 0, status.exit());
        assertTrue(status.out(), status.out().contains("Ready       yes"));
        String id = nodeId(status.out());

        NodeProcess.Result diag = proc.datafold("shell", "fold:diag");
        assertEquals(diag.err(), 0, diag.exit());
        assertEquals("a healthy node has nothing to diagnose", "", diag.out().trim());

        NodeProcess.Result bad = proc.datafold("shell", "fold:nosuchcommand");
        assertEquals("a failing command exits non-zero", 1, bad.exit());
        assertTrue(bad.err(), bad.err().contains("fold:nosuchcommand"));

        NodeProcess.Result running = proc.datafold("status");
        assertEquals(0, running.exit());
        assertTrue(running.out(), running.out().contains("running"));

        NodeProcess.Result second = proc.datafold("run");
        assertEquals("a second node on the same folder is refused", 1, second.exit());

        // SIGTERM: the framework stops, the storage closes its environment cleanly.
        node.destroy();
        assertTrue("node stopped on SIGTERM", node.waitFor(60, TimeUnit.SECONDS));
        assertFalse("socket removed", Files.exists(proc.home().resolve("run/admin.sock")));
        String log = Files.readString(proc.home().resolve("logs/datafold.log"));
        assertTrue(log, log.contains("Admin socket") && log.contains("closed"));
        try (Stream<Path> jdb = Files.list(proc.home().resolve("data/store"))) {
            assertTrue("JE log files in the data directory", jdb.anyMatch(p -> p.toString().endsWith(".jdb")));
        }

        // Restart on the same data: same node id, and no recovery was needed.
        Process again = proc.start();
        NodeProcess.Result stats = proc.datafold("shell", "storage:stats");
        assertEquals(stats.err(), 0, stats.exit());
        assertTrue(stats.out(), stats.out().contains("previous shutdown clean"));
        assertEquals("data survived the restart", id, nodeId(proc.datafold("shell", "fold:status").out()));

        NodeProcess.Result stop = proc.datafold("stop");
        assertEquals(stop.out() + stop.err(), 0, stop.exit());
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, proc.datafold("status").exit());
    }

    @Test
    public void schemasAndDataThroughTheShellSurviveARestart() throws Exception {
        Process node = proc.start();
        NodeProcess.Result list = proc.datafold("shell", "schema:list");
        assertEquals(list.err(), 0, list.exit());
        assertTrue("shipped schemas are discovered", list.out().contains("Note") && list.out().contains("Available"));

        NodeProcess.Result refused = proc.datafold("shell", "fold:query", "Note", "title");
        assertEquals(1, refused.exit());
        assertTrue(refused.err(), refused.err().contains("SCHEMA_NOT_APPROVED"));

        assertEquals(0, proc.datafold("shell", "schema:approve", "Note").exit());
        // JSON arguments pass through the Unix shell and Gogo intact, quotes and all.
        NodeProcess.Result created = proc.datafold("shell", "fold:mutate", "Note", "create", "{\"title\": \"it's \\\"quoted\\\"\", \"body\": \"v1\"}");
        assertEquals(created.err(), 0, created.exit());
        assertEquals(0, proc.datafold("shell", "fold:mutate", "Note", "update", "{\"body\": \"v2\"}").exit());
        NodeProcess.Result bad = proc.datafold("shell", "fold:mutate", "Note", "update", "{\"nosuchfield\": 1}");
        assertEquals(1, bad.exit());
        assertTrue(bad.err(), bad.err().contains("FIELD_NOT_FOUND"));

        node.destroy();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        proc.start();
        NodeProcess.Result query = proc.datafold("shell", "fold:query", "Note", "title,body");
        assertEquals(query.err(), 0, query.exit());
        assertTrue(query.out(), query.out().contains("it's \\\"quoted\\\"") && query.out().contains("v2"));
        NodeProcess.Result history = proc.datafold("shell", "fold:history", "Note", "body");
        assertEquals(history.err(), 0, history.exit());
        assertTrue(history.out(), history.out().indexOf("v2") < history.out().indexOf("v1"));
        assertEquals(0, proc.datafold("stop").exit());
    }

    @Test
    public void permissionsThroughTheShell() throws Exception {
        proc.start();
        NodeProcess.Result whoami = proc.datafold("shell", "perm:whoami");
        assertEquals(whoami.err(), 0, whoami.exit());
        assertTrue(Files.exists(proc.home().resolve("data/owner.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(proc.home().resolve("data/owner.key"))));
        byte[] pkcs8 = Files.readAllBytes(proc.home().resolve("data/owner.key"));
        String secret = java.util.Base64.getEncoder().encodeToString(
                java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
        assertFalse("the private key never reaches the log",
                Files.readString(proc.home().resolve("logs/datafold.log")).contains(secret.substring(0, 20)));

        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = pair.getPublic().getEncoded();
        String key = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));

        assertEquals(0, proc.datafold("shell", "schema:approve", "Contact").exit());
        assertEquals(0, proc.datafold("shell", "fold:mutate", "Contact", "create", "{\"name\": \"Ada\", \"email\": \"ada@example.org\"}").exit());
        NodeProcess.Result asStranger = proc.datafold("shell", "fold:query", "--as", key, "Contact", "name,email");
        assertEquals(asStranger.err(), 0, asStranger.exit());
        assertTrue(asStranger.out(), asStranger.out().contains("PERMISSION_DENIED"));

        assertEquals(0, proc.datafold("shell", "perm:trust", key, "0", "friend").exit());
        NodeProcess.Result asFriend = proc.datafold("shell", "fold:query", "--as", "friend", "Contact", "name,email");
        assertEquals(asFriend.err(), 0, asFriend.exit());
        assertTrue(asFriend.out(), asFriend.out().contains("ada@example.org") && !asFriend.out().contains("PERMISSION_DENIED"));
        NodeProcess.Result audit = proc.datafold("shell", "perm:audit");
        assertEquals(audit.err(), 0, audit.exit());
        assertTrue(audit.out(), audit.out().contains("DENIED") && audit.out().contains("TRUSTED"));
        assertFalse("keys appear as fingerprints in the logs", Files.readString(proc.home().resolve("logs/security.log")).contains(key));
        assertEquals(0, proc.datafold("stop").exit());
    }

    @Test
    public void killedNodeRecoversAndSaysSo() throws Exception {
        Process node = proc.start();
        String id = nodeId(proc.datafold("shell", "fold:status").out());
        node.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));

        proc.start();
        NodeProcess.Result stats = proc.datafold("shell", "storage:stats");
        assertEquals(stats.err(), 0, stats.exit());
        assertTrue(stats.out(), stats.out().contains("NOT clean"));
        assertEquals(id, nodeId(proc.datafold("shell", "fold:status").out()));
        assertEquals(0, proc.datafold("stop").exit());
    }

    @Test
    public void adminSocketRefusesAnotherUser() throws Exception {
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).trim());
        assumeTrue("needs root to run a client under another uid", root && Files.isExecutable(Path.of("/usr/bin/setpriv")));
        // A folder the other user can reach (the test's own folders may sit below private ones),
        // holding the socket and a copy of the client.
        Path open = Files.createTempDirectory("datafold-peer-");
        try {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path client = Files.copy(proc.home().resolve("system/shell.jar"), open.resolve("shell.jar"));
            Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
            Path socket = open.resolve("run/admin.sock");
            Files.writeString(proc.home().resolve("etc/org.datafold.shell.admin.cfg"), "path = " + socket + "\n");
            proc.start();
            assertEquals(0, proc.datafold("shell", "--socket", socket.toString(), "fold:status").exit());
            // Open the file permissions wide, so that only the peer-credential check stands in the way.
            Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));

            ProcessBuilder pb = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Duser.home=/tmp",
                    "-cp", client.toString(), "org.datafold.shell.internal.client.AdminClient",
                    "--no-wait", "--socket", socket.toString(), "fold:status");
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.directory(open.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(out + err, 2, p.exitValue());
            assertTrue(err, err.contains("PERMISSION_DENIED"));
            assertFalse(out, out.contains("Ready"));
            String security = Files.readString(proc.home().resolve("logs/security.log"));
            assertTrue(security, security.contains("refused connection from uid=65534"));
            assertEquals(0, proc.datafold("stop").exit());
        } finally {
            try (Stream<Path> files = Files.walk(open)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
