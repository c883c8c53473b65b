package org.datafold.transport.uds.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.schema.SchemaType;

/**
 * An in-memory node: schemas {@code Note} (approved, any field name is accepted), {@code Draft}
 * (available) and {@code Slow} (its queries wait for {@link #release}); it keeps the last query.
 */
final class FakeNode implements FoldNode {

    @Override
    public org.datafold.api.query.Caller caller() {
        return org.datafold.api.query.Caller.localOwner();
    }

    final Map<String, SchemaState> states = new ConcurrentHashMap<>();
    final Map<String, List<AtomVersion>> data = new ConcurrentHashMap<>();
    final CountDownLatch slowEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    /** The last query the node ran, as the socket built it. */
    volatile Query lastQuery;

    FakeNode() {
        states.put("Note", SchemaState.APPROVED);
        states.put("Draft", SchemaState.AVAILABLE);
        states.put("Slow", SchemaState.APPROVED);
    }

    private static Schema schemaOf(String name) {
        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        fields.put("title", new FieldDefinition(FieldType.SINGLE, null, null, Map.of(), null, true, null));
        fields.put("body", new FieldDefinition(FieldType.SINGLE, null, null, Map.of(), null, true, null));
        return new Schema(name, SchemaType.SINGLE, fields, null, "hash-" + name);
    }

    @Override
    public List<SchemaInfo> schemas() {
        List<SchemaInfo> out = new ArrayList<>();
        new java.util.TreeMap<>(states).forEach((n, s) -> out.add(new SchemaInfo(schemaOf(n), s, "test")));
        return out;
    }

    @Override
    public SchemaInfo schema(String name) {
        SchemaState s = states.get(name);
        if (s == null) {
            throw new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema " + name);
        }
        return new SchemaInfo(schemaOf(name), s, "test");
    }

    @Override
    public SchemaInfo loadSchema(String json, String source) {
        if (!json.contains("\"name\"")) {
            throw new FoldException(ErrorCode.SCHEMA_INVALID, "no name");
        }
        states.putIfAbsent("Loaded", SchemaState.AVAILABLE);
        return schema("Loaded");
    }

    private SchemaInfo set(String name, SchemaState state) {
        schema(name);
        states.put(name, state);
        return schema(name);
    }

    @Override
    public SchemaInfo approve(String name) {
        return set(name, SchemaState.APPROVED);
    }

    @Override
    public SchemaInfo block(String name) {
        return set(name, SchemaState.BLOCKED);
    }

    @Override
    public SchemaInfo unload(String name) {
        return set(name, SchemaState.AVAILABLE);
    }

    @Override
    public DiscoveryReport discover() {
        throw new UnsupportedOperationException();
    }

    @Override
    public DiscoveryReport lastDiscovery() {
        throw new UnsupportedOperationException();
    }

    private void approved(String name) {
        if (schema(name).state() != SchemaState.APPROVED) {
            throw new FoldException(ErrorCode.SCHEMA_NOT_APPROVED, "schema " + name + " is not Approved");
        }
    }

    @Override
    public QueryResult query(Caller caller, Query query) {
        approved(query.schema());
        lastQuery = query;
        if (query.schema().equals("Slow")) {
            slowEntered.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Map<String, FieldOutcome> fields = new LinkedHashMap<>();
        for (String f : query.fields()) {
            List<AtomVersion> versions = data.get(query.schema() + "." + f);
            if (versions == null || versions.isEmpty()) {
                fields.put(f, FieldOutcome.noValue());
            } else {
                AtomVersion v = versions.get(versions.size() - 1);
                fields.put(f, FieldOutcome.ok(v.content(), v.uuid(), List.of()));
            }
        }
        return new QueryResult(query.schema(), List.of(new QueryResult.Row(null, fields)));
    }

    @Override
    public MutationResult mutate(Caller caller, Mutation mutation) {
        approved(mutation.schema());
        Map<String, String> atoms = new LinkedHashMap<>();
        mutation.values().forEach((f, v) -> {
            List<AtomVersion> versions = data.computeIfAbsent(mutation.schema() + "." + f,
                    k -> java.util.Collections.synchronizedList(new ArrayList<>()));
            String uuid = UUID.randomUUID().toString();
            versions.add(new AtomVersion(uuid, mutation.schema(), f, null, caller.sourceKey(), Instant.now(), null, v,
                    AtomVersion.Status.ACTIVE));
            atoms.put(f, uuid);
        });
        return new MutationResult(mutation.schema(), null, atoms);
    }

    @Override
    public List<AtomVersion> history(Caller caller, String schema, String field, String rangeKey, int limit) {
        approved(schema);
        List<AtomVersion> versions = new ArrayList<>(data.getOrDefault(schema + "." + field, List.of()));
        java.util.Collections.reverse(versions);
        return versions.subList(0, Math.min(limit, versions.size()));
    }
}
