package org.datafold.core.internal.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;

/** Builds approved schemas as the registry hands them to the engine: every field with a data reference. */
public final class TestSchemas {

    private static final PermissionPolicy OPEN = new PermissionPolicy(Policy.NO_REQUIREMENT, Policy.NO_REQUIREMENT,
            Map.of(), Map.of());
    private static final FieldPaymentConfig FREE = new FieldPaymentConfig(1.0, TrustDistanceScaling.NONE, null);

    private final String name;
    private final SchemaType type;
    private final FieldType fieldType;
    private final Map<String, FieldDefinition> fields = new LinkedHashMap<>();

    private TestSchemas(String name, SchemaType type, FieldType fieldType) {
        this.name = name;
        this.type = type;
        this.fieldType = fieldType;
    }

    /** A single schema. */
    public static TestSchemas single(String name) {
        return new TestSchemas(name, SchemaType.SINGLE, FieldType.SINGLE);
    }

    /** A range schema keyed by {@code rangeKey}, which is added as its first field. */
    public static TestSchemas range(String name, String rangeKey) {
        return new TestSchemas(name, SchemaType.range(rangeKey), FieldType.RANGE).field(rangeKey);
    }

    /** Writable fields, each with a fresh data reference. */
    public TestSchemas field(String... names) {
        for (String n : names) {
            fields.put(n, definition(true, null, newRef(), Map.of()));
        }
        return this;
    }

    /** A writable field with the given read and write policies. */
    public TestSchemas secured(String field, Policy read, Policy write) {
        fields.put(field, new FieldDefinition(fieldType, new PermissionPolicy(read, write, Map.of(), Map.of()), FREE,
                Map.of(), null, true, newRef()));
        return this;
    }

    public TestSchemas readOnly(String field) {
        fields.put(field, definition(false, null, newRef(), Map.of()));
        return this;
    }

    public TestSchemas transformed(String field) {
        fields.put(field, definition(true, new TransformDefinition(List.of("Other.input"), "input", name + "." + field),
                newRef(), Map.of()));
        return this;
    }

    /** A field computed by a declarative transform from {@code inputs} ({@code writable: false}). */
    public TestSchemas computed(String field, String logic, String... inputs) {
        fields.put(field, definition(false, new TransformDefinition(List.of(inputs), logic, name + "." + field),
                newRef(), Map.of()));
        return this;
    }

    /** A field mapped to {@code target.targetField}: it carries that field's data reference. */
    public TestSchemas mapped(String field, Schema target, String targetField) {
        fields.put(field, definition(true, null, target.field(targetField).refAtomUuid(),
                Map.of(target.name(), targetField)));
        return this;
    }

    public Schema build() {
        return new Schema(name, type, fields, new SchemaPaymentConfig(1.0, 0), "hash-" + name);
    }

    private FieldDefinition definition(boolean writable, TransformDefinition transform, String ref,
            Map<String, String> mappers) {
        return new FieldDefinition(fieldType, OPEN, FREE, mappers, transform, writable, ref);
    }

    private static String newRef() {
        return UUID.randomUUID().toString();
    }
}
