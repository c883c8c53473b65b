package org.datafold.permissions.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real JE storage in a temporary folder, a settable clock and a permission service on them. */
abstract class PermissionFixture {

    static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    JeStorage storage;
    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    PermissionServiceImpl service;

    @BeforeEach
    void open() {
        storage = new JeStorage(TestStorageConfig.in(dir));
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
    void restart(TestConfig config) {
        service.close();
        storage.close();
        storage = new JeStorage(TestStorageConfig.in(dir));
        service = new PermissionServiceImpl(config, storage, clock);
    }

    static TestConfig config(int unknownKeyDistance, int auditRetentionDays, int auditMaxEvents) {
        return new TestConfig(unknownKeyDistance, auditRetentionDays, auditMaxEvents);
    }

    /** A fresh random public key in its text form. */
    static String newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
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

    record TestConfig(int unknown__key__distance, int audit__retention__days, int audit__max__events) implements PermissionsConfig {
        @Override
        public Class<? extends Annotation> annotationType() {
            return PermissionsConfig.class;
        }
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
