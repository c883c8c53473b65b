package org.datafold.bench;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

import org.datafold.storage.internal.StorageConfig;

/** A storage configuration built in code (the component property type is an annotation interface). */
record BenchStorageConfig(String data__dir, Durability durability, int cache__size__mb, long lock__timeout__ms,
        int max__retries) implements StorageConfig {

    static BenchStorageConfig of(Path dir, Durability durability, int cache__size__mb) {
        return new BenchStorageConfig(dir.toString(), durability, cache__size__mb, 500, 10);
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

    /** No encryption at rest (the default). */
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
