package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.Rule;
import org.junit.Test;

/**
 * Declarative transforms end to end, through the assembled node as a process: the shipped
 * {@code OrderTotal} computes from {@code Order}; a run queued when the node is killed between the
 * input's commit and the output's write happens after the restart.
 */
public class TransformProcessIT {
    @Rule
    public final NodeProcess proc = new NodeProcess("transform-");

    private NodeProcess.Result shell(String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        NodeProcess.Result r = proc.datafold(args);
        assertEquals(r.all(), 0, r.exit());
        return r;
    }

    @Test
    public void aQueuedRunSurvivesAKillAndRunsAfterTheRestart() throws Exception {
        // Paused: changes queue their runs durably but nothing runs them, so the kill below
        // always falls between the input's commit and the output's write.
        Path cfg = proc.home().resolve("etc/org.datafold.transforms.cfg");
        Files.writeString(cfg, "enabled = false\n");
        Process node = proc.start();
        shell("schema:approve", "Order");
        shell("schema:approve", "OrderTotal");
        shell("fold:mutate", "Order", "create", "{\"price\": 30, \"quantity\": 4, \"discount\": 0.25}");
        String listed = shell("fold:transforms").out();
        assertTrue(listed, listed.matches("(?s).*OrderTotal\\.total\\s+ACTIVE\\s+DECLARATIVE\\s+OrderTotal\\.total\\s+0\\s+0\\s+1\\s.*"));
        String before = shell("fold:query", "OrderTotal", "total,label").out();
        assertTrue(before, before.contains("NO_VALUE"));

        node.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly();
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));

        Files.writeString(cfg, "enabled = true\n");
        proc.start();
        // The run starts with the node; a query may come first, so ask until it shows (bounded).
        String after = await("the queued run's output").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> shell("fold:query", "OrderTotal", "total,label").out(), out -> out.contains("order: 90"));
        assertTrue(after, after.contains("\"value\" : 90") && after.contains("\"order: 90\""));
        String history = shell("fold:history", "OrderTotal", "total").out();
        assertTrue(history, history.contains("transform:OrderTotal.total"));
        String shown = shell("fold:transform", "OrderTotal.label").out();
        assertTrue(shown, shown.contains("Queued        0") && shown.contains("OrderTotal.total"));
        NodeProcess.Result refused = proc.datafold("shell", "fold:mutate", "OrderTotal", "update", "{\"total\": 1}");
        assertTrue(refused.all(), refused.exit() != 0 && refused.err().contains("FIELD_NOT_WRITABLE"));
        NodeProcess.Result ran = shell("fold:transform-run", "OrderTotal.total");
        assertTrue(ran.all(), ran.out().startsWith("WRITTEN OrderTotal.total: 90"));
        assertEquals(0, proc.datafold("stop").exit());
    }
}
