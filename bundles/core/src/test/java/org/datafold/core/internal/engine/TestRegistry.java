package org.datafold.core.internal.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.schema.api.SchemaRegistry;

/**
 * An in-memory schema registry: schemas are added with their state and data references already
 * set (see {@link TestSchemas}); loading JSON and discovery are not supported.
 */
public final class TestRegistry implements SchemaRegistry {

    private final Map<String, SchemaInfo> schemas = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public TestRegistry add(Schema schema, SchemaState state) {
        schemas.put(schema.name(), new SchemaInfo(schema, state, "test"));
        generation.incrementAndGet();
        return this;
    }

    public TestRegistry approved(Schema... approved) {
        for (Schema s : approved) {
            add(s, SchemaState.APPROVED);
        }
        return this;
    }

    @Override
    public List<SchemaInfo> all() {
        List<SchemaInfo> all = new ArrayList<>(schemas.values());
        all.sort((a, b) -> a.schema().name().compareTo(b.schema().name()));
        return all;
    }

    @Override
    public Optional<SchemaInfo> find(String name) {
        return Optional.ofNullable(schemas.get(name));
    }

    @Override
    public SchemaInfo get(String name) {
        SchemaInfo info = schemas.get(name);
        if (info == null) {
            throw new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema named " + name, Map.of("schema", name), null);
        }
        return info;
    }

    @Override
    public Schema approved(String name) {
        SchemaInfo info = get(name);
        if (info.state() != SchemaState.APPROVED) {
            throw new FoldException(ErrorCode.SCHEMA_NOT_APPROVED, "schema " + name + " is " + info.state().displayName(),
                    Map.of("schema", name), null);
        }
        return info.schema();
    }

    @Override
    public SchemaInfo load(String json, String source) {
        throw new UnsupportedOperationException("the test registry does not parse schema files");
    }

    @Override
    public SchemaInfo approve(String name) {
        return setState(name, SchemaState.APPROVED);
    }

    @Override
    public SchemaInfo block(String name) {
        return setState(name, SchemaState.BLOCKED);
    }

    @Override
    public SchemaInfo unload(String name) {
        return setState(name, SchemaState.AVAILABLE);
    }

    private SchemaInfo setState(String name, SchemaState state) {
        SchemaInfo info = new SchemaInfo(get(name).schema(), state, "test");
        schemas.put(name, info);
        generation.incrementAndGet();
        return info;
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
        return generation.get();
    }
}
