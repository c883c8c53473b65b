package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Mutation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Concurrent mutations: one linear history per field, no lost update, no deadlock. */
class ConcurrencyTest extends EngineFixture {

    private static final int THREADS = 8;
    private static final int MUTATIONS_PER_THREAD = 25;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @BeforeEach
    void schemas() {
        registry.approved(TestSchemas.single("Counter").field("value", "other").build());
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void eightThreadsMutatingOneFieldProduceOneLinearHistory() throws Exception {
        create("Counter", "value", "initial");
        ConcurrentLinkedQueue<String> committed = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();

        runConcurrently(t -> {
            for (int i = 0; i < MUTATIONS_PER_THREAD; i++) {
                String value = t + "-" + i;
                try {
                    update("Counter", "value", value);
                    committed.add(value);
                } catch (FoldException e) {
                    failed.incrementAndGet();
                }
            }
        });

        List<AtomVersion> history = engine.history(OWNER, "Counter", "value", null, 10_000);
        assertThat(committed.size() + failed.get()).isEqualTo(THREADS * MUTATIONS_PER_THREAD);
        assertThat(history).hasSize(committed.size() + 1);
        // Linear: each version points at the next older one, the oldest at nothing.
        for (int i = 0; i < history.size() - 1; i++) {
            assertThat(history.get(i).prevAtomUuid()).isEqualTo(history.get(i + 1).uuid());
        }
        assertThat(history.get(history.size() - 1).prevAtomUuid()).isNull();
        assertThat(history.get(history.size() - 1).content()).isEqualTo("initial");
        Set<String> uuids = new HashSet<>();
        history.forEach(v -> uuids.add(v.uuid()));
        assertThat(uuids).hasSize(history.size());
        // No lost update: every committed value is in the history, each once.
        List<Object> values = contents(history);
        assertThat(values.subList(0, values.size() - 1)).containsExactlyInAnyOrderElementsOf(committed);
        assertThat(storage.repository(FoldEngine.ATOM_REFS)
                .get(registry.approved("Counter").field("value").refAtomUuid()).orElseThrow().versions())
                .isEqualTo(history.size());
    }

    @Test
    void mutationsOfTheSameFieldsInOppositeOrdersDoNotDeadlock() throws Exception {
        create("Counter", "value", 0, "other", 0);
        AtomicInteger committed = new AtomicInteger();

        runConcurrently(t -> {
            for (int i = 0; i < MUTATIONS_PER_THREAD; i++) {
                Object[] values = t % 2 == 0
                        ? new Object[] {"value", i, "other", i}
                        : new Object[] {"other", i, "value", i};
                engine.mutate(OWNER, new Mutation("Counter", Mutation.Type.UPDATE, values(values)));
                committed.incrementAndGet();
            }
        });

        assertThat(committed.get()).isEqualTo(THREADS * MUTATIONS_PER_THREAD);
        assertThat(history("Counter", "value", null)).hasSize(committed.get() + 1);
        assertThat(history("Counter", "other", null)).hasSize(committed.get() + 1);
        // Heads are locked in one order whatever the order of the values: no deadlock to retry.
        assertThat(storage.stats().conflictRetries()).isZero();
    }

    private interface Worker {
        void run(int thread) throws Exception;
    }

    /** Starts the workers together and waits (bounded) for all of them; rethrows the first failure. */
    private void runConcurrently(Worker worker) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                worker.run(thread);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
    }
}
