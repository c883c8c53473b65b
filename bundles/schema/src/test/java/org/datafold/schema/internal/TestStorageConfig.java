package org.datafold.schema.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.datafold.storage.internal.StorageConfig;

/**
 * A storage configuration for tests: the component property type is an annotation interface,
 * which a record can implement.
 */
record TestStorageConfig(String data__dir, Durability durability, int cache__size__mb, long lock__timeout__ms,
        int max__retries) implements StorageConfig {

    /** A small cache in {@code dir}; commits reach the OS (enough for restarts within a test). */
    static TestStorageConfig in(Path dir) {
        return new TestStorageConfig(dir.toString(), Durability.WRITE_NO_SYNC, 16, 500, 10);
    }

    /** No size limit of the store's own (the default). */
    @Override
    public long max__disk__mb() {
        return 0;
    }

    /** The free disk space kept by default. */
    @Override
    public long free__disk__mb() {
        return 1024;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return StorageConfig.class;
    }
}
