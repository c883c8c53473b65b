package org.datafold.bench;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.datafold.storage.internal.StorageConfig;

/** A storage configuration built in code (the component property type is an annotation interface). */
record BenchStorageConfig(String dataDir, Durability durability, int cacheSizeMb, long lockTimeoutMs,
        int maxRetries) implements StorageConfig {

    static BenchStorageConfig of(Path dir, Durability durability, int cacheSizeMb) {
        return new BenchStorageConfig(dir.toString(), durability, cacheSizeMb, 500, 10);
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
