package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * End to end: the assembled node started with {@code bin/datafold run} as a separate process,
 * driven with {@code bin/datafold shell}, stopped with SIGTERM, restarted on the same data.
 */
public class NodeProcessIT {
    private static final Pattern NODE_ID = Pattern.compile("Node\\s+([0-9a-f-]{36})");

    private Path home;
    private final List<Process> started = new ArrayList<>();

    @Before
    public void copyRuntime() throws IOException {
        Path runtime = Path.of(System.getProperty("datafold.it.runtime"));
        Path work = Files.createDirectories(Path.of(System.getProperty("datafold.it.work")).toAbsolutePath());
        home = Files.createTempDirectory(work, "e2e-").resolve("datafold");
        try (Stream<Path> files = Files.walk(runtime)) {
            for (Path p : files.toList()) {
                Path rel = runtime.relativize(p);
                String top = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
                if (List.of("data", "run", "logs", "cache").contains(top)) {
                    continue;
                }
                Path target = home.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @After
    public void killLeftovers() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private Process startNode() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/datafold").toString(), "run");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private Result datafold(String... args) throws IOException, InterruptedException {
        return run(List.of(), args);
    }

    private Result run(List<String> prefix, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(home.resolve("bin/datafold").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(home.getParent(), "out", ".txt");
        Path err = Files.createTempFile(home.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue("datafold " + String.join(" ", args) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String nodeId(String status) {
        Matcher m = NODE_ID.matcher(status);
        assertTrue(status, m.find());
        return m.group(1);
    }

    @Test
    public void runShellSigtermRestart() throws Exception {
        Process node = startNode();
        Result status = datafold("shell", "fold:status");
        assertEquals(status.err(), 0, status.exit());
        assertTrue(status.out(), status.out().contains("Ready       yes"));
        String id = nodeId(status.out());

        Result diag = datafold("shell", "fold:diag");
        assertEquals(diag.err(), 0, diag.exit());
        assertEquals("a healthy node has nothing to diagnose", "", diag.out().trim());

        Result bad = datafold("shell", "fold:nosuchcommand");
        assertEquals("a failing command exits non-zero", 1, bad.exit());
        assertTrue(bad.err(), bad.err().contains("fold:nosuchcommand"));

        Result running = datafold("status");
        assertEquals(0, running.exit());
        assertTrue(running.out(), running.out().contains("running"));

        Result second = run(List.of(), "run");
        assertEquals("a second node on the same folder is refused", 1, second.exit());

        // SIGTERM: the framework stops, the storage closes its environment cleanly.
        node.destroy();
        assertTrue("node stopped on SIGTERM", node.waitFor(60, TimeUnit.SECONDS));
        assertFalse("socket removed", Files.exists(home.resolve("run/admin.sock")));
        String log = Files.readString(home.resolve("logs/datafold.log"));
        assertTrue(log, log.contains("Admin socket") && log.contains("closed"));
        try (Stream<Path> jdb = Files.list(home.resolve("data/store"))) {
            assertTrue("JE log files in the data directory", jdb.anyMatch(p -> p.toString().endsWith(".jdb")));
        }

        // Restart on the same data: same node id, and no recovery was needed.
        Process again = startNode();
        Result stats = datafold("shell", "storage:stats");
        assertEquals(stats.err(), 0, stats.exit());
        assertTrue(stats.out(), stats.out().contains("previous shutdown clean"));
        assertEquals("data survived the restart", id, nodeId(datafold("shell", "fold:status").out()));

        Result stop = datafold("stop");
        assertEquals(stop.out() + stop.err(), 0, stop.exit());
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, datafold("status").exit());
    }

    @Test
    public void schemasAndDataThroughTheShellSurviveARestart() throws Exception {
        Process node = startNode();
        Result list = datafold("shell", "schema:list");
        assertEquals(list.err(), 0, list.exit());
        assertTrue("shipped schemas are discovered", list.out().contains("Note") && list.out().contains("Available"));

        Result refused = datafold("shell", "fold:query", "Note", "title");
        assertEquals(1, refused.exit());
        assertTrue(refused.err(), refused.err().contains("SCHEMA_NOT_APPROVED"));

        assertEquals(0, datafold("shell", "schema:approve", "Note").exit());
        // JSON arguments pass through the Unix shell and Gogo intact, quotes and all.
        Result created = datafold("shell", "fold:mutate", "Note", "create", "{\"title\": \"it's \\\"quoted\\\"\", \"body\": \"v1\"}");
        assertEquals(created.err(), 0, created.exit());
        assertEquals(0, datafold("shell", "fold:mutate", "Note", "update", "{\"body\": \"v2\"}").exit());
        Result bad = datafold("shell", "fold:mutate", "Note", "update", "{\"nosuchfield\": 1}");
        assertEquals(1, bad.exit());
        assertTrue(bad.err(), bad.err().contains("FIELD_NOT_FOUND"));

        node.destroy();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        startNode();
        Result query = datafold("shell", "fold:query", "Note", "title,body");
        assertEquals(query.err(), 0, query.exit());
        assertTrue(query.out(), query.out().contains("it's \\\"quoted\\\"") && query.out().contains("v2"));
        Result history = datafold("shell", "fold:history", "Note", "body");
        assertEquals(history.err(), 0, history.exit());
        assertTrue(history.out(), history.out().indexOf("v2") < history.out().indexOf("v1"));
        assertEquals(0, datafold("stop").exit());
    }

    @Test
    public void permissionsThroughTheShell() throws Exception {
        startNode();
        Result whoami = datafold("shell", "perm:whoami");
        assertEquals(whoami.err(), 0, whoami.exit());
        assertTrue(Files.exists(home.resolve("data/owner.key")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("data/owner.key"))));
        byte[] pkcs8 = Files.readAllBytes(home.resolve("data/owner.key"));
        String secret = java.util.Base64.getEncoder().encodeToString(
                java.util.Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
        assertFalse("the private key never reaches the log",
                Files.readString(home.resolve("logs/datafold.log")).contains(secret.substring(0, 20)));

        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = pair.getPublic().getEncoded();
        String key = java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length));

        assertEquals(0, datafold("shell", "schema:approve", "Contact").exit());
        assertEquals(0, datafold("shell", "fold:mutate", "Contact", "create", "{\"name\": \"Ada\", \"email\": \"ada@example.org\"}").exit());
        Result asStranger = datafold("shell", "fold:query", "--as", key, "Contact", "name,email");
        assertEquals(asStranger.err(), 0, asStranger.exit());
        assertTrue(asStranger.out(), asStranger.out().contains("PERMISSION_DENIED"));

        assertEquals(0, datafold("shell", "perm:trust", key, "0", "friend").exit());
        Result asFriend = datafold("shell", "fold:query", "--as", "friend", "Contact", "name,email");
        assertEquals(asFriend.err(), 0, asFriend.exit());
        assertTrue(asFriend.out(), asFriend.out().contains("ada@example.org") && !asFriend.out().contains("PERMISSION_DENIED"));
        Result audit = datafold("shell", "perm:audit");
        assertEquals(audit.err(), 0, audit.exit());
        assertTrue(audit.out(), audit.out().contains("DENIED") && audit.out().contains("TRUSTED"));
        assertFalse("keys appear as fingerprints in the logs", Files.readString(home.resolve("logs/security.log")).contains(key));
        assertEquals(0, datafold("stop").exit());
    }

    @Test
    public void killedNodeRecoversAndSaysSo() throws Exception {
        Process node = startNode();
        String id = nodeId(datafold("shell", "fold:status").out());
        node.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));

        startNode();
        Result stats = datafold("shell", "storage:stats");
        assertEquals(stats.err(), 0, stats.exit());
        assertTrue(stats.out(), stats.out().contains("NOT clean"));
        assertEquals(id, nodeId(datafold("shell", "fold:status").out()));
        assertEquals(0, datafold("stop").exit());
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
            Path client = Files.copy(home.resolve("system/shell.jar"), open.resolve("shell.jar"));
            Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
            Path socket = open.resolve("run/admin.sock");
            Files.writeString(home.resolve("etc/org.datafold.shell.admin.cfg"), "path = " + socket + "\n");
            startNode();
            assertEquals(0, datafold("shell", "--socket", socket.toString(), "fold:status").exit());
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
            String security = Files.readString(home.resolve("logs/security.log"));
            assertTrue(security, security.contains("refused connection from uid=65534"));
            assertEquals(0, datafold("stop").exit());
        } finally {
            try (Stream<Path> files = Files.walk(open)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
