package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.datafold.api.node.Diagnostics;
import org.datafold.api.node.NodeInfo;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.junit.Test;
import org.osgi.framework.Bundle;

/** The runtime's bundle set in a real Felix: everything active, ready, Gogo and storage working. */
public class PlatformIT extends NodeTestBase {

    @Inject
    CommandProcessor processor;

    @Inject
    Storage storage;

    @Inject
    NodeInfo node;

    @Inject
    Diagnostics diagnostics;

    @Test
    public void everyRuntimeBundleIsActive() {
        String system = Path.of(System.getProperty("datafold.it.bundles")).toUri().toString();
        List<String> notActive = new ArrayList<>();
        int runtimeBundles = 0;
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith(system)) {
                runtimeBundles++;
                if (b.getState() != Bundle.ACTIVE && b.getHeaders().get("Fragment-Host") == null) {
                    notActive.add(b.getSymbolicName() + " state " + b.getState());
                }
            }
        }
        assertTrue("the runtime's bundles were provisioned", runtimeBundles >= 20);
        assertEquals(List.of(), notActive);
        assertTrue(node.isReady());
        assertEquals(List.of(), diagnostics.problems());
    }

    @Test
    public void gogoCommandsAnswer() throws Exception {
        String status = run("fold:status");
        assertTrue(status, status.contains("Node        " + node.nodeId()));
        assertTrue(status, status.contains("Ready       yes"));
        assertTrue(status, status.contains("org.datafold.storage"));
        assertEquals("", run("fold:diag").trim());
        String stats = run("storage:stats");
        assertTrue(stats, stats.contains("Durability         SYNC"));
        assertTrue(stats, stats.contains("node"));
    }

    @Test
    public void unknownCommandFailsWithAClearMessage() throws Exception {
        try {
            run("fold:nosuchcommand");
            fail("an unknown command must fail");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("fold:nosuchcommand"));
        }
    }

    public record Note(String text, long n) {
    }

    @Test
    public void storageRoundTripInsideTheFramework() {
        Repository<Note> notes = storage.repository(new RepositoryDescriptor<>("it.notes", Note.class));
        storage.run(() -> {
            notes.put("a", new Note("first", 1));
            notes.put("b", new Note("second", 2));
        });
        assertEquals(Optional.of(new Note("second", 2)), notes.get("b"));
        assertEquals(2, notes.scanPrefix("").size());
        assertNotNull(storage.stats().openedAt());
    }

    private String run(String command) throws Exception {
        return Gogo.run(processor, command);
    }
}
