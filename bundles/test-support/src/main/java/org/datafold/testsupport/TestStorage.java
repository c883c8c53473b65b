package org.datafold.testsupport;

import java.nio.file.Path;
import java.util.Map;

import org.datafold.storage.internal.JeStorage;
import org.datafold.storage.internal.StorageConfig;
import org.datafold.storage.internal.StorageConfig.Durability;

/**
 * The storage of a test: a real JE environment in a temporary folder, with a small cache and commits
 * that are not fsync'ed (a test needs neither the memory nor the durability of a node).
 */
public final class TestStorage {

    /** The cache of a test's storage, in MiB. */
    public static final int CACHE_SIZE_MB = 16;

    private TestStorage() {
    }

    /** The configuration of a storage in {@code dir}: buffered commits, a small cache, defaults elsewhere. */
    public static StorageConfig config(Path dir) {
        return config(dir, Durability.NO_SYNC);
    }

    /** As {@link #config(Path)}, with the given durability (restarts that must keep commits need one that writes). */
    public static StorageConfig config(Path dir, Durability durability) {
        return Configs.of(StorageConfig.class, Map.of("data_dir", dir.toString(), "durability", durability,
                "cache_size_mb", CACHE_SIZE_MB));
    }

    /** Opens (creating if needed) a storage in {@code dir}; the caller closes it. */
    public static JeStorage open(Path dir) {
        return new JeStorage(config(dir));
    }

    /** Opens a storage in {@code dir} with the given durability; the caller closes it. */
    public static JeStorage open(Path dir, Durability durability) {
        return new JeStorage(config(dir, durability));
    }
}
