package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.core.api.FieldChangeEvent;
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

/**
 * A real JE storage in a temporary folder, an in-memory registry and an engine recording its events.
 * Shared, with the other test helpers of this package, through the test jar (the transforms bundle
 * runs its transforms on this engine).
 */
public abstract class EngineFixture {

    protected static final Caller OWNER = Caller.localOwner();

    @TempDir
    protected Path dir;

    protected JeStorage storage;
    protected TestRegistry registry = new TestRegistry();
    /** Every batch of field changes published, in order. */
    protected final List<List<FieldChangeEvent>> published = Collections.synchronizedList(new ArrayList<>());
    protected FoldEngine engine;

    @BeforeEach
    protected void openEngine() {
        storage = TestStorage.open(dir);
        engine = newEngine(FieldAccessPolicy.ALLOW_ALL);
    }

    @AfterEach
    protected void closeStorage() {
        storage.close();
    }

    protected FoldEngine newEngine(FieldAccessPolicy policy) {
        return new FoldEngine(storage, registry, published::add, policy);
    }

    /** An ordered map of alternating keys and values. */
    protected static Map<String, Object> values(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    protected MutationResult create(String schema, Object... keysAndValues) {
        return engine.mutate(OWNER, new Mutation(schema, Mutation.Type.CREATE, values(keysAndValues)));
    }

    protected MutationResult update(String schema, Object... keysAndValues) {
        return engine.mutate(OWNER, new Mutation(schema, Mutation.Type.UPDATE, values(keysAndValues)));
    }

    protected MutationResult delete(String schema, Object... keysAndValues) {
        return engine.mutate(OWNER, new Mutation(schema, Mutation.Type.DELETE, values(keysAndValues)));
    }

    /** The outcome of one field of a single schema. */
    protected FieldOutcome outcome(String schema, String field) {
        QueryResult result = engine.query(OWNER, Query.of(schema, List.of(field)));
        assertThat(result.rows()).hasSize(1);
        return result.rows().get(0).fields().get(field);
    }

    /** The value of one field of a single schema, which must have one. */
    protected Object value(String schema, String field) {
        FieldOutcome outcome = outcome(schema, field);
        assertThat(outcome.status()).isEqualTo(FieldOutcome.Status.OK);
        return outcome.value();
    }

    protected List<AtomVersion> history(String schema, String field, String rangeKey) {
        return engine.history(OWNER, schema, field, rangeKey, 1000);
    }

    protected static List<Object> contents(List<AtomVersion> versions) {
        List<Object> out = new ArrayList<>();
        for (AtomVersion v : versions) {
            out.add(v.content());
        }
        return out;
    }
}
