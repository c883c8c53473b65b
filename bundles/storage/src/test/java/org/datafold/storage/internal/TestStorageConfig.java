package org.datafold.storage.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/**
 * A {@link StorageConfig} for tests: the component property type is an annotation interface,
 * which a record can implement.
 */
record TestStorageConfig(String dataDir, Durability durability, int cacheSizeMb, long lockTimeoutMs,
        int maxRetries, long maxDiskMb, long freeDiskMb) implements StorageConfig {

    /** The defaults of {@link StorageConfig}, with a small cache, in {@code dir}. */
    static TestStorageConfig in(Path dir) {
        return new TestStorageConfig(dir.toString(), Durability.SYNC, 16, 500, 10, 0, 1024);
    }

    TestStorageConfig withDataDir(String value) {
        return new TestStorageConfig(value, durability, cacheSizeMb, lockTimeoutMs, maxRetries, maxDiskMb, freeDiskMb);
    }

    TestStorageConfig withDurability(Durability value) {
        return new TestStorageConfig(dataDir, value, cacheSizeMb, lockTimeoutMs, maxRetries, maxDiskMb, freeDiskMb);
    }

    TestStorageConfig withCacheSizeMb(int value) {
        return new TestStorageConfig(dataDir, durability, value, lockTimeoutMs, maxRetries, maxDiskMb, freeDiskMb);
    }

    TestStorageConfig withLockTimeoutMs(long value) {
        return new TestStorageConfig(dataDir, durability, cacheSizeMb, value, maxRetries, maxDiskMb, freeDiskMb);
    }

    TestStorageConfig withMaxRetries(int value) {
        return new TestStorageConfig(dataDir, durability, cacheSizeMb, lockTimeoutMs, value, maxDiskMb, freeDiskMb);
    }

    TestStorageConfig withMaxDiskMb(long value) {
        return new TestStorageConfig(dataDir, durability, cacheSizeMb, lockTimeoutMs, maxRetries, value, freeDiskMb);
    }

    TestStorageConfig withFreeDiskMb(long value) {
        return new TestStorageConfig(dataDir, durability, cacheSizeMb, lockTimeoutMs, maxRetries, maxDiskMb, value);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return StorageConfig.class;
    }
}
