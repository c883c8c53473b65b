package org.datafold.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.FieldValue;
import org.datafold.client.MutationType;

/**
 * The app-socket clients of {@code bench/deploy-cycles.sh}: N connections, each its own
 * authenticated {@link DataFoldClient} driven by its own thread in a closed loop of a durable
 * {@code update} of {@code Note.body} and a query of it, while the script deploys and removes an
 * app. Every request that throws, and every query that does not answer {@code OK}, is a failure.
 * The clients run until standard input closes; then the program prints
 * {@code requests <n> failures <n>} (and the first failures) and exits with status 1 if any failed.
 *
 * <p>The script runs it from its source with the runtime's {@code lib/} folder on the class path
 * (it needs only the client library), so the node's runtime is all the script needs:
 *
 * <pre>
 * java -cp '&lt;node&gt;/lib/*' bench/src/main/java/org/datafold/bench/CycleClients.java \
 *     --socket &lt;node&gt;/run/datafold.sock --key load.key [--clients 4]
 * </pre>
 *
 * The key must be trusted at distance 0 and {@code Note} approved.
 */
public final class CycleClients {

    /** How many failures are printed in full. */
    private static final int SHOWN = 10;

    private final ClientConfig config;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<String> shown = new CopyOnWriteArrayList<>();

    private CycleClients(ClientConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        Path socket = null;
        Path key = null;
        int clients = 4;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--socket" -> { socket = Path.of(need(args[i], v)); i++; }
                case "--key" -> { key = Path.of(need(args[i], v)); i++; }
                case "--clients" -> { clients = Integer.parseInt(need(args[i], v)); i++; }
                default -> {
                    System.err.println("unknown argument: " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (socket == null || key == null || clients < 1) {
            System.err.println("usage: CycleClients --socket <path> --key <keyfile> [--clients 4]");
            System.exit(2);
        }
        CycleClients load = new CycleClients(ClientConfig.of(socket, ClientKey.load(key))
                .withConnectTimeout(Duration.ofSeconds(30))
                .withRequestTimeout(Duration.ofSeconds(30)));
        System.exit(load.run(clients, System.in) ? 0 : 1);
    }

    /** Runs the clients until {@code until} reaches its end, prints the counts; true when nothing failed. */
    private boolean run(int clients, InputStream until) throws InterruptedException, IOException {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            Thread t = new Thread(() -> loop(id), "cycle-client-" + i);
            t.start();
            threads.add(t);
        }
        System.out.println("clients " + clients + " running");
        System.out.flush();
        until.transferTo(OutputStream.nullOutputStream());
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("requests " + requests.get() + " failures " + failures.get());
        shown.forEach(System.out::println);
        return failures.get() == 0;
    }

    /** One connection's closed loop; a connection that breaks counts as a failure and is opened again. */
    private void loop(int id) {
        DataFoldClient client = null;
        try {
            for (long seq = 0; !stop.get(); seq++) {
                try {
                    if (client == null || !client.isOpen()) {
                        if (client != null) {
                            client.close();
                        }
                        client = DataFoldClient.connect(config);
                    }
                    requests.incrementAndGet();
                    client.mutate("Note", MutationType.UPDATE, Map.of("body", "client " + id + " write " + seq));
                    requests.incrementAndGet();
                    FieldValue read = client.query("Note", "body").field("body");
                    if (!read.isOk()) {
                        fail(id, "query answered " + read.status() + " " + read.code() + ": " + read.message());
                    }
                } catch (RuntimeException e) {
                    fail(id, e.toString());
                }
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    private void fail(int id, String what) {
        if (failures.incrementAndGet() <= SHOWN) {
            shown.add("client " + id + " failed: " + what);
        }
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }
}
