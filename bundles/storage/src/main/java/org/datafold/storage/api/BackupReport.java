package org.datafold.storage.api;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a backup wrote.
 *
 * @param directory the backup folder
 * @param createdAt when the backup's snapshot was taken
 * @param lastLogFile the number of the last JE log file in the snapshot
 * @param files files the backup holds (log files and the data directory's own files)
 * @param filesCopied files copied by this backup (the others were kept from an earlier one)
 * @param bytes bytes the backup holds
 * @param bytesCopied bytes copied by this backup
 * @param filesRemoved files of an earlier backup removed as no longer needed
 * @param privateFiles the data directory's own files copied with mode 0600 (the owner's key files)
 * @param skipped entries of the data directory not backed up (folders other than the store)
 * @param took how long the backup took
 */
public record BackupReport(Path directory, Instant createdAt, long lastLogFile, int files, int filesCopied,
        long bytes, long bytesCopied, int filesRemoved, List<String> privateFiles, List<String> skipped,
        Duration took) {

    public BackupReport {
        privateFiles = List.copyOf(privateFiles);
        skipped = List.copyOf(skipped);
    }

    /** Whether this backup reused files of an earlier one in the same folder. */
    public boolean incremental() {
        return filesCopied < files;
    }
}
