package org.datafold.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import org.datafold.core.internal.command.NodeCommands.BundleLine;
import org.datafold.core.internal.command.NodeCommands.Status;
import org.datafold.storage.api.DiskSpace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lines of {@code fold:status} about the data disk. */
class NodeCommandsTest {

    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;

    private Locale previous;

    @BeforeEach
    void englishNumbers() {
        previous = Locale.getDefault();
        Locale.setDefault(Locale.ROOT);
    }

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(previous);
    }

    private static String status(DiskSpace disk) {
        return NodeCommands.format(new Status("node-1", "ed25519:key", Instant.parse("2026-12-01T10:00:00Z"),
                Duration.ofMinutes(5), true, 0, "/srv/datafold/data", disk,
                List.of(new BundleLine(0, "Active", 0, "org.apache.felix.framework", "7.0.5"))));
    }

    @Test
    void showsTheFreeSpaceTheStoreAndTheLimits() {
        String out = status(new DiskSpace("/srv/datafold/data", 250 * GIB, 61 * GIB + 256 * MIB, 12 * MIB, 0, GIB,
                false, false));
        assertThat(out).contains(String.format("Data        /srv/datafold/data%n"
                + "Disk        61.3 GiB free of 250.0 GiB, store 12.0 MiB%n"
                + "Limits      store unlimited (max_disk_mb), keep 1.0 GiB free (free_disk_mb): writes accepted%n"));
    }

    @Test
    void saysWhenALimitIsReachedAndWritesFail() {
        String out = status(new DiskSpace("/srv/datafold/data", 48 * MIB, 5 * MIB, 20 * MIB + 512 * 1024, 20 * MIB,
                8 * MIB, true, false));
        assertThat(out).contains(String.format("Disk        5.0 MiB free of 48.0 MiB, store 20.5 MiB%n"
                + "Limits      store at most 20.0 MiB (max_disk_mb), keep 8.0 MiB free (free_disk_mb): "
                + "REACHED, writes fail with DISK_FULL%n"));
    }

    @Test
    void saysWhenTheStoreIsOpenReadOnly() {
        String out = status(new DiskSpace("/srv/datafold/data", 48 * MIB, 0, 40 * MIB, 0, 8 * MIB, true, true));
        assertThat(out).contains(String.format("Limits      store unlimited (max_disk_mb), "
                + "keep 8.0 MiB free (free_disk_mb): REACHED, writes fail with DISK_FULL (store open read-only: free space, then restart the node)%n"));
    }

    @Test
    void saysUnavailableWithoutTheStorage() {
        assertThat(status(null)).contains(String.format("Disk        (unavailable)%nLimits      (unavailable)%n"));
    }
}
