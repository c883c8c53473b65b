package org.datafold.storage.api;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Online backups of the node's data directory: a consistent copy of the storage environment taken
 * while the node serves reads and writes, plus the files kept next to it (the owner's key files).
 *
 * <p>A backup folder holds the copied files and a {@code MANIFEST} naming each with its size and
 * SHA-256 checksum. Taking a backup into a folder that already holds one is incremental: the log
 * files the previous backup copied are kept (they never change once written), only newer files are
 * copied, and files the environment no longer needs are removed once the new manifest is in place.
 * The manifest is replaced atomically, so the folder always holds one complete backup.
 */
@ProviderType
public interface Backups {

    /** The name of the manifest file in a backup folder. */
    String MANIFEST = "MANIFEST";

    /**
     * Takes a backup into {@code target} (created if absent). The folder must be empty, hold an
     * earlier backup, or not exist; it must not be inside the data directory.
     *
     * @param progress told about the bytes copied, at most every few percent; may be {@code null}
     * @throws StorageException {@code INVALID_ARGUMENT} for an unusable target folder,
     *         {@code STORAGE_FAILURE} when copying fails (the previous backup in the folder, if
     *         any, stays intact), {@code STORAGE_CLOSED} when the storage is closed
     */
    BackupReport backup(Path target, Progress progress);

    /** Receives the progress of a backup. */
    @FunctionalInterface
    interface Progress {
        /**
         * @param bytesDone bytes copied so far (files kept from an earlier backup count as done)
         * @param bytesTotal bytes the backup holds in all
         * @param file the file being copied, relative to the backup folder
         */
        void progress(long bytesDone, long bytesTotal, String file);
    }
}
