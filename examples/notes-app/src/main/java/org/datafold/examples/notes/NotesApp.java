package org.datafold.examples.notes;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.DataFoldClientException;
import org.datafold.client.FieldValue;
import org.datafold.client.MutationType;
import org.datafold.client.QueryResult;
import org.datafold.client.Version;

/**
 * A tiny notes app in its own process: connects to the node's app socket with a key file, writes
 * the {@code Note} schema (which the node's owner has approved), reads it back and prints the
 * history of its body.
 *
 * <pre>
 * java -cp 'runtime/target/datafold/lib/*:examples/notes-app/target/notes-app.jar' \
 *     org.datafold.examples.notes.NotesApp &lt;keyfile&gt; [&lt;socket&gt;]
 * </pre>
 */
public final class NotesApp {
    private NotesApp() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: NotesApp <keyfile> [<socket>]   (socket default: $DATAFOLD_SOCKET,"
                    + " else runtime/target/datafold/run/datafold.sock)");
            System.exit(64);
        }
        Path keyFile = Path.of(args[0]);
        String fromEnv = System.getenv("DATAFOLD_SOCKET");
        Path socket = Path.of(args.length > 1 ? args[1]
                : fromEnv != null && !fromEnv.isBlank() ? fromEnv : "runtime/target/datafold/run/datafold.sock");
        try {
            run(ClientConfig.of(socket, ClientKey.load(keyFile)));
        } catch (DataFoldClientException e) {
            // Stable codes: e.g. SCHEMA_NOT_APPROVED (run `bin/datafold shell schema:approve Note`),
            // PERMISSION_DENIED (trust the key: `bin/datafold shell perm:trust <key> 0 notes`).
            System.err.println(e.code() + ": " + e.getMessage());
            System.exit(e instanceof DataFoldClientException.OperationFailed ? 1 : 2);
        }
    }

    static void run(ClientConfig config) {
        try (DataFoldClient client = DataFoldClient.connect(config)) {
            System.out.println("connected to node " + client.nodeId() + " as " + client.publicKey()
                    + " (trust distance " + client.trustDistance() + ")");

            client.mutate("Note", MutationType.CREATE, Map.of(
                    "title", "Groceries",
                    "body", "milk, eggs",
                    "created_at", Instant.now().toString()));
            client.mutation("Note", MutationType.UPDATE).set("body", "milk, eggs, bread").execute();

            QueryResult note = client.query("Note").fields("title", "body").execute();
            for (Map.Entry<String, FieldValue> f : note.fields().entrySet()) {
                FieldValue v = f.getValue();
                System.out.println(f.getKey() + " = " + (v.isOk() ? v.asText() : v.status() + " " + v.code()));
            }

            List<Version> history = client.history("Note", "body");
            System.out.println("history of body (newest first):");
            for (Version v : history) {
                System.out.println("  " + v.createdAt() + "  " + v.value() + "  " + v.status());
            }
        }
    }
}
