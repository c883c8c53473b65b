package org.datafold.transforms.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.query.RangeFilter;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.TransformRun;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.internal.engine.EngineFixture;
import org.datafold.core.internal.engine.FieldAccessPolicy;
import org.datafold.core.internal.engine.FoldEngine;
import org.datafold.core.internal.engine.TestSchemas;
import org.datafold.core.internal.engine.TestStorageConfig;
import org.datafold.storage.internal.JeStorage;
import org.datafold.transforms.internal.lang.TransformGraph;
import org.datafold.transforms.internal.runtime.TransformRuntime.Settings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transforms through the real engine and real JE files: declarative and Java transforms run when
 * an input changes, cascade, skip on missing inputs, retry, refuse cycles and direct writes, and
 * queued runs survive a restart.
 */
class TransformsTest extends EngineFixture {

    private static final Settings FAST = new Settings(true, 2, 8, 4, 1, 5);

    /** Every field change the transform engine published, outputs included. */
    private final BlockingQueue<FieldChangeEvent> changes = new LinkedBlockingQueue<>();
    private TransformRuntime runtime;

    private void start(Settings settings) {
        runtime = new TransformRuntime(storage, registry, settings, () -> false);
        engine = new FoldEngine(storage, registry, batch -> changes.addAll(batch), FieldAccessPolicy.ALLOW_ALL, runtime,
                runtime);
        runtime.start();
        runtime.attach(engine);
    }

    @AfterEach
    void stopRuntime() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** Waits for a change of {@code schema.field} written by a transform. */
    private FieldChangeEvent awaitOutput(String schema, String field) throws InterruptedException {
        return awaitChange(c -> c.schema().equals(schema) && c.field().equals(field) && c.source().startsWith("transform:"));
    }

    private FieldChangeEvent awaitChange(Predicate<FieldChangeEvent> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            FieldChangeEvent c = changes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (c == null) {
                throw new AssertionError("no matching field change within 20 s");
            }
            if (wanted.test(c)) {
                return c;
            }
        }
    }

    private void approveSums() {
        Schema base = TestSchemas.single("TransformBase").field("value1", "value2").build();
        registry.approved(base);
        registry.approved(TestSchemas.single("TransformSchema")
                .computed("result", "TransformBase.value1 + TransformBase.value2", "TransformBase.value1",
                        "TransformBase.value2")
                .build());
    }

    /** A Java transform from lambdas. */
    private static Transform java(String id, List<String> inputs, String output, TransformGraph.Function fn) {
        return new Transform() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<String> inputs() {
                return inputs;
            }

            @Override
            public String output() {
                return output;
            }

            @Override
            public Object apply(Map<String, Object> values) throws Exception {
                return fn.apply(values);
            }
        };
    }

    @Test
    void aDeclarativeTransformWritesItsOutputWhenAnInputChanges() throws Exception {
        approveSums();
        start(FAST);
        create("TransformBase", "value1", 2, "value2", 3);
        FieldChangeEvent out = awaitOutput("TransformSchema", "result");
        assertThat(out.source()).isEqualTo("transform:TransformSchema.result");
        assertThat(value("TransformSchema", "result")).isEqualTo(5);

        update("TransformBase", "value2", 40);
        awaitOutput("TransformSchema", "result");
        assertThat(value("TransformSchema", "result")).isEqualTo(42);
        assertThat(engine.history(OWNER, "TransformSchema", "result", null, 10)).hasSize(2)
                .allSatisfy(v -> assertThat(v.sourceKey()).isEqualTo("transform:TransformSchema.result"));

        // The counters follow the output's commit (and its event) by a moment.
        TransformInfo info = awaitInfo("TransformSchema.result", i -> i.runs() == 2);
        assertThat(info.state()).isEqualTo(TransformInfo.State.ACTIVE);
        assertThat(info.kind()).isEqualTo(TransformInfo.Kind.DECLARATIVE);
        assertThat(info.queued()).isZero();
    }

    @Test
    void aMissingInputMeansTheTransformDoesNotRunAndSaysWhy() throws Exception {
        approveSums();
        start(FAST);
        create("TransformBase", "value1", 2);
        awaitSkip("TransformSchema.result");
        assertThat(outcome("TransformSchema", "result").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
        TransformInfo info = runtime.get("TransformSchema.result");
        assertThat(info.lastOutcome()).contains("TransformBase.value2").contains("no value");
        assertThat(info.runs()).isZero();
    }

    /** Waits (bounded) until the transform's info satisfies {@code wanted}. */
    private TransformInfo awaitInfo(String id, Predicate<TransformInfo> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        TransformInfo info;
        while (!wanted.test(info = runtime.get(id))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("transform " + id + " did not get there within 20 s: " + info);
            }
            Thread.onSpinWait();
        }
        return info;
    }

    private void awaitSkip(String id) throws InterruptedException {
        // The skip writes nothing; wait until the queue is empty and the skip is counted.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runtime.get(id).skipped() == 0 || runtime.get(id).queued() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("transform " + id + " did not skip within 20 s: " + runtime.get(id));
            }
            Thread.onSpinWait();
            changes.poll(10, TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void outputFieldsRefuseDirectWritesFromEveryone() {
        approveSums();
        start(FAST);
        assertThatThrownBy(() -> create("TransformSchema", "result", 1))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FIELD_NOT_WRITABLE);
                    assertThat(e.getMessage()).contains("TransformSchema.result");
                });
    }

    @Test
    void aJavaTransformRunsItsOutputRefusesWritesAndStopsWhenUnregistered() throws Exception {
        registry.approved(TestSchemas.single("Temperature").field("celsius", "fahrenheit").build());
        start(FAST);
        Transform f = java("sample.fahrenheit", List.of("Temperature.celsius"), "Temperature.fahrenheit",
                v -> ((Number) v.get("Temperature.celsius")).doubleValue() * 9 / 5 + 32);
        runtime.register(f, "test.bundle 1.0.0");
        assertThat(runtime.computedBy(ref("Temperature", "fahrenheit"))).isEqualTo("sample.fahrenheit");

        create("Temperature", "celsius", 100);
        awaitOutput("Temperature", "fahrenheit");
        assertThat(value("Temperature", "fahrenheit")).isEqualTo(212.0);
        assertThatThrownBy(() -> update("Temperature", "fahrenheit", 1))
                .isInstanceOfSatisfying(FoldException.class,
                        e -> assertThat(e.getMessage()).contains("computed by transform sample.fahrenheit"));

        runtime.unregister(f);
        assertThat(runtime.computedBy(ref("Temperature", "fahrenheit"))).isNull();
        update("Temperature", "fahrenheit", 1); // writable again
        update("Temperature", "celsius", 0);
        assertThat(runtime.list()).isEmpty();
        assertThat(value("Temperature", "fahrenheit")).isEqualTo(1);
    }

    private String ref(String schema, String field) {
        return registry.approved(schema).field(field).refAtomUuid();
    }

    @Test
    void transformsCascadeAndTheDepthBoundStopsTheChain() throws Exception {
        registry.approved(TestSchemas.single("Chain").field("a", "b", "c").build());
        start(new Settings(true, 2, 1, 4, 1, 5));
        runtime.register(java("ab", List.of("Chain.a"), "Chain.b", v -> ((Number) v.get("Chain.a")).longValue() + 1), "t");
        runtime.register(java("bc", List.of("Chain.b"), "Chain.c", v -> ((Number) v.get("Chain.b")).longValue() * 10), "t");
        create("Chain", "a", 1);
        awaitOutput("Chain", "b");
        assertThat(value("Chain", "b")).isEqualTo(2);
        // depth 1 allows only the first transform of the chain
        assertThat(runtime.get("bc").lastError()).contains("depth bound of 1");
        assertThat(outcome("Chain", "c").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);

        runtime.configure(FAST);
        update("Chain", "a", 4);
        awaitOutput("Chain", "c");
        assertThat(value("Chain", "b")).isEqualTo(5);
        assertThat(value("Chain", "c")).isEqualTo(50);
    }

    @Test
    void aTransformClosingACycleIsRefusedAtRegistration() {
        registry.approved(TestSchemas.single("Loop").field("a", "b", "c").build());
        start(FAST);
        runtime.register(java("ab", List.of("Loop.a"), "Loop.b", v -> 1), "t");
        runtime.register(java("bc", List.of("Loop.b"), "Loop.c", v -> 1), "t");
        runtime.register(java("ca", List.of("Loop.c"), "Loop.a", v -> 1), "t");
        runtime.register(java("self", List.of("Loop.c"), "Loop.c", v -> 1), "t");
        assertThat(runtime.get("ab").state()).isEqualTo(TransformInfo.State.ACTIVE);
        assertThat(runtime.get("bc").state()).isEqualTo(TransformInfo.State.ACTIVE);
        TransformInfo ca = runtime.get("ca");
        assertThat(ca.state()).isEqualTo(TransformInfo.State.INVALID);
        assertThat(ca.problem()).contains("cycle").contains("ca -> ab -> bc -> ca");
        assertThat(runtime.get("self").problem()).contains("own output");
    }

    @Test
    void twoTransformsCannotComputeOneField() {
        registry.approved(TestSchemas.single("S").field("a", "b", "out").build());
        start(FAST);
        runtime.register(java("first", List.of("S.a"), "S.out", v -> 1), "t");
        runtime.register(java("second", List.of("S.b"), "S.out", v -> 2), "t");
        assertThat(runtime.get("second").problem()).contains("already computed by transform first");
        assertThatThrownBy(() -> runtime.run("second", null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void aFailingRunIsRetriedAndNeverFailsTheMutation() throws Exception {
        registry.approved(TestSchemas.single("S").field("in", "out").build());
        start(FAST);
        AtomicInteger calls = new AtomicInteger();
        runtime.register(java("flaky", List.of("S.in"), "S.out", v -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("service not ready");
            }
            return "ok";
        }), "t");
        create("S", "in", 1); // succeeds although the transform fails
        awaitOutput("S", "out");
        assertThat(value("S", "out")).isEqualTo("ok");
        TransformInfo info = awaitInfo("flaky", i -> i.runs() == 1);
        assertThat(info.failures()).isEqualTo(2);
        assertThat(info.lastError()).contains("service not ready");
        assertThat(info.queued()).isZero();
    }

    @Test
    void aRunThatKeepsFailingIsDroppedAfterItsAttempts() throws Exception {
        registry.approved(TestSchemas.single("S").field("in", "out").build());
        start(FAST);
        runtime.register(java("broken", List.of("S.in"), "S.out", v -> {
            throw new IllegalArgumentException("bad input");
        }), "t");
        create("S", "in", 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (runtime.get("broken").lastError() == null || !runtime.get("broken").lastError().startsWith("gave up")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            changes.poll(5, TimeUnit.MILLISECONDS);
        }
        TransformInfo info = runtime.get("broken");
        assertThat(info.failures()).isEqualTo(FAST.maxAttempts());
        assertThat(info.lastError()).contains("gave up after 4 attempts").contains("bad input");
        assertThat(info.queued()).isZero();
    }

    @Test
    void declarativeTypeErrorsAreFailuresNotMadeUpValues() throws Exception {
        registry.approved(TestSchemas.single("S").field("a", "b").computed("q", "S.a / S.b", "S.a", "S.b").build());
        start(FAST);
        create("S", "a", 1, "b", 0);
        TransformRun run = runtime.run("S.q", null);
        assertThat(run.status()).isEqualTo(TransformRun.Status.FAILED);
        assertThat(run.message()).contains("TRANSFORM_FAILED").contains("division by zero");
        assertThat(outcome("S", "q").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
    }

    @Test
    void rangeTransformsRunPerRow() throws Exception {
        registry.approved(TestSchemas.range("Scores", "user").field("points").build());
        registry.approved(TestSchemas.range("Ranks", "user").computed("level", "Scores.points / 10", "Scores.points")
                .build());
        start(FAST);
        create("Scores", "user", "ann", "points", 50);
        awaitOutput("Ranks", "level");
        create("Scores", "user", "bob", "points", 75);
        awaitOutput("Ranks", "level");
        var rows = engine.query(OWNER, Query.of("Ranks", List.of("level"), new RangeFilter.KeyPrefix(""))).rows();
        assertThat(rows).extracting(r -> r.rangeKey()).containsExactly("ann", "bob");
        assertThat(rows).extracting(r -> r.fields().get("level").value()).containsExactly(5, 7.5);
        assertThatThrownBy(() -> runtime.run("Ranks.level", null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThat(runtime.run("Ranks.level", "ann").status()).isEqualTo(TransformRun.Status.WRITTEN);
    }

    @Test
    void aRangeOutputNeedsRangeInputs() {
        registry.approved(TestSchemas.single("One").field("x").build());
        registry.approved(TestSchemas.range("Many", "k").computed("y", "One.x", "One.x").build());
        start(FAST);
        assertThat(runtime.get("Many.y").state()).isEqualTo(TransformInfo.State.INVALID);
        assertThat(runtime.get("Many.y").problem()).contains("range field");
    }

    @Test
    void aTransformWaitsForItsSchemasToBeApproved() throws Exception {
        registry.add(TestSchemas.single("Late").field("in").build(), SchemaState.AVAILABLE);
        registry.approved(TestSchemas.single("Out").field("x").build());
        start(FAST);
        runtime.register(java("late", List.of("Late.in"), "Out.x", v -> v.get("Late.in")), "t");
        assertThat(runtime.get("late").state()).isEqualTo(TransformInfo.State.WAITING);
        assertThat(runtime.get("late").problem()).contains("Late").contains("Available");
        registry.approve("Late");
        assertThat(runtime.get("late").state()).isEqualTo(TransformInfo.State.ACTIVE);
        engine.mutate(OWNER, new Mutation("Late", Mutation.Type.CREATE, values("in", "hello")));
        awaitOutput("Out", "x");
        assertThat(value("Out", "x")).isEqualTo("hello");
    }

    @Test
    void invalidLogicIsListedWithItsPosition() {
        registry.approved(TestSchemas.single("S").field("a").computed("bad", "calculate(S.a)", "S.a").build());
        start(FAST);
        TransformInfo info = runtime.get("S.bad");
        assertThat(info.state()).isEqualTo(TransformInfo.State.INVALID);
        assertThat(info.problem()).contains("1:1").contains("unknown function 'calculate'");
    }

    @Test
    void queuedRunsSurviveARestartAndRunAfterIt() throws Exception {
        approveSums();
        start(new Settings(false, 2, 8, 4, 1, 5)); // paused: runs are queued, not started
        create("TransformBase", "value1", 20, "value2", 22);
        assertThat(runtime.get("TransformSchema.result").queued()).isEqualTo(1);
        runtime.close();
        storage.close();

        storage = new JeStorage(TestStorageConfig.in(dir));
        start(FAST);
        awaitOutput("TransformSchema", "result");
        assertThat(value("TransformSchema", "result")).isEqualTo(42);
        assertThat(runtime.get("TransformSchema.result").queued()).isZero();
    }

    @Test
    void unregisteringDropsQueuedRunsUnlessTheNodeIsStopping() {
        registry.approved(TestSchemas.single("S").field("in", "out").build());
        start(new Settings(false, 2, 8, 4, 1, 5));
        Transform t = java("t", List.of("S.in"), "S.out", v -> 1);
        runtime.register(t, "t");
        create("S", "in", 1);
        assertThat(runtime.get("t").queued()).isEqualTo(1);
        runtime.unregister(t);
        runtime.register(t, "t");
        assertThat(runtime.get("t").queued()).isZero();
    }

    @Test
    void queuedRunsOfATransformNotBackAfterARestartAreListed() {
        registry.approved(TestSchemas.single("S").field("in", "out").build());
        start(new Settings(false, 2, 8, 4, 1, 5));
        runtime.register(java("gone", List.of("S.in"), "S.out", v -> 1), "t");
        create("S", "in", 1);
        runtime.close(); // the node stops: the queued run is kept
        storage.close();

        storage = new JeStorage(TestStorageConfig.in(dir));
        start(FAST);
        TransformInfo parked = runtime.get("gone");
        assertThat(parked.state()).isEqualTo(TransformInfo.State.WAITING);
        assertThat(parked.queued()).isEqualTo(1);
        assertThat(parked.problem()).contains("not known to the node now");
        assertThat(runtime.list()).extracting(TransformInfo::id).containsExactly("gone");
    }

    @Test
    void runOnDemandWritesLikeAQueuedRun() {
        approveSums();
        start(new Settings(false, 2, 8, 4, 1, 5));
        create("TransformBase", "value1", 1, "value2", 1);
        TransformRun run = runtime.run("TransformSchema.result", null);
        assertThat(run.status()).isEqualTo(TransformRun.Status.WRITTEN);
        assertThat(run.value()).isEqualTo(2L);
        assertThat(run.atomUuid()).isNotNull();
        assertThat(value("TransformSchema", "result")).isEqualTo(2);
        assertThatThrownBy(() -> runtime.get("nope"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
