package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.FieldValue;
import org.datafold.client.MutationType;
import org.junit.Rule;
import org.junit.Test;

/**
 * The example app bundle ({@code examples/sample-app}, the journal app) deployed and removed
 * through the real {@code deploy/} folder of a node process, {@value #CYCLES} times, while
 * app-socket clients (the Java client library, a trusted key) write and query the shipped schema
 * {@code Note}: no client request fails, the app answers through the shell in every cycle, and what
 * the node holds after a full GC is the same after the cycles as before them.
 *
 * <p>{@code bench/deploy-cycles.sh} runs the same cycles a hundred times against the assembled runtime
 * ({@code docs/benchmarks.md}).
 */
public class DeployCyclesIT {
    private static final int CYCLES = 10;
    private static final int CLIENTS = 2;
    private static final long TIMEOUT_S = 120;
    private static final String APP_BSN = "org.datafold.examples-sample-app";

    /*
     * Growth allowed from before the first cycle to after the last. Each bound is below CYCLES, so
     * that one bundle class loader, Bundle object, thread or file descriptor left behind per cycle
     * fails the test; the slack covers what comes and goes on its own (a GC or JIT thread, a socket of
     * the admin shell being closed).
     */
    private static final int MAX_MORE_LOADERS = 2;
    private static final int MAX_MORE_BUNDLES = 2;
    private static final int MAX_MORE_THREADS = 5;
    private static final int MAX_MORE_FDS = 5;
    /**
     * Classes: the JIT's method handle and lambda forms keep appearing for a while (tens per ten
     * cycles); a class loader left behind is caught by the count of loaders.
     */
    private static final int MAX_MORE_CLASSES = 200;
    /**
     * Heap after GC less the JE cache (whose figure is JE's estimate, and which grows with the data
     * the clients write): a leak of 800 KiB per cycle exceeds it.
     */
    private static final double MAX_MORE_HEAP_MIB = 8;

    @Rule
    public final NodeProcess proc = new NodeProcess("cyc-");

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    /** The first failures, in full. */
    private final List<String> failures = new CopyOnWriteArrayList<>();

    @Test
    public void appDeployedAndRemovedUnderLoadLeavesNothingBehind() throws Exception {
        Process node = proc.start();
        shell("fold:status");
        Path socket = proc.home().resolve("run/datafold.sock");
        Path key = proc.home().getParent().resolve("load.key");
        NodeProcess.Result keygen = proc.client("keygen", key.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        shell("perm:trust", keygen.out().trim(), "0", "load");
        shell("schema:approve", "Note");
        shell("fold:mutate", "Note", "create", "{\"title\": \"deploy cycles\", \"body\": \"start\"}");

        // The first deployment: the owner approves the schema the app ships and trusts the app's key.
        deploy();
        Pattern active = Pattern.compile("(?m)^State +ACTIVE$");
        String app = await("the journal app active", r -> r.exit() == 0 && active.matcher(r.out()).find(),
                "fold:app", "journal");
        Matcher appKey = Pattern.compile("(?m)^Key +(ed25519:\\S+)").matcher(app);
        assertTrue(app, appKey.find());
        shell("schema:approve", "Journal");
        shell("perm:trust", appKey.group(1), "1", "journal");
        awaitWrite("setup");
        undeploy();

        ClientConfig config = ClientConfig.of(socket, ClientKey.load(key)).withRequestTimeout(Duration.ofSeconds(60));
        CountDownLatch served = new CountDownLatch(CLIENTS);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            int id = i;
            Thread t = new Thread(() -> writeAndQuery(config, id, served), "cycle-client-" + i);
            t.start();
            clients.add(t);
        }
        Figures start;
        Figures end;
        try {
            assertTrue("every client served", served.await(TIMEOUT_S, TimeUnit.SECONDS));
            Figures.of(node.pid());  // the first attach starts the JVM's attach listener (a thread, a socket)
            start = figures(node.pid(), 0);
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                deploy();
                awaitWrite("cycle-" + cycle);
                undeploy();
                if (cycle == CYCLES / 2) {
                    figures(node.pid(), cycle);
                }
            }
            end = figures(node.pid(), CYCLES);
        } finally {
            stop.set(true);
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
            }
        }

        assertEquals("failed client requests (of " + requests.get() + "), first ones: " + failures, 0, failed.get());
        assertTrue("requests: " + requests.get(), requests.get() > 0);
        String growth = "from cycle 0 to cycle " + CYCLES + ":\n" + start + "\n" + end;
        assertTrue("bundle class loaders " + growth, end.loaders() - start.loaders() <= MAX_MORE_LOADERS);
        assertTrue("Bundle objects " + growth, end.bundles() - start.bundles() <= MAX_MORE_BUNDLES);
        assertTrue("threads (not counting the bounded pools) " + growth,
                end.threads() - end.pools() - (start.threads() - start.pools()) <= MAX_MORE_THREADS);
        assertTrue("file descriptors (not counting JE's log files) " + growth,
                end.fds() - end.jdb() - (start.fds() - start.jdb()) <= MAX_MORE_FDS);
        assertTrue("classes " + growth, end.classes() - start.classes() <= MAX_MORE_CLASSES);
        assertTrue("heap after GC less the JE cache " + growth, end.rest() - start.rest() <= MAX_MORE_HEAP_MIB);

        NodeProcess.Result stopped = proc.datafold("stop");
        assertEquals(stopped.all(), 0, stopped.exit());
    }

    /** One client's closed loop until the test stops it: a durable update of Note.body, then a query of it. */
    private void writeAndQuery(ClientConfig config, int id, CountDownLatch served) {
        try (DataFoldClient client = DataFoldClient.connect(config)) {
            for (long i = 0; !stop.get(); i++) {
                try {
                    requests.incrementAndGet();
                    client.mutate("Note", MutationType.UPDATE, Map.of("body", "client " + id + " write " + i));
                    requests.incrementAndGet();
                    FieldValue body = client.query("Note", "body").field("body");
                    if (!body.isOk()) {
                        failure("client " + id + ": query answered " + body);
                    }
                    served.countDown();
                } catch (RuntimeException e) {
                    failure("client " + id + ": " + e);
                }
            }
        } catch (RuntimeException e) {
            failure("client " + id + " could not connect: " + e);
            served.countDown();
        }
    }

    private void failure(String what) {
        if (failed.incrementAndGet() <= 10) {
            failures.add(what);
        }
    }

    /** Copies the app's jar into deploy/ under a temporary name and renames it: FileInstall never sees half a jar. */
    private void deploy() throws IOException {
        String path = System.getProperty("datafold.it.example.app");
        assertTrue("system property datafold.it.example.app (set by itests/pom.xml)", path != null);
        Path deploy = proc.home().resolve("deploy");
        Path tmp = deploy.resolve("sample-app.jar.tmp");
        Files.copy(Path.of(path), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, deploy.resolve("sample-app.jar"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the jar from deploy/ and waits until the node no longer lists the app nor its bundle. */
    private void undeploy() throws Exception {
        Files.delete(proc.home().resolve("deploy/sample-app.jar"));
        await("the journal app removed", r -> r.exit() == 0 && !r.out().contains("journal ")
                && !r.out().contains(APP_BSN), "fold:apps; lb -s");
    }

    /** Waits until the app, deployed again, writes an entry through the shell (its commands are back and trusted). */
    private void awaitWrite(String entry) throws Exception {
        await("journal:write " + entry, r -> r.exit() == 0 && r.out().startsWith("written " + entry + " "),
                "journal:write", entry, "written while deployed");
    }

    /** Runs a shell command until its result satisfies the condition, for at most TIMEOUT_S; returns its output. */
    private String await(String what, Predicate<NodeProcess.Result> done, String... command) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        NodeProcess.Result r;
        do {
            assertTrue(what + " within " + TIMEOUT_S + " s", System.nanoTime() < deadline);
            r = proc.datafold(shellArgs(command));
        } while (!done.test(r));
        return r.out();
    }

    private NodeProcess.Result shell(String... command) throws Exception {
        NodeProcess.Result r = proc.datafold(shellArgs(command));
        assertEquals(r.all(), 0, r.exit());
        return r;
    }

    private static String[] shellArgs(String... command) {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        return args;
    }

    /** Reads the figures, adds the JE cache's share of the heap (from storage:stats) and prints them. */
    private Figures figures(long pid, int cycle) throws Exception {
        Figures f = Figures.of(pid).withJeCache(jeCacheMib(shell("storage:stats").out()));
        System.out.printf(Locale.ROOT, "cycle %2d: %s%n", cycle, f);
        return f;
    }

    private static double jeCacheMib(String stats) {
        Matcher m = Pattern.compile("(?m)^Cache +([0-9.]+) (B|KiB|MiB|GiB) used").matcher(stats);
        assertTrue(stats, m.find());
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "B" -> value / (1024 * 1024);
            case "KiB" -> value / 1024;
            case "GiB" -> value * 1024;
            default -> value;
        };
    }

    /**
     * What the node's JVM holds after a full GC ({@code jcmd GC.run}, {@code GC.heap_info},
     * {@code GC.class_histogram}, {@code Thread.print}, {@code PerfCounter.print}) and what the
     * process has open ({@code /proc/<pid>}).
     *
     * @param heapMib  heap in use after the GC
     * @param jeCache  the JE cache's share of it, MiB (JE's estimate)
     * @param classes  classes loaded less classes unloaded
     * @param loaders  bundle class loaders alive (Felix's {@code BundleWiringImpl$BundleClassLoader})
     * @param bundles  {@code Bundle} objects alive (Felix's {@code BundleImpl})
     * @param threads  threads of the process
     * @param pools    of them, the threads of pools that grow with the load up to a bound and shrink
     *                 when idle: JE's evictor (10), EventAdmin's asynchronous delivery (10) and the
     *                 admin shell's workers (4)
     * @param fds      open file descriptors
     * @param jdb      of them, JE's log files (one more per 10 MB of log as data is written)
     */
    record Figures(double heapMib, double jeCache, long classes, int loaders, int bundles, int threads, int pools,
            int fds, int jdb) {

        private static final String FELIX = "org.apache.felix.framework.";
        private static final Pattern HEAP = Pattern.compile("heap +total \\d+K, used (\\d+)K");
        private static final Pattern POOL_THREAD = Pattern.compile(
                "(?m)^\"(JEEvictor|EventAdminAsyncThread #\\d+|datafold-admin-\\d+)\"");

        static Figures of(long pid) throws IOException, InterruptedException {
            Path commands = Files.createTempFile("jcmd", ".txt");
            String vm;
            try {
                Files.writeString(commands, "GC.run\nGC.heap_info\nGC.class_histogram\nThread.print\n");
                vm = jcmd(pid, "-f", commands.toString());
            } finally {
                Files.delete(commands);
            }
            Matcher heap = HEAP.matcher(vm);
            assertTrue(vm, heap.find());
            int loaders = 0;
            int bundles = 0;
            for (String line : vm.split("\n")) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length == 4 && cols[3].equals(FELIX + "BundleWiringImpl$BundleClassLoader")) {
                    loaders = Integer.parseInt(cols[1]);
                } else if (cols.length == 4 && cols[3].equals(FELIX + "BundleImpl")) {
                    bundles = Integer.parseInt(cols[1]);
                }
            }
            int pools = 0;
            for (Matcher m = POOL_THREAD.matcher(vm); m.find(); ) {
                pools++;
            }
            long classes = 0;
            for (String line : jcmd(pid, "PerfCounter.print").split("\n")) {
                if (line.matches("java\\.cls\\.(shared)?[lL]oadedClasses=\\d+")) {
                    classes += Long.parseLong(line.substring(line.indexOf('=') + 1));
                } else if (line.matches("java\\.cls\\.(shared)?[uU]nloadedClasses=\\d+")) {
                    classes -= Long.parseLong(line.substring(line.indexOf('=') + 1));
                }
            }
            Path proc = Path.of("/proc", Long.toString(pid));
            int threads = Files.readAllLines(proc.resolve("status")).stream().filter(l -> l.startsWith("Threads:"))
                    .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).trim())).findFirst().orElseThrow();
            int fds = 0;
            int jdb = 0;
            try (Stream<Path> open = Files.list(proc.resolve("fd"))) {
                for (Path fd : open.toList()) {
                    fds++;
                    try {
                        jdb += Files.readSymbolicLink(fd).toString().endsWith(".jdb") ? 1 : 0;
                    } catch (IOException e) {
                        // closed since the listing
                    }
                }
            }
            return new Figures(Long.parseLong(heap.group(1)) / 1024.0, 0, classes, loaders, bundles, threads, pools,
                    fds, jdb);
        }

        Figures withJeCache(double mib) {
            return new Figures(heapMib, mib, classes, loaders, bundles, threads, pools, fds, jdb);
        }

        /** Heap after GC less the JE cache, MiB. */
        double rest() {
            return heapMib - jeCache;
        }

        private static String jcmd(long pid, String... args) throws IOException, InterruptedException {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            assertTrue("jcmd of the JDK running the tests: " + jcmd, Files.isExecutable(jcmd));
            List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue("jcmd finished", p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(out, 0, p.exitValue());
            return out;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "heap %.1f MiB (JE cache %.1f, rest %.1f), classes %d, bundle class"
                    + " loaders %d, Bundle objects %d, threads %d (pools %d), fds %d (JE log files %d)", heapMib,
                    jeCache, rest(), classes, loaders, bundles, threads, pools, fds, jdb);
        }
    }
}
