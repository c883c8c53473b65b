package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.storage.internal.JeStorage;
import org.datafold.storage.internal.StorageConfig.Durability;
import org.datafold.testsupport.TestStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A registry over real JE storage in a temporary folder, which a test can restart. */
abstract class RegistryFixture {

    @TempDir
    Path dir;

    JeStorage storage;
    SchemaRegistryCore registry;

    @BeforeEach
    void open() {
        // commits reach the OS: enough for restarts within a test
        storage = TestStorage.open(dir.resolve("data"), Durability.WRITE_NO_SYNC);
        registry = new SchemaRegistryCore(storage, schemaFolder());
    }

    @AfterEach
    void close() {
        storage.close();
    }

    Path schemaFolder() {
        return dir.resolve("schemas");
    }

    /** Closes the storage and opens it again with a new registry, as a node restart does. */
    void restart() {
        storage.close();
        open();
    }

    static FoldException failure(ErrorCode code, ThrowingCallable call) {
        FoldException e = catchThrowableOfType(FoldException.class, call);
        assertThat(e).as("expected " + code).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }
}
