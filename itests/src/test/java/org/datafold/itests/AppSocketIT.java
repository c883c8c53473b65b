package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.DataFoldClientException;
import org.datafold.client.MutationType;
import org.datafold.client.QueryResult;
import org.junit.Rule;
import org.junit.Test;

/**
 * End to end through the app socket: the assembled node started with {@code bin/datafold run}, the
 * owner trusting a key and approving schemas with {@code bin/datafold shell}, an app writing and
 * reading with {@code bin/datafold-client} and with the Java client library.
 */
public class AppSocketIT {
    @Rule
    public final NodeProcess proc = new NodeProcess("app-");

    /** Waits (bounded) until the node is ready, which includes the app socket server being active. */
    private Path awaitSocket() throws Exception {
        NodeProcess.Result ready = proc.datafold("shell", "--wait", "60", "fold:status");
        assertEquals(ready.err(), 0, ready.exit());
        Path socket = proc.home().resolve("run/datafold.sock");
        assertTrue("app socket at " + socket, Files.exists(socket));
        return socket;
    }

    @Test
    public void appWritesReadsAndIsDeniedThroughTheSocket() throws Exception {
        proc.start();
        NodeProcess.Result status = proc.datafold("shell", "fold:status");
        assertEquals(status.all(), 0, status.exit());
        Path socket = awaitSocket();

        // keygen: a private key file with mode 0600, the public key on stdout
        Path appKey = proc.home().getParent().resolve("app.key");
        NodeProcess.Result keygen = proc.client("keygen", appKey.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        String key = keygen.out().trim();
        assertEquals(key, key, ClientKey.load(appKey).publicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(appKey)));
        assertEquals("keygen never overwrites", 2, proc.client("keygen", appKey.toString()).exit());

        // Before the owner approves Note: the node's code, exit 1
        NodeProcess.Result trust = proc.datafold("shell", "perm:trust", key, "0", "app");
        assertEquals(trust.all(), 0, trust.exit());
        NodeProcess.Result notApproved = proc.client("--key", appKey.toString(), "query", "Note", "title");
        assertEquals(notApproved.all(), 1, notApproved.exit());
        assertTrue(notApproved.all(), notApproved.err().startsWith("SCHEMA_NOT_APPROVED: "));

        NodeProcess.Result approve = proc.datafold("shell", "schema:approve", "Note");
        assertEquals(approve.all(), 0, approve.exit());

        NodeProcess.Result schemas = proc.client("--key", appKey.toString(), "schemas");
        assertEquals(schemas.all(), 0, schemas.exit());
        assertTrue(schemas.all(), schemas.out().contains("\"Note\"") && schemas.out().contains("Approved"));

        NodeProcess.Result created = proc.client("--key", appKey.toString(), "mutate", "Note", "create",
                "{\"title\": \"Groceries\", \"body\": \"milk\"}");
        assertEquals(created.all(), 0, created.exit());
        assertTrue(created.all(), created.out().contains("\"atoms\""));
        NodeProcess.Result updated = proc.client("--socket", socket.toString(), "--key", appKey.toString(), "mutate", "Note", "update",
                "{\"body\": \"milk, eggs\"}");
        assertEquals(updated.all(), 0, updated.exit());

        NodeProcess.Result query = proc.client("--key", appKey.toString(), "query", "Note", "title,body");
        assertEquals(query.all(), 0, query.exit());
        assertTrue(query.all(), query.out().contains("Groceries") && query.out().contains("milk, eggs"));

        NodeProcess.Result history = proc.client("--key", appKey.toString(), "history", "Note", "body");
        assertEquals(history.all(), 0, history.exit());
        int newest = history.out().indexOf("milk, eggs");
        int oldest = history.out().indexOf("\"milk\"");
        assertTrue(history.all(), newest >= 0 && oldest > newest);

        NodeProcess.Result badField = proc.client("--key", appKey.toString(), "mutate", "Note", "update", "{\"nosuchfield\": 1}");
        assertEquals(badField.all(), 1, badField.exit());
        assertTrue(badField.all(), badField.err().startsWith("FIELD_NOT_FOUND: "));

        // A second, untrusted key: it authenticates, but Contact.email (read Distance 1) is denied to it.
        assertEquals(0, proc.datafold("shell", "schema:approve", "Contact").exit());
        NodeProcess.Result contact = proc.client("--key", appKey.toString(), "mutate", "Contact", "create",
                "{\"name\": \"Ada\", \"email\": \"ada@example.org\", \"notes\": \"first\"}");
        assertEquals(contact.all(), 0, contact.exit());
        Path strangerKey = proc.home().getParent().resolve("stranger.key");
        assertEquals(0, proc.client("keygen", strangerKey.toString()).exit());
        NodeProcess.Result asStranger = proc.client("--key", strangerKey.toString(), "query", "Contact", "name,email");
        assertEquals(asStranger.all(), 0, asStranger.exit());
        assertTrue(asStranger.all(), asStranger.out().contains("Ada") && asStranger.out().contains("PERMISSION_DENIED"));
        assertFalse(asStranger.all(), asStranger.out().contains("ada@example.org"));
        NodeProcess.Result strangerWrites = proc.client("--key", strangerKey.toString(), "mutate", "Contact", "update", "{\"email\": \"x@y\"}");
        assertEquals(strangerWrites.all(), 1, strangerWrites.exit());
        assertTrue(strangerWrites.all(), strangerWrites.err().startsWith("PERMISSION_DENIED: "));
        NodeProcess.Result asApp = proc.client("--key", appKey.toString(), "query", "Contact", "email");
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

        assertEquals(0, proc.datafold("stop").exit());
    }
}
