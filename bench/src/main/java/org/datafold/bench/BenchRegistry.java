package org.datafold.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TrustDistanceScaling;
import org.datafold.schema.api.SchemaRegistry;

/**
 * The two approved schemas of the benchmarks, served from memory as the node's registry serves
 * approved schemas. Data references are derived from the schema and field names, so they are the
 * same in every JVM and a prepared data set can be reused.
 *
 * <ul>
 * <li>{@value #PROFILE}: a single schema with ten fields {@code f0..f9};</li>
 * <li>{@value #LOG}: a range schema keyed by {@code k}, with ten fields {@code k, f1..f9}.</li>
 * </ul>
 */
final class BenchRegistry implements SchemaRegistry {

    static final String PROFILE = "Profile";
    static final String LOG = "Log";
    static final String LOG_KEY = "k";
    static final int FIELDS = 10;

    private static final PermissionPolicy OPEN = new PermissionPolicy(Policy.NO_REQUIREMENT, Policy.NO_REQUIREMENT,
            Map.of(), Map.of());
    private static final FieldPaymentConfig FREE = new FieldPaymentConfig(1.0, TrustDistanceScaling.NONE, null);

    private final Map<String, SchemaInfo> schemas = new LinkedHashMap<>();

    BenchRegistry() {
        Map<String, FieldDefinition> profile = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS; i++) {
            profile.put(profileField(i), field(FieldType.SINGLE, PROFILE, profileField(i)));
        }
        Map<String, FieldDefinition> log = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS; i++) {
            log.put(logField(i), field(FieldType.RANGE, LOG, logField(i)));
        }
        add(new Schema(PROFILE, SchemaType.SINGLE, profile, new SchemaPaymentConfig(1.0, 0), "bench-profile"));
        add(new Schema(LOG, SchemaType.range(LOG_KEY), log, new SchemaPaymentConfig(1.0, 0), "bench-log"));
    }

    /** Field {@code i} of {@value #PROFILE}. */
    static String profileField(int i) {
        return "f" + i;
    }

    /** Field {@code i} of {@value #LOG}: the range key for 0, else {@code f<i>}. */
    static String logField(int i) {
        return i == 0 ? LOG_KEY : "f" + i;
    }

    private static FieldDefinition field(FieldType type, String schema, String field) {
        String ref = UUID.nameUUIDFromBytes((schema + "." + field).getBytes(StandardCharsets.UTF_8)).toString();
        return new FieldDefinition(type, OPEN, FREE, Map.of(), null, true, ref);
    }

    private void add(Schema schema) {
        schemas.put(schema.name(), new SchemaInfo(schema, SchemaState.APPROVED, "bench"));
    }

    @Override
    public List<SchemaInfo> all() {
        return new ArrayList<>(schemas.values());
    }

    @Override
    public Optional<SchemaInfo> find(String name) {
        return Optional.ofNullable(schemas.get(name));
    }

    @Override
    public SchemaInfo get(String name) {
        SchemaInfo info = schemas.get(name);
        if (info == null) {
            throw new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema named " + name);
        }
        return info;
    }

    @Override
    public Schema approved(String name) {
        return get(name).schema();
    }

    @Override
    public SchemaInfo load(String json, String source) {
        throw new UnsupportedOperationException("the benchmark schemas are fixed");
    }

    @Override
    public SchemaInfo approve(String name) {
        return get(name);
    }

    @Override
    public SchemaInfo block(String name) {
        throw new UnsupportedOperationException("the benchmark schemas are fixed");
    }

    @Override
    public SchemaInfo unload(String name) {
        throw new UnsupportedOperationException("the benchmark schemas are fixed");
    }

    @Override
    public DiscoveryReport discover() {
        return lastDiscovery();
    }

    @Override
    public DiscoveryReport lastDiscovery() {
        return new DiscoveryReport(Instant.EPOCH, List.of());
    }

    @Override
    public long generation() {
        return 0; // the benchmark's schemas never change
    }
}
