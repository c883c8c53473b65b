package org.datafold.storage.api;

import java.time.Instant;

/**
 * Statistics of the storage environment.
 *
 * @param dataDirectory          the node's data directory
 * @param durability             the commit durability in force ({@code SYNC}, {@code WRITE_NO_SYNC}, {@code NO_SYNC})
 * @param openedAt               when the environment was opened
 * @param previousShutdownClean  whether the environment had been closed cleanly before this open
 * @param cacheSizeBytes         the configured JE cache size
 * @param cacheUsedBytes         bytes currently held in the JE cache
 * @param logSizeBytes           total size of the JE log files on disk
 * @param logFiles               number of JE log files
 * @param transactionsCommitted  transactions committed since open
 * @param transactionsAborted    transactions aborted since open
 * @param conflictRetries        units of work re-run after a lock conflict or deadlock since open
 * @param cacheMisses            records read from disk rather than from the cache, since open
 */
public record StorageStats(
        String dataDirectory,
        String durability,
        Instant openedAt,
        boolean previousShutdownClean,
        long cacheSizeBytes,
        long cacheUsedBytes,
        long logSizeBytes,
        long logFiles,
        long transactionsCommitted,
        long transactionsAborted,
        long conflictRetries,
        long cacheMisses) {
}
