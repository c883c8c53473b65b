package org.datafold.apps.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.datafold.storage.internal.JeStorage;
import org.datafold.testsupport.FakePermissions;
import org.datafold.testsupport.TestStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;

/** A real JE storage in a temporary folder and an app registry on it. */
abstract class StorageFixture {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    JeStorage storage;
    final FakePermissions permissions = new FakePermissions();
    AppRegistry registry;

    @BeforeEach
    void openStorage() {
        storage = TestStorage.open(dir);
        registry = newRegistry();
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    AppRegistry newRegistry() {
        return new AppRegistry(new AppIdentities(storage, CLOCK), permissions.ownerKey(), CLOCK);
    }

    /** Closes the storage and opens it again on the same files, with a new registry. */
    void reopen() {
        storage.close();
        storage = TestStorage.open(dir);
        registry = newRegistry();
    }

    App add(long bundleId, String header) {
        return registry.add(bundleId, "com.example.b" + bundleId, "1.0.0", header, false, () -> Bundle.ACTIVE)
                .orElseThrow(() -> new AssertionError("refused: " + header));
    }
}
