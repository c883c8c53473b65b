package org.datafold.core.internal.engine;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.datafold.storage.internal.StorageConfig;

/** A storage configuration for tests (the component property type is an annotation interface). */
public record TestStorageConfig(String dataDir, Durability durability, int cacheSizeMb, long lockTimeoutMs,
        int maxRetries) implements StorageConfig {

    /** Small cache, buffered commits (tests do not need the fsync), in {@code dir}. */
    public static TestStorageConfig in(Path dir) {
        return new TestStorageConfig(dir.toString(), Durability.NO_SYNC, 16, 500, 10);
    }

    public TestStorageConfig withDurability(Durability value) {
        return new TestStorageConfig(dataDir, value, cacheSizeMb, lockTimeoutMs, maxRetries);
    }

    /** No size limit of the store's own (the default). */
    @Override
    public long maxDiskMb() {
        return 0;
    }

    /** The free disk space kept by default. */
    @Override
    public long freeDiskMb() {
        return 1024;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return StorageConfig.class;
    }
}
