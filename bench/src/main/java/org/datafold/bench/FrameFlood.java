package org.datafold.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.datafold.client.ClientKey;
import org.datafold.support.socket.SocketPaths;

/**
 * Large frames against the app socket while the node's resident memory is sampled, and a canary
 * client keeps asking small questions (docs/benchmarks.md, "Memory under hostile frames").
 *
 * <pre>
 * FrameFlood --socket PATH --key FILE --pid PID --mode auth|unauth [--connections 64] [--frames 100]
 *            [--size 10485000] [--settle 60]
 * </pre>
 *
 * {@code auth}: each connection authenticates, then sends {@code frames} requests of {@code size}
 * bytes one after another, reading each answer. {@code unauth}: {@code frames} connections in all,
 * {@code connections} at a time, each sending one frame of {@code size} bytes without
 * authenticating. Prints the node's RSS before, at peak and {@code settle} seconds after, and the
 * canary's count, failures and latency percentiles.
 */
public final class FrameFlood {
    private FrameFlood() {
    }

    public static void main(String[] args) throws Exception {
        Path socket = null;
        Path keyFile = null;
        long pid = -1;
        String mode = "auth";
        int connections = 64;
        int frames = 100;
        int size = 10_485_000;
        int settle = 60;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--socket" -> socket = Path.of(v);
                case "--key" -> keyFile = Path.of(v);
                case "--pid" -> pid = Long.parseLong(v);
                case "--mode" -> mode = v;
                case "--connections" -> connections = Integer.parseInt(v);
                case "--frames" -> frames = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--settle" -> settle = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (socket == null || keyFile == null || pid < 0) {
            throw new IllegalArgumentException("--socket, --key and --pid are required");
        }
        ClientKey key = ClientKey.load(keyFile);
        Sampler rss = new Sampler(pid);
        rss.start();
        long before = rss.current();
        Canary canary = new Canary(socket, key);
        canary.start();
        byte[] body = padded(size);
        long started = System.nanoTime();
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        if (mode.equals("auth")) {
            for (int c = 0; c < connections; c++) {
                final int perConnection = frames;
                final Path s = socket;
                threads.add(started(() -> {
                    try (RawConnection conn = RawConnection.open(s, key)) {
                        for (int f = 0; f < perConnection; f++) {
                            if (conn.requestBody(body)) {
                                ok.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }));
            }
        } else {
            AtomicLong next = new AtomicLong();
            final int total = frames;
            final Path s = socket;
            for (int c = 0; c < connections; c++) {
                threads.add(started(() -> {
                    while (next.getAndIncrement() < total) {
                        String answer = unauthenticatedFrame(s, body);
                        if (answer.contains("FRAME_TOO_LARGE") || answer.contains("TOO_MANY_CONNECTIONS")) {
                            refused.incrementAndGet();
                        } else if (answer.contains("\"ok\"")) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }));
            }
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = rss.peak();
        canary.stop();
        System.out.printf("mode %s: %d connections, %s of %d bytes in %.1f s: %d answered ok, %d refused, %d failed%n",
                mode, connections, mode.equals("auth") ? connections * (long) frames + " frames" : frames + " frames",
                size, seconds, ok.get(), refused.get(), failed.get());
        System.out.printf("node RSS: %d MiB before, %d MiB at peak%n", before >> 20, peak >> 20);
        System.out.println("canary: " + canary.summary());
        if (settle > 0) {
            Thread.sleep(settle * 1000L); // the figure asked for is the RSS a given time after the load
            System.out.printf("node RSS %d s after: %d MiB%n", settle, rss.current() >> 20);
        }
        rss.stop();
    }

    private static Thread started(Runnable body) {
        Thread t = new Thread(body);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A list_schemas request padded to {@code size} bytes with a member the node ignores. */
    static byte[] padded(int size) {
        String head = "{\"request_id\":\"f\",\"operation_type\":\"list_schemas\",\"payload\":{\"pad\":\"";
        String tail = "\"}}";
        return (head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Connects, sends one frame without authenticating, and returns the node's answer. */
    static String unauthenticatedFrame(Path socket, byte[] body) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(SocketPaths.forConnect(socket)));
            String greeting = readFrame(ch);
            if (greeting.contains("TOO_MANY_CONNECTIONS")) {
                return greeting;
            }
            ByteBuffer frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
            try {
                while (frame.hasRemaining()) {
                    ch.write(frame);
                }
            } catch (IOException closedByTheNode) {
                // the node refuses the frame after its length and closes: its answer is waiting
            }
            return readFrame(ch);
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    private static String readFrame(SocketChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        while (header.hasRemaining()) {
            if (ch.read(header) < 0) {
                throw new IOException("closed");
            }
        }
        ByteBuffer b = ByteBuffer.allocate(header.getInt(0));
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException("closed");
            }
        }
        return new String(b.array(), StandardCharsets.UTF_8);
    }

    /** Samples VmRSS of a process every 100 ms. */
    static final class Sampler {
        private final Path status;
        private final AtomicLong peak = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private Thread thread;

        Sampler(long pid) {
            this.status = Path.of("/proc/" + pid + "/status");
        }

        void start() {
            thread = started(() -> {
                while (running.get()) {
                    long v = current();
                    peak.accumulateAndGet(v, Math::max);
                    try {
                        Thread.sleep(100); // sampling period
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long current() {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return 0;
        }

        long peak() {
            return Math.max(peak.get(), current());
        }

        void stop() {
            running.set(false);
            thread.interrupt();
        }
    }

    /** One authenticated connection asking list_schemas in a loop, with latencies. */
    static final class Canary {
        private final Path socket;
        private final ClientKey key;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Long> micros = new ArrayList<>();
        private long failures;
        private Thread thread;

        Canary(Path socket, ClientKey key) {
            this.socket = socket;
            this.key = key;
        }

        void start() {
            thread = started(() -> {
                byte[][] template = RawConnection.template("list_schemas", RawConnection.payload());
                RawConnection conn = null;
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try {
                        if (conn == null) {
                            conn = RawConnection.open(socket, key);
                        }
                        boolean ok = conn.request(template);
                        synchronized (this) {
                            micros.add((System.nanoTime() - t0) / 1000);
                            if (!ok) {
                                failures++;
                            }
                        }
                        Thread.sleep(10); // a canary asks now and then, it is not load
                    } catch (IOException e) {
                        synchronized (this) {
                            failures++;
                        }
                        conn = null;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join();
        }

        synchronized String summary() {
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return "no requests, " + failures + " failures";
            }
            return String.format("%d requests, %d failures, p50 %d us, p99 %d us, max %d us", sorted.length, failures,
                    sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)],
                    sorted[sorted.length - 1]);
        }
    }
}
