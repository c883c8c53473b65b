package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.DataFoldClientException;
import org.datafold.client.MutationType;
import org.datafold.client.QueryResult;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/**
 * End to end through the app socket: the assembled node started with {@code bin/datafold run}, the
 * owner trusting a key and approving schemas with {@code bin/datafold shell}, an app writing and
 * reading with {@code bin/datafold-client} and with the Java client library.
 */
public class AppSocketIT {
    private Path home;
    private final List<Process> started = new ArrayList<>();

    @Before
    public void copyRuntime() throws IOException {
        Path runtime = Path.of(System.getProperty("datafold.it.runtime"));
        Path work = Files.createDirectories(Path.of(System.getProperty("datafold.it.work")).toAbsolutePath());
        home = Files.createTempDirectory(work, "app-").resolve("datafold");
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
        String all() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
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
        return run("bin/datafold", args);
    }

    private Result client(String... args) throws IOException, InterruptedException {
        return run("bin/datafold-client", args);
    }

    private Result run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve(script).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(home.getParent(), "out", ".txt");
        Path err = Files.createTempFile(home.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(script + " " + String.join(" ", args) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Waits (bounded) until the node is ready, which includes the app socket server being active. */
    private Path awaitSocket() throws Exception {
        Result ready = datafold("shell", "--wait", "60", "fold:status");
        assertEquals(ready.err(), 0, ready.exit());
        Path socket = home.resolve("run/datafold.sock");
        assertTrue("app socket at " + socket, Files.exists(socket));
        return socket;
    }

    @Test
    public void appWritesReadsAndIsDeniedThroughTheSocket() throws Exception {
        startNode();
        Result status = datafold("shell", "fold:status");
        assertEquals(status.all(), 0, status.exit());
        Path socket = awaitSocket();

        // keygen: a private key file with mode 0600, the public key on stdout
        Path appKey = home.getParent().resolve("app.key");
        Result keygen = client("keygen", appKey.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        String key = keygen.out().trim();
        assertEquals(key, key, ClientKey.load(appKey).publicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(appKey)));
        assertEquals("keygen never overwrites", 2, client("keygen", appKey.toString()).exit());

        // Before the owner approves Note: the node's code, exit 1
        Result trust = datafold("shell", "perm:trust", key, "0", "app");
        assertEquals(trust.all(), 0, trust.exit());
        Result notApproved = client("--key", appKey.toString(), "query", "Note", "title");
        assertEquals(notApproved.all(), 1, notApproved.exit());
        assertTrue(notApproved.all(), notApproved.err().startsWith("SCHEMA_NOT_APPROVED: "));

        Result approve = datafold("shell", "schema:approve", "Note");
        assertEquals(approve.all(), 0, approve.exit());

        Result schemas = client("--key", appKey.toString(), "schemas");
        assertEquals(schemas.all(), 0, schemas.exit());
        assertTrue(schemas.all(), schemas.out().contains("\"Note\"") && schemas.out().contains("Approved"));

        Result created = client("--key", appKey.toString(), "mutate", "Note", "create",
                "{\"title\": \"Groceries\", \"body\": \"milk\"}");
        assertEquals(created.all(), 0, created.exit());
        assertTrue(created.all(), created.out().contains("\"atoms\""));
        Result updated = client("--socket", socket.toString(), "--key", appKey.toString(), "mutate", "Note", "update",
                "{\"body\": \"milk, eggs\"}");
        assertEquals(updated.all(), 0, updated.exit());

        Result query = client("--key", appKey.toString(), "query", "Note", "title,body");
        assertEquals(query.all(), 0, query.exit());
        assertTrue(query.all(), query.out().contains("Groceries") && query.out().contains("milk, eggs"));

        Result history = client("--key", appKey.toString(), "history", "Note", "body");
        assertEquals(history.all(), 0, history.exit());
        int newest = history.out().indexOf("milk, eggs");
        int oldest = history.out().indexOf("\"milk\"");
        assertTrue(history.all(), newest >= 0 && oldest > newest);

        Result badField = client("--key", appKey.toString(), "mutate", "Note", "update", "{\"nosuchfield\": 1}");
        assertEquals(badField.all(), 1, badField.exit());
        assertTrue(badField.all(), badField.err().startsWith("FIELD_NOT_FOUND: "));

        // A second, untrusted key: it authenticates, but Contact.email (read Distance 1) is denied to it.
        assertEquals(0, datafold("shell", "schema:approve", "Contact").exit());
        Result contact = client("--key", appKey.toString(), "mutate", "Contact", "create",
                "{\"name\": \"Ada\", \"email\": \"ada@example.org\", \"notes\": \"first\"}");
        assertEquals(contact.all(), 0, contact.exit());
        Path strangerKey = home.getParent().resolve("stranger.key");
        assertEquals(0, client("keygen", strangerKey.toString()).exit());
        Result asStranger = client("--key", strangerKey.toString(), "query", "Contact", "name,email");
        assertEquals(asStranger.all(), 0, asStranger.exit());
        assertTrue(asStranger.all(), asStranger.out().contains("Ada") && asStranger.out().contains("PERMISSION_DENIED"));
        assertFalse(asStranger.all(), asStranger.out().contains("ada@example.org"));
        Result strangerWrites = client("--key", strangerKey.toString(), "mutate", "Contact", "update", "{\"email\": \"x@y\"}");
        assertEquals(strangerWrites.all(), 1, strangerWrites.exit());
        assertTrue(strangerWrites.all(), strangerWrites.err().startsWith("PERMISSION_DENIED: "));
        Result asApp = client("--key", appKey.toString(), "query", "Contact", "email");
        assertTrue(asApp.all(), asApp.exit() == 0 && asApp.out().contains("ada@example.org"));

        // The library directly: lifecycle is for the owner only; pipelined requests from several threads.
        try (DataFoldClient client = DataFoldClient.connect(ClientConfig.of(socket, ClientKey.load(appKey)))) {
            assertEquals(0, client.trustDistance());
            try {
                client.approveSchema("Reading");
                fail("a non-owner key approved a schema");
            } catch (DataFoldClientException.OperationFailed e) {
                assertEquals(e.toString(), "PERMISSION_DENIED", e.code());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        QueryResult r = client.query("Note").fields("title").execute();
                        assertEquals("Groceries", r.field("title").asText());
                        client.mutation("Contact", MutationType.UPDATE).set("notes", "t" + thread + "-" + i).execute();
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertEquals("every pipelined update is a version", 101, client.history("Contact", "notes", null, 1000).size());
        }

        assertEquals(0, datafold("stop").exit());
    }
}
