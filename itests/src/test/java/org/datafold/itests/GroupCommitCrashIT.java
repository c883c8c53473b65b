package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.MutationType;
import org.datafold.client.Version;
import org.junit.Rule;
import org.junit.Test;

/**
 * Group commit and durability, through the node as a process: writers over the app socket update
 * one hot field and create rows, concurrently (so that their writes share commits); the node is
 * killed with SIGKILL while they write; after the restart every write the node acknowledged is
 * there, and the hot field's history is one linear chain.
 */
public class GroupCommitCrashIT {
    private static final int WRITERS = 8;
    private static final int ACKS_BEFORE_KILL = 400;

    @Rule
    public final NodeProcess proc = new NodeProcess("groupcommit-");

    @Test
    public void everyAcknowledgedWriteSurvivesAKill() throws Exception {
        Process node = proc.start();
        Path appKey = proc.home().resolve("writer.key");
        NodeProcess.Result keygen = proc.client("keygen", appKey.toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        String key = keygen.out().trim();
        assertEquals(0, proc.datafold("shell", "perm:trust", key, "0", "writer").exit());
        assertEquals(0, proc.datafold("shell", "schema:approve", "Note").exit());
        assertEquals(0, proc.datafold("shell", "schema:approve", "Reading").exit());
        ClientConfig config = ClientConfig.of(proc.home().resolve("run/datafold.sock"), ClientKey.load(appKey));
        try (DataFoldClient first = DataFoldClient.connect(config)) {
            first.mutate("Note", MutationType.CREATE, Map.of("title", "initial"));
        }

        ConcurrentLinkedQueue<String> ackedTitles = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> ackedRows = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try (DataFoldClient client = DataFoldClient.connect(config)) {
                    for (int i = 0; !stop.get(); i++) {
                        if (i % 2 == 0) {
                            String title = "w" + id + "-" + i;
                            client.mutate("Note", MutationType.UPDATE, Map.of("title", title));
                            ackedTitles.add(title);
                        } else {
                            String row = "r" + id + "-" + i;
                            client.mutate("Reading", MutationType.CREATE, Map.of("timestamp", row, "value", i));
                            ackedRows.add(row);
                        }
                    }
                } catch (RuntimeException e) {
                    // The kill ends every connection; what was acknowledged before is checked below.
                }
            }, "writer-" + w);
            t.start();
            writers.add(t);
        }
        await("acknowledged writes before the kill").atMost(Duration.ofSeconds(120))
                .until(() -> ackedTitles.size() + ackedRows.size() >= ACKS_BEFORE_KILL);
        node.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
        stop.set(true);
        for (Thread t : writers) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(t.getName() + " ended", !t.isAlive());
        }
        Set<String> titles = new HashSet<>(ackedTitles);
        List<String> rows = new ArrayList<>(ackedRows);

        proc.start();
        // The app socket is bound again once the transport's component is active: connect when it is.
        DataFoldClient reconnected = await("the app socket after the restart").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> DataFoldClient.connect(config), c -> true);
        try (DataFoldClient client = reconnected) {
            List<Version> history = client.history("Note", "title", null, 1_000_000);
            Map<String, Version> byUuid = new HashMap<>();
            Set<String> values = new HashSet<>();
            for (Version v : history) {
                byUuid.put(v.uuid(), v);
                values.add(v.value().asText());
            }
            Set<String> missing = new HashSet<>(titles);
            missing.removeAll(values);
            assertTrue("acknowledged updates missing after the kill: " + missing, missing.isEmpty());
            // Linear: newest first, each version's prev is the next one, the oldest has none.
            for (int i = 0; i < history.size() - 1; i++) {
                assertEquals(history.get(i + 1).uuid(), history.get(i).prev());
            }
            assertNull(history.get(history.size() - 1).prev());
            assertEquals("initial", history.get(history.size() - 1).value().asText());
            assertEquals("each version once", history.size(), byUuid.size());

            for (String row : rows) {
                List<Version> rowHistory = client.history("Reading", "timestamp", row, 10);
                assertEquals("acknowledged row " + row + " after the kill", 1, rowHistory.size());
            }
        }
        NodeProcess.Result stats = proc.datafold("shell", "storage:stats");
        assertTrue(stats.out(), stats.out().contains("NOT clean"));
        assertEquals(0, proc.datafold("stop").exit());
    }
}
