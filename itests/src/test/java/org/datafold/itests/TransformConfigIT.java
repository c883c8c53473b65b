package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;

import org.junit.Rule;
import org.junit.Test;

/**
 * The settings of {@code etc/org.datafold.transforms.cfg}, written with the names the
 * documentation gives ({@code max_depth}, {@code max_attempts}, {@code retry_initial_ms},
 * {@code retry_max_ms}), reach the transforms of the assembled node.
 */
public class TransformConfigIT {
    @Rule
    public final NodeProcess proc = new NodeProcess("transform-cfg-");

    private NodeProcess.Result shell(String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        NodeProcess.Result r = proc.datafold(args);
        assertEquals(r.all(), 0, r.exit());
        return r;
    }

    /** {@code fold:transform <id>} until it shows {@code wanted}, a bounded number of times. */
    private String awaitShown(String id, String wanted) throws Exception {
        String shown = "";
        for (int i = 0; i < 60 && !shown.contains(wanted); i++) {
            shown = shell("fold:transform", id).out();
        }
        return shown;
    }

    @Test
    public void theSnakeCaseKeysOfTheTransformsConfigurationApply() throws Exception {
        Files.writeString(proc.home().resolve("etc/org.datafold.transforms.cfg"),
                "max_depth = 1\nmax_attempts = 3\nretry_initial_ms = 7\nretry_max_ms = 11\n");
        proc.start();
        shell("schema:approve", "Order");
        shell("schema:approve", "OrderTotal");

        // max_depth = 1: OrderTotal.total (depth 1) runs; OrderTotal.label, which reads it, is cut.
        shell("fold:mutate", "Order", "create", "{\"price\": 30, \"quantity\": 4, \"discount\": 0.25}");
        String label = awaitShown("OrderTotal.label", "depth bound");
        assertTrue(label, label.contains("the cascade reached the depth bound of 1 transforms"));
        String values = shell("fold:query", "OrderTotal", "total,label").out();
        assertTrue(values, values.contains("\"value\" : 90") && values.contains("NO_VALUE"));

        // max_attempts = 3, retry_initial_ms = 7, retry_max_ms = 11: a failing run pauses 7 ms, then
        // 11 ms (not 14), and is dropped after its third attempt.
        shell("fold:mutate", "Order", "update", "{\"quantity\": \"four\"}");
        String total = awaitShown("OrderTotal.total", "gave up");
        assertTrue(total, total.contains("gave up after 3 attempts"));
        String log = Files.readString(proc.home().resolve("logs/datafold.log"));
        assertTrue(log, log.contains("(attempt 1 of 3, next in 7 ms)") && log.contains("(attempt 2 of 3, next in 11 ms)"));
        assertEquals(0, proc.datafold("stop").exit());
    }
}
