package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.storage.internal.JeStorage;
import org.datafold.testsupport.TestStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real JE storage in a temporary folder, an in-memory registry and an engine recording its events. */
abstract class EngineFixture {

    static final Caller OWNER = Caller.localOwner();

    @TempDir
    Path dir;

    JeStorage storage;
    TestRegistry registry = new TestRegistry();
    /** Every batch of field changes published, in order. */
    final List<List<FieldChangeEvent>> published = Collections.synchronizedList(new ArrayList<>());
    FoldEngine engine;

    @BeforeEach
    void openEngine() {
        storage = TestStorage.open(dir);
        engine = newEngine(FieldAccessPolicy.ALLOW_ALL);
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    FoldEngine newEngine(FieldAccessPolicy policy) {
        return new FoldEngine(storage, registry, published::add, policy);
    }

    /** An ordered map of alternating keys and values. */
    static Map<String, Object> values(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    MutationResult create(String schema, Object... keysAndValues) {
        return engine.mutate(OWNER, new Mutation(schema, Mutation.Type.CREATE, values(keysAndValues)));
    }

    MutationResult update(String schema, Object... keysAndValues) {
        return engine.mutate(OWNER, new Mutation(schema, Mutation.Type.UPDATE, values(keysAndValues)));
    }

    MutationResult delete(String schema, Object... keysAndValues) {
        return engine.mutate(OWNER, new Mutation(schema, Mutation.Type.DELETE, values(keysAndValues)));
    }

    /** The outcome of one field of a single schema. */
    FieldOutcome outcome(String schema, String field) {
        QueryResult result = engine.query(OWNER, Query.of(schema, List.of(field)));
        assertThat(result.rows()).hasSize(1);
        return result.rows().get(0).fields().get(field);
    }

    /** The value of one field of a single schema, which must have one. */
    Object value(String schema, String field) {
        FieldOutcome outcome = outcome(schema, field);
        assertThat(outcome.status()).isEqualTo(FieldOutcome.Status.OK);
        return outcome.value();
    }

    List<AtomVersion> history(String schema, String field, String rangeKey) {
        return engine.history(OWNER, schema, field, rangeKey, 1000);
    }

    static List<Object> contents(List<AtomVersion> versions) {
        List<Object> out = new ArrayList<>();
        for (AtomVersion v : versions) {
            out.add(v.content());
        }
        return out;
    }
}
