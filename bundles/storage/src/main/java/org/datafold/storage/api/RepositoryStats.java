package org.datafold.storage.api;

/**
 * Statistics of one repository since the environment was opened (except {@code records}, which
 * is the current count).
 */
public record RepositoryStats(String name, long records, long reads, long writes, long deletes,
        long bytesWritten) {
}
