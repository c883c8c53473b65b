package org.datafold.core.internal.engine;

import java.nio.file.Path;

import org.datafold.storage.internal.StorageConfig;
import org.datafold.testsupport.TestStorage;

/**
 * The storage configuration of the engine's tests: that of every bundle's tests ({@link TestStorage});
 * public for the transforms bundle's tests, which run on this engine through the test jar.
 */
public final class TestStorageConfig {

    private TestStorageConfig() {
    }

    /** Small cache, buffered commits (tests do not need the fsync), in {@code dir}. */
    public static StorageConfig in(Path dir) {
        return TestStorage.config(dir);
    }
}
