package org.datafold.apps.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.datafold.storage.internal.StorageConfig;

/** A storage configuration for tests (the component property type is an annotation interface). */
record TestStorageConfig(String data__dir, Durability durability, int cache__size__mb, long lock__timeout__ms,
        int max__retries) implements StorageConfig {

    /** Small cache, buffered commits, in {@code dir}. */
    static TestStorageConfig in(Path dir) {
        return new TestStorageConfig(dir.toString(), Durability.NO_SYNC, 16, 500, 10);
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
