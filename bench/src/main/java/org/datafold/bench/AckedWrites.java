package org.datafold.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.Version;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The load generator's recording mode, for crash tests (not a benchmark): durable writes over the
 * app socket whose every acknowledgement is recorded in a file, and the check that each recorded
 * write is in the node's history.
 *
 * <pre>
 * java -cp target/benchmarks.jar org.datafold.bench.AckedWrites write --socket node/run/datafold.sock \
 *     --key crash.key --log acked.txt --tag r1 [--connections 8] [--rows 1000] [--max-seconds 120]
 * java -cp target/benchmarks.jar org.datafold.bench.AckedWrites check --socket node/run/datafold.sock \
 *     --key crash.key --log acked.txt
 * </pre>
 *
 * {@code write}: each connection ({@link RawConnection}, one request in flight) writes, in a closed
 * loop, a {@code create} of a random one of {@code --rows} rows of the range schema {@code Reading}
 * with a {@code value} unique to the write ({@code <tag>-c<connection>-<sequence>}). Once the node
 * answers {@code ok} (the commit is durable with {@code durability = SYNC}), the line
 * {@code <row key> TAB <value>} is appended to the log and flushed, so the log always lists every
 * acknowledged write. A connection stops when the node goes away (killed); the run stops when all
 * have, or after {@code --max-seconds}. Refused writes are counted, not recorded.
 *
 * <p>{@code check}: reads the log and, per row, the whole history of {@code Reading.value}; every
 * recorded value must be one of its versions. Exit status 0 when all are there, 1 when any is
 * missing (each is printed), 2 on bad arguments. The key must be trusted at distance 0 and
 * {@code Reading} approved.
 */
public final class AckedWrites {

    static final String SCHEMA = "Reading";
    static final String KEY_FIELD = "timestamp";
    static final String VALUE_FIELD = "value";

    private AckedWrites() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !List.of("write", "check").contains(args[0])) {
            usage();
            System.exit(2);
        }
        Path socket = null;
        Path keyFile = null;
        Path log = null;
        String tag = "w";
        int connections = 8;
        int rows = 1000;
        int maxSeconds = 120;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--socket" -> { socket = Path.of(need(a, v)); i++; }
                case "--key" -> { keyFile = Path.of(need(a, v)); i++; }
                case "--log" -> { log = Path.of(need(a, v)); i++; }
                case "--tag" -> { tag = need(a, v); i++; }
                case "--connections" -> { connections = Integer.parseInt(need(a, v)); i++; }
                case "--rows" -> { rows = Integer.parseInt(need(a, v)); i++; }
                case "--max-seconds" -> { maxSeconds = Integer.parseInt(need(a, v)); i++; }
                default -> { System.err.println("unknown argument: " + a); usage(); System.exit(2); }
            }
        }
        if (socket == null || keyFile == null || log == null || connections < 1 || rows < 1 || maxSeconds < 1) {
            usage();
            System.exit(2);
        }
        ClientKey key = ClientKey.load(keyFile);
        if (args[0].equals("write")) {
            write(socket, key, log, tag, connections, rows, maxSeconds);
        } else {
            System.exit(check(socket, key, log) ? 0 : 1);
        }
    }

    static String rowKey(int row) {
        return String.format(Locale.ROOT, "ack-%05d", row);
    }

    // ---------------------------------------------------------------- write

    /** Appends acknowledged writes to the log, a line each, flushed at once. */
    private static final class AckLog implements AutoCloseable {
        private final BufferedWriter out;
        private long lines;

        AckLog(Path file) throws IOException {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }

        synchronized void acknowledged(String row, String value) throws IOException {
            out.write(row);
            out.write('\t');
            out.write(value);
            out.write('\n');
            out.flush();
            lines++;
        }

        synchronized long lines() {
            return lines;
        }

        @Override
        public synchronized void close() throws IOException {
            out.close();
        }
    }

    private static void write(Path socket, ClientKey key, Path logFile, String tag, int connections, int rows,
                              int maxSeconds) throws Exception {
        List<RawConnection> open = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            open.add(RawConnection.open(socket, key));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong refused = new AtomicLong();
        AtomicReference<IOException> logFailure = new AtomicReference<>();
        CountDownLatch ended = new CountDownLatch(connections);
        long start = System.nanoTime();
        try (AckLog log = new AckLog(logFile)) {
            for (int i = 0; i < connections; i++) {
                RawConnection c = open.get(i);
                int id = i;
                Thread t = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(System.nanoTime() ^ id);
                    try {
                        for (long seq = 0; !stop.get(); seq++) {
                            String row = rowKey(random.nextInt(rows));
                            String value = tag + "-c" + id + "-" + seq;
                            ObjectNode m = RawConnection.payload().put("schema", SCHEMA).put("mutation_type", "create");
                            m.putObject("values").put(KEY_FIELD, row).put(VALUE_FIELD, value);
                            boolean ok;
                            try {
                                ok = c.request(RawConnection.template("mutate", m));
                            } catch (IOException nodeGone) {
                                return;
                            }
                            if (!ok) {
                                refused.incrementAndGet();
                                continue;
                            }
                            try {
                                log.acknowledged(row, value);
                            } catch (IOException e) {
                                logFailure.compareAndSet(null, e);
                                stop.set(true);
                                return;
                            }
                        }
                    } finally {
                        ended.countDown();
                    }
                }, "acked-" + i);
                t.setDaemon(true);
                t.start();
            }
            boolean allEnded = ended.await(maxSeconds, TimeUnit.SECONDS);
            stop.set(true);
            for (RawConnection c : open) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            ended.await(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "acknowledged %d writes (%s) on %d connections in %.1f s, %d refused, %s%n",
                    log.lines(), tag, connections, seconds, refused.get(),
                    allEnded ? "stopped when the node went away" : "stopped after " + maxSeconds + " s");
        }
        if (logFailure.get() != null) {
            System.err.println("cannot record acknowledgements in " + logFile + ": " + logFailure.get());
            System.exit(1);
        }
    }

    // ---------------------------------------------------------------- check

    private static boolean check(Path socket, ClientKey key, Path logFile) throws IOException {
        Map<String, Set<String>> expected = new TreeMap<>();
        long acknowledged = 0;
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab < 0) {
                throw new IOException("not a line of an acknowledgement log: " + line);
            }
            expected.computeIfAbsent(line.substring(0, tab), r -> new HashSet<>()).add(line.substring(tab + 1));
            acknowledged++;
        }
        long missing = 0;
        long versions = 0;
        ClientConfig config = ClientConfig.of(socket, key).withRequestTimeout(Duration.ofSeconds(60));
        try (DataFoldClient client = DataFoldClient.connect(config)) {
            for (Map.Entry<String, Set<String>> row : expected.entrySet()) {
                Set<String> present = new HashSet<>();
                for (Version v : client.history(SCHEMA, VALUE_FIELD, row.getKey(), Integer.MAX_VALUE)) {
                    present.add(v.value() == null ? "" : v.value().asText());
                    versions++;
                }
                for (String value : row.getValue()) {
                    if (!present.contains(value)) {
                        System.out.println("MISSING " + row.getKey() + " " + value);
                        missing++;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "checked %d acknowledged writes in %d rows (%d versions in their histories): %s%n",
                acknowledged, expected.size(), versions, missing == 0 ? "all present" : missing + " MISSING");
        return missing == 0;
    }

    private static String need(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void usage() {
        System.err.println("usage: java -cp target/benchmarks.jar org.datafold.bench.AckedWrites write|check"
                + " --socket <path> --key <keyfile> --log <file> [--tag <text>] [--connections 8] [--rows 1000]"
                + " [--max-seconds 120]");
    }
}
