package org.datafold.storage.internal.command;

import org.apache.felix.service.command.Descriptor;
import org.datafold.storage.api.RepositoryStats;
import org.datafold.storage.api.Storage;
import org.datafold.storage.api.StorageStats;
import org.datafold.support.text.ByteSizes;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code storage:stats}: the environment and every repository. The storage bundle registers its own
 * command, as every bundle does (docs/architecture.md).
 */
@Component(service = StorageCommands.class, property = {
        "osgi.command.scope=storage",
        "osgi.command.function=stats" })
public final class StorageCommands {

    private final Storage storage;

    @Activate
    public StorageCommands(@Reference Storage storage) {
        this.storage = storage;
    }

    @Descriptor("Show statistics of the storage environment and of each repository")
    public String stats() {
        StorageStats s = storage.stats();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Data directory     %s%n", s.dataDirectory()));
        sb.append(String.format("Durability         %s%n", s.durability()));
        sb.append(String.format("Opened             %s (previous shutdown %s)%n", s.openedAt(),
                s.previousShutdownClean() ? "clean" : "NOT clean: recovered"));
        sb.append(String.format("Cache              %s used of %s, %d misses%n", ByteSizes.format(s.cacheUsedBytes()),
                ByteSizes.format(s.cacheSizeBytes()), s.cacheMisses()));
        sb.append(String.format("Log                %s in %d file(s)%n", ByteSizes.format(s.logSizeBytes()), s.logFiles()));
        sb.append(String.format("Transactions       %d committed, %d aborted, %d conflict retries%n",
                s.transactionsCommitted(), s.transactionsAborted(), s.conflictRetries()));
        sb.append(String.format("%-24s %10s %10s %10s %10s %12s%n", "Repository", "Records", "Reads", "Writes",
                "Deletes", "Written"));
        for (RepositoryStats r : storage.repositoryStats()) {
            sb.append(String.format("%-24s %10d %10d %10d %10d %12s%n", r.name(), r.records(), r.reads(),
                    r.writes(), r.deletes(), ByteSizes.format(r.bytesWritten())));
        }
        return sb.toString();
    }
}
