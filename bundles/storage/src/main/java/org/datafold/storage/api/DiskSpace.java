package org.datafold.storage.api;

/**
 * The disk space of the storage: the file system holding the data directory, the size of the store
 * on it, and the limits the storage keeps to. While a limit is reached, writes fail with
 * {@code DISK_FULL} and reads go on; writes succeed again once there is room.
 *
 * @param dataDirectory the node's data directory
 * @param totalBytes    size of the file system holding the data directory
 * @param freeBytes     bytes of that file system free for the node's user
 * @param storeBytes    total size of the JE log files (the store)
 * @param maxStoreBytes the most the store may take ({@code max_disk_mb}); {@code 0}: no limit of its own
 * @param keepFreeBytes the free space writes leave on the file system ({@code free_disk_mb})
 * @param limitReached  whether a limit was reached when the storage last checked, so that writes
 *                      are refused (the storage checks again as it writes, and at least every
 *                      ten seconds)
 * @param readOnly      whether the store had to be opened read-only, the disk being too full when it
 *                      opened for JE to finish its recovery; writes are refused until the node is
 *                      restarted with space freed
 */
public record DiskSpace(
        String dataDirectory,
        long totalBytes,
        long freeBytes,
        long storeBytes,
        long maxStoreBytes,
        long keepFreeBytes,
        boolean limitReached,
        boolean readOnly) {
}
