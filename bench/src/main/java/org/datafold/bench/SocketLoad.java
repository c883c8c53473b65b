package org.datafold.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.MutationType;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Load generator for a running node's app socket (not a JMH benchmark): N connections, each its own
 * authenticated {@link DataFoldClient} driven by its own thread in a closed loop (one request in
 * flight per connection), for a warm-up and then a measured duration. Reports throughput and the
 * p50/p99 of the per-request latencies of the measured part (every request's latency is kept; the
 * samples are sorted at the end).
 *
 * <pre>
 * java -cp target/benchmarks.jar org.datafold.bench.SocketLoad --socket node/run/datafold.sock \
 *     --key bench.key [--connections 1,8,64] [--workloads query,update,mix,rows] [--initial-warmup 10] \
 *     [--warmup 5] [--duration 10] \
 *     [--schema Note] [--field title] [--client raw|library]
 * </pre>
 *
 * {@code --client raw} (the default) drives each connection with {@link RawConnection}: a blocking
 * socket and a prepared request, read and written on the worker's own thread, the way
 * redis-benchmark drives Redis. {@code --client library} uses the {@link DataFoldClient} library
 * (request ids, a reader thread per connection, typed results), which costs the client more CPU.
 *
 * Workloads: {@code query} reads one field of the single schema; {@code update} is a durable
 * one-field {@code update} mutation; {@code mix} picks a query with probability 0.9, else an update;
 * {@code rows} (not in the default list) durably writes the {@code value} of a random one of 100,000
 * rows of the range schema {@code Reading}, so that connections rarely write the same record. The
 * key must be trusted by the node (distance 0 for the shipped examples) and the schemas approved.
 */
public final class SocketLoad {

    private SocketLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = null;
        Path keyFile = null;
        int[] connections = {1, 8, 64};
        List<String> workloads = List.of("query", "update", "mix");
        int warmupSeconds = 5;
        int durationSeconds = 10;
        int initialWarmupSeconds = 10;
        String schema = "Note";
        String field = "title";
        boolean raw = true;
        long nodePid = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--socket" -> { socket = Path.of(need(a, v)); i++; }
                case "--key" -> { keyFile = Path.of(need(a, v)); i++; }
                case "--connections" -> {
                    connections = Arrays.stream(need(a, v).split(",")).mapToInt(Integer::parseInt).toArray();
                    i++;
                }
                case "--workloads" -> { workloads = List.of(need(a, v).split(",")); i++; }
                case "--warmup" -> { warmupSeconds = Integer.parseInt(need(a, v)); i++; }
                case "--duration" -> { durationSeconds = Integer.parseInt(need(a, v)); i++; }
                case "--initial-warmup" -> { initialWarmupSeconds = Integer.parseInt(need(a, v)); i++; }
                case "--node-pid" -> { nodePid = Long.parseLong(need(a, v)); i++; }
                case "--schema" -> { schema = need(a, v); i++; }
                case "--field" -> { field = need(a, v); i++; }
                case "--client" -> {
                    String c = need(a, v);
                    if (!List.of("raw", "library").contains(c)) {
                        throw new IllegalArgumentException("--client is raw or library, not " + c);
                    }
                    raw = c.equals("raw");
                    i++;
                }
                case "-h", "--help" -> { usage(); return; }
                default -> { System.err.println("unknown argument: " + a); usage(); System.exit(2); }
            }
        }
        if (socket == null || keyFile == null) {
            usage();
            System.exit(2);
        }
        for (String w : workloads) {
            if (!List.of("query", "update", "mix", "rows").contains(w)) {
                System.err.println("unknown workload: " + w);
                System.exit(2);
            }
        }
        ClientKey key = ClientKey.load(keyFile);
        ClientConfig config = ClientConfig.of(socket, key)
                .withConnectTimeout(Duration.ofSeconds(30))
                .withRequestTimeout(Duration.ofSeconds(30));

        // The field must have a value, or the queries read nothing.
        try (DataFoldClient setup = DataFoldClient.connect(config)) {
            setup.mutate(schema, MutationType.CREATE, Map.of(field, "benchmark value 0"));
            setup.query(schema, field);
        }

        // The node's JIT needs several seconds on 2 cores: warm both request paths once, before any case.
        if (initialWarmupSeconds > 0) {
            run(new Target(config, raw, 0), schema, field, "mix", 8, initialWarmupSeconds, 0);
        }

        System.out.printf(Locale.ROOT, "# socket %s, %s client, schema %s, field %s, initial warm-up %d s (mix, 8"
                        + " connections), then per case warm-up %d s, measured %d s, %d cores, %s%n",
                socket, raw ? "raw (blocking JDK socket, one thread per connection)" : "DataFoldClient library", schema,
                field, initialWarmupSeconds, warmupSeconds, durationSeconds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-8s %5s %10s %12s %10s %10s %8s %12s%n",
                "workload", "conns", "requests", "req/s", "p50 µs", "p99 µs", "errors", "cpu ms/1k");
        for (String workload : workloads) {
            for (int n : connections) {
                Result r = run(new Target(config, raw, nodePid), schema, field, workload, n, warmupSeconds,
                        durationSeconds);
                System.out.printf(Locale.ROOT, "%-8s %5d %10d %12.0f %10.1f %10.1f %8d %12s%n",
                        workload, n, r.requests, r.perSecond, r.p50Micros, r.p99Micros, r.errors,
                        Double.isNaN(r.cpuMsPer1k) ? "-" : String.format(Locale.ROOT, "%.1f", r.cpuMsPer1k));
                System.out.flush();
            }
        }
    }

    /** The range schema of the {@code rows} workload, its key and the field written, and how many rows. */
    static final String ROWS_SCHEMA = "Reading";
    static final String ROWS_KEY = "timestamp";
    static final String ROWS_FIELD = "value";
    static final int ROWS = 100_000;

    private record Result(long requests, double perSecond, double p50Micros, double p99Micros, long errors,
            double cpuMsPer1k) {
    }

    /** Where and how to connect, and the node's process (0: unknown) whose CPU time is measured. */
    private record Target(ClientConfig config, boolean raw, long nodePid) {
    }

    /** Clock ticks per second of {@code /proc/<pid>/stat} (USER_HZ: 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;

    /** The CPU time (user + system, all threads) of a process so far, in ms; NaN if unknown. */
    static double cpuMillis(long pid) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) in parentheses: state is field 3,
            // utime and stime are fields 14 and 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000.0 / TICKS_PER_SECOND;
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One connection of either kind. */
    private interface Connection extends AutoCloseable {
        /** A one-field query; throws on failure. */
        void query() throws Exception;

        /** A durable one-field update; throws on failure. */
        void update(String value) throws Exception;

        /** A durable write of one row of {@value #ROWS_SCHEMA} ({@code create}: written whether or not it exists). */
        void writeRow(String key, double value) throws Exception;

        boolean isOpen();

        @Override
        void close();
    }

    private static Connection connect(Target target, String schema, String field) throws Exception {
        if (!target.raw()) {
            DataFoldClient c = DataFoldClient.connect(target.config());
            return new Connection() {
                public void query() {
                    c.query(schema, field);
                }

                public void update(String value) {
                    c.mutate(schema, MutationType.UPDATE, Map.of(field, value));
                }

                public void writeRow(String key, double value) {
                    c.mutate(ROWS_SCHEMA, MutationType.CREATE, Map.of(ROWS_KEY, key, ROWS_FIELD, value));
                }

                public boolean isOpen() {
                    return c.isOpen();
                }

                public void close() {
                    c.close();
                }
            };
        }
        RawConnection c = RawConnection.open(target.config().socket(), target.config().key());
        ObjectNode q = RawConnection.payload().put("schema", schema);
        q.putArray("fields").add(field);
        byte[][] query = RawConnection.template("query", q);
        return new Connection() {
            boolean open = true;

            public void query() throws Exception {
                check(c.request(query));
            }

            public void update(String value) throws Exception {
                ObjectNode m = RawConnection.payload().put("schema", schema).put("mutation_type", "update");
                m.putObject("values").put(field, value);
                check(c.request(RawConnection.template("mutate", m)));
            }

            public void writeRow(String key, double value) throws Exception {
                ObjectNode m = RawConnection.payload().put("schema", ROWS_SCHEMA).put("mutation_type", "create");
                m.putObject("values").put(ROWS_KEY, key).put(ROWS_FIELD, value);
                check(c.request(RawConnection.template("mutate", m)));
            }

            private void check(boolean ok) {
                if (!ok) {
                    throw new IllegalStateException("the node answered with an error");
                }
            }

            public boolean isOpen() {
                return open;
            }

            public void close() {
                open = false;
                try {
                    c.close();
                } catch (java.io.IOException ignored) {
                    // closing anyway
                }
            }
        };
    }

    private static Result run(Target target, String schema, String field, String workload, int n,
                              int warmupSeconds, int durationSeconds) throws Exception {
        List<Connection> clients = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                clients.add(connect(target, schema, field));
            }
            AtomicBoolean measuring = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            Worker[] workers = new Worker[n];
            CountDownLatch done = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                Worker w = new Worker(clients.get(i), schema, field, workload, i, measuring, stop, done);
                workers[i] = w;
                Thread t = new Thread(w, "load-" + i);
                t.setDaemon(true);
                t.start();
            }
            Thread.sleep(warmupSeconds * 1000L);
            long start = System.nanoTime();
            double cpuStart = cpuMillis(target.nodePid());
            measuring.set(true);
            Thread.sleep(durationSeconds * 1000L);
            stop.set(true);
            double cpu = cpuMillis(target.nodePid()) - cpuStart;
            long elapsed = System.nanoTime() - start;
            done.await();

            int total = 0;
            long errors = 0;
            for (Worker w : workers) {
                total += w.count;
                errors += w.errors;
            }
            long[] all = new long[total];
            int at = 0;
            for (Worker w : workers) {
                System.arraycopy(w.samples, 0, all, at, w.count);
                at += w.count;
            }
            Arrays.sort(all);
            return new Result(total, total / (elapsed / 1e9), percentile(all, 0.50) / 1e3,
                    percentile(all, 0.99) / 1e3, errors, total == 0 ? Double.NaN : cpu / (total / 1000.0));
        } finally {
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** One connection's closed loop; latencies (ns) of the requests that started while measuring. */
    private static final class Worker implements Runnable {
        private final Connection client;
        private final String schema;
        private final String field;
        private final String workload;
        private final int id;
        private final AtomicBoolean measuring;
        private final AtomicBoolean stop;
        private final CountDownLatch done;
        private final SplittableRandom random;
        long[] samples = new long[1 << 14];
        int count;
        long errors;

        Worker(Connection client, String schema, String field, String workload, int id,
               AtomicBoolean measuring, AtomicBoolean stop, CountDownLatch done) {
            this.client = client;
            this.schema = schema;
            this.field = field;
            this.workload = workload;
            this.id = id;
            this.measuring = measuring;
            this.stop = stop;
            this.done = done;
            this.random = new SplittableRandom(id);
        }

        @Override
        public void run() {
            long seq = 0;
            try {
                while (!stop.get()) {
                    boolean write = switch (workload) {
                        case "update" -> true;
                        case "mix" -> random.nextInt(10) == 0;
                        default -> false;
                    };
                    boolean measured = measuring.get();
                    long t0 = System.nanoTime();
                    try {
                        if (workload.equals("rows")) {
                            client.writeRow(String.format("row-%05d", random.nextInt(ROWS)), random.nextDouble());
                        } else if (write) {
                            client.update("value " + id + "-" + seq++);
                        } else {
                            client.query();
                        }
                    } catch (Exception e) {
                        if (measured) {
                            errors++;
                        }
                        if (!client.isOpen()) {
                            System.err.println("connection " + id + " failed: " + e);
                            return;
                        }
                        continue;
                    }
                    long t = System.nanoTime() - t0;
                    if (measured && !stop.get()) {
                        if (count == samples.length) {
                            samples = Arrays.copyOf(samples, samples.length * 2);
                        }
                        samples[count++] = t;
                    }
                }
            } finally {
                done.countDown();
            }
        }
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void usage() {
        System.err.println("usage: java -cp target/benchmarks.jar org.datafold.bench.SocketLoad --socket <path> --key <keyfile>"
                + " [--connections 1,8,64] [--workloads query,update,mix] [--initial-warmup <s>] [--warmup <s>] [--duration <s>]"
                + " [--schema Note] [--field title] [--client raw|library] [--node-pid <pid>: report its CPU ms per 1,000 requests]");
    }
}
