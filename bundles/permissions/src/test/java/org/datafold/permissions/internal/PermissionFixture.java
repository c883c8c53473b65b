package org.datafold.permissions.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TrustDistanceScaling;
import org.datafold.storage.internal.JeStorage;
import org.datafold.testsupport.Configs;
import org.datafold.testsupport.FakePermissions;
import org.datafold.testsupport.TestStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real JE storage in a temporary folder, a settable clock and a permission service on them. */
abstract class PermissionFixture {

    @TempDir
    Path dir;

    JeStorage storage;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    PermissionServiceImpl service;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dir);
        service = new PermissionServiceImpl(config(-1, 30, 10000), storage, clock);
    }

    @AfterEach
    void closeAll() {
        if (service != null) {
            service.close();
        }
        storage.close();
    }

    /** Closes the service and the storage and opens both again on the same data. */
    void restart(PermissionsConfig config) {
        service.close();
        storage.close();
        storage = TestStorage.open(dir);
        service = new PermissionServiceImpl(config, storage, clock);
    }

    static PermissionsConfig config(int unknownKeyDistance, int auditRetentionDays, int auditMaxEvents) {
        return Configs.of(PermissionsConfig.class, Map.of("unknown_key_distance", unknownKeyDistance,
                "audit_retention_days", auditRetentionDays, "audit_max_events", auditMaxEvents));
    }

    /** A fresh random public key in its text form. */
    static String newKey() {
        return FakePermissions.randomKey();
    }

    static FieldDefinition field(Policy read, Policy write, Map<String, Integer> explicitRead,
            Map<String, Integer> explicitWrite, boolean writable) {
        return new FieldDefinition(FieldType.SINGLE, new PermissionPolicy(read, write, explicitRead, explicitWrite),
                new FieldPaymentConfig(1.0, TrustDistanceScaling.NONE, null), Map.of(), null, writable, "ref-" + read);
    }

    static Schema schema(String name, Map<String, FieldDefinition> fields) {
        return new Schema(name, SchemaType.SINGLE, new LinkedHashMap<>(fields), new SchemaPaymentConfig(1.0, 0),
                "hash-" + name);
    }


    /** A clock that moves only when told to. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
