package org.datafold.storage.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/**
 * A {@link StorageConfig} for tests: the component property type is an annotation interface,
 * which a record can implement.
 */
record TestStorageConfig(String dataDir, Durability durability, int cacheSizeMb, long lockTimeoutMs,
        int maxRetries) implements StorageConfig {

    /** The defaults of {@link StorageConfig}, with a small cache, in {@code dir}. */
    static TestStorageConfig in(Path dir) {
        return new TestStorageConfig(dir.toString(), Durability.SYNC, 16, 500, 10);
    }

    TestStorageConfig withDataDir(String value) {
        return new TestStorageConfig(value, durability, cacheSizeMb, lockTimeoutMs, maxRetries);
    }

    TestStorageConfig withDurability(Durability value) {
        return new TestStorageConfig(dataDir, value, cacheSizeMb, lockTimeoutMs, maxRetries);
    }

    TestStorageConfig withCacheSizeMb(int value) {
        return new TestStorageConfig(dataDir, durability, value, lockTimeoutMs, maxRetries);
    }

    TestStorageConfig withLockTimeoutMs(long value) {
        return new TestStorageConfig(dataDir, durability, cacheSizeMb, value, maxRetries);
    }

    TestStorageConfig withMaxRetries(int value) {
        return new TestStorageConfig(dataDir, durability, cacheSizeMb, lockTimeoutMs, value);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return StorageConfig.class;
    }
}
