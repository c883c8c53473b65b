package org.datafold.mesh.internal;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.datafold.api.permission.PublicKeys;

/**
 * Messages per second between two mesh nodes in one JVM (loopback): node A sends signed DATA
 * messages as fast as it can, node B verifies each (signature, pattern, replay, step window); the
 * rate is what B accepted per second of the run. Both nodes share this JVM's cores, so two
 * separate processes on more cores would do at least as well.
 *
 * <pre>java -cp bench/target/benchmarks.jar org.datafold.mesh.internal.MeshThroughput [messages] [payload bytes]</pre>
 */
public final class MeshThroughput {

    private MeshThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        KeyPair pa = PublicKeys.generate();
        KeyPair pb = PublicKeys.generate();
        String ka = PublicKeys.of(pa.getPublic());
        String kb = PublicKeys.of(pb.getPublic());
        Map<String, Integer> trust = Map.of(ka, 1, kb, 1);
        int portA = freePort();
        int portB = freePort();
        String hosts = "127.0.0.1[" + portA + "],127.0.0.1[" + portB + "]";
        String cluster = "throughput-" + portA;
        try (MeshNode a = node(cluster, portA, hosts, ka, pa, trust);
                MeshNode b = node(cluster, portB, hosts, kb, pb, trust)) {
            a.start();
            b.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (b.status().members() < 2 || b.status().accepted() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the two nodes did not form a mesh");
                }
                Thread.sleep(50);
            }
            byte[] payload = new byte[size];
            long before = b.status().accepted();
            long started = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                a.send(MeshMessage.Type.DATA, payload);
            }
            long sentAt = System.nanoTime();
            deadline = System.nanoTime() + 300_000_000_000L;
            while (b.status().accepted() - before < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("B accepted only " + (b.status().accepted() - before));
                }
                Thread.sleep(1);
            }
            long done = System.nanoTime();
            System.out.printf("%d messages of %d bytes: sent at %.0f msg/s, accepted by the receiver at %.0f msg/s"
                    + " (%.2f s); rejected %d%n", messages, size, messages / ((sentAt - started) / 1e9),
                    messages / ((done - started) / 1e9), (done - started) / 1e9, b.status().rejected());
        }
    }

    private static MeshNode node(String cluster, int port, String hosts, String key, KeyPair pair,
            Map<String, Integer> trust) {
        MeshSettings s = new MeshSettings(true, cluster, "127.0.0.1", port, hosts, null, 2000, 6000, 1000, 3000, 1000,
                DigitalRootGenerator.NAME, 7, 100, 1000, null, Integer.MAX_VALUE, Long.MAX_VALUE / 4, 60_000, 1000,
                5000);
        return new MeshNode(s, key, pair.getPrivate(), new DigitalRootGenerator(7, 100, 1000), trust::get, List::of,
                Clock.systemUTC());
    }

    private static int freePort() throws Exception {
        for (int i = 0; i < 50; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (ServerSocket fd = new ServerSocket(port + 100, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (Exception busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free port pair");
    }
}
