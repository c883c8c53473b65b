package org.datafold.storage.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/**
 * A {@link StorageConfig} for tests: the component property type is an annotation interface,
 * which a record can implement.
 */
record TestStorageConfig(String data__dir, Durability durability, int cache__size__mb, long lock__timeout__ms,
        int max__retries, long max__disk__mb, long free__disk__mb) implements StorageConfig {

    /** The defaults of {@link StorageConfig}, with a small cache, in {@code dir}. */
    static TestStorageConfig in(Path dir) {
        return new TestStorageConfig(dir.toString(), Durability.SYNC, 16, 500, 10, 0, 1024);
    }

    TestStorageConfig withDataDir(String value) {
        return new TestStorageConfig(value, durability, cache__size__mb, lock__timeout__ms, max__retries, max__disk__mb, free__disk__mb);
    }

    TestStorageConfig withDurability(Durability value) {
        return new TestStorageConfig(data__dir, value, cache__size__mb, lock__timeout__ms, max__retries, max__disk__mb, free__disk__mb);
    }

    TestStorageConfig withCacheSizeMb(int value) {
        return new TestStorageConfig(data__dir, durability, value, lock__timeout__ms, max__retries, max__disk__mb, free__disk__mb);
    }

    TestStorageConfig withLockTimeoutMs(long value) {
        return new TestStorageConfig(data__dir, durability, cache__size__mb, value, max__retries, max__disk__mb, free__disk__mb);
    }

    TestStorageConfig withMaxRetries(int value) {
        return new TestStorageConfig(data__dir, durability, cache__size__mb, lock__timeout__ms, value, max__disk__mb, free__disk__mb);
    }

    TestStorageConfig withMaxDiskMb(long value) {
        return new TestStorageConfig(data__dir, durability, cache__size__mb, lock__timeout__ms, max__retries, value, free__disk__mb);
    }

    TestStorageConfig withFreeDiskMb(long value) {
        return new TestStorageConfig(data__dir, durability, cache__size__mb, lock__timeout__ms, max__retries, max__disk__mb, value);
    }

    /** No encryption, as by default. */
    @Override
    public String encryption() {
        return "none";
    }

    @Override
    public String key__file() {
        return "";
    }

    @Override
    public String passphrase__file() {
        return "";
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return StorageConfig.class;
    }
}
