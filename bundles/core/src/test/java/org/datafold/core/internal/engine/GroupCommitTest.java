package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.core.api.CommitListener;
import org.datafold.core.api.FieldChangeEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit: writes queued while a commit runs share the next commit, each write keeps its own
 * version and outcome, and a failing write never fails the others of its batch.
 */
class GroupCommitTest extends EngineFixture {

    private static final int WAITING = 12;

    private final ExecutorService pool = Executors.newFixedThreadPool(WAITING + 1);
    /** Holds the commit of the value "hold" until released. */
    private final CountDownLatch release = new CountDownLatch(1);
    /** Counted down once the commit of "hold" is held open. */
    private final CountDownLatch holding = new CountDownLatch(1);
    /** The value whose commit fails inside the unit of work, as a storage failure would. */
    private volatile String poisoned = "none";

    @BeforeEach
    void gatedEngine() {
        CommitListener gate = new CommitListener() {
            @Override
            public void committing(List<FieldChangeEvent> changes, int depth) {
                for (FieldChangeEvent change : changes) {
                    Object value = engine.currentValue(change.fieldRef(), change.rangeKey()).orElse(null);
                    if ("hold".equals(value)) {
                        holding.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (poisoned.equals(value)) {
                        throw new IllegalStateException("listener refused " + value);
                    }
                }
            }

            @Override
            public void committed() {
            }
        };
        engine = new FoldEngine(storage, registry, published::add, FieldAccessPolicy.ALLOW_ALL, gate, ref -> null);
        registry.approved(TestSchemas.single("Counter").field("value", "other").build());
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        release.countDown();
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void writesQueuedDuringACommitShareTheNextOneAndKeepALinearHistory() throws Exception {
        create("Counter", "value", "initial");
        long[] before = engine.groupCommitCounts();

        Future<MutationResult> held = pool.submit(() -> update("Counter", "value", "hold"));
        await().atMost(Duration.ofSeconds(30)).until(this::storageHoldsTheCommitOpen);
        List<Future<MutationResult>> queued = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            String value = "v" + i;
            queued.add(pool.submit(() -> update("Counter", "value", value)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.queuedWrites() == WAITING);
        release.countDown();
        held.get(30, TimeUnit.SECONDS);
        for (Future<MutationResult> f : queued) {
            f.get(30, TimeUnit.SECONDS);
        }

        long[] after = engine.groupCommitCounts();
        assertThat(after[1] - before[1]).isEqualTo(WAITING + 1);
        assertThat(after[0] - before[0]).as("commits: the held one, then one for every queued write").isEqualTo(2);
        List<AtomVersion> history = engine.history(OWNER, "Counter", "value", null, 100);
        assertThat(history).hasSize(WAITING + 2);
        for (int i = 0; i < history.size() - 1; i++) {
            assertThat(history.get(i).prevAtomUuid()).isEqualTo(history.get(i + 1).uuid());
        }
        assertThat(history.get(history.size() - 2).content()).isEqualTo("hold");
    }

    @Test
    void aMutationThatFailsItsChecksFailsAloneInItsBatch() throws Exception {
        Future<MutationResult> held = pool.submit(() -> create("Counter", "value", "hold"));
        await().atMost(Duration.ofSeconds(30)).until(this::storageHoldsTheCommitOpen);
        // "other" was never written: UPDATE fails with NO_VALUE; the two others commit.
        Future<MutationResult> ok1 = pool.submit(() -> update("Counter", "value", "a"));
        Future<MutationResult> bad = pool.submit(() -> update("Counter", "other", "x"));
        Future<MutationResult> ok2 = pool.submit(() -> update("Counter", "value", "b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.queuedWrites() == 3);
        release.countDown();
        held.get(30, TimeUnit.SECONDS);

        assertThat(ok1.get(30, TimeUnit.SECONDS).atoms()).containsKey("value");
        assertThat(ok2.get(30, TimeUnit.SECONDS).atoms()).containsKey("value");
        assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_VALUE));
        assertThat(engine.groupCommitCounts()[2]).as("no batch had to be split").isZero();
        assertThat(contents(history("Counter", "value", null))).containsExactlyInAnyOrder("hold", "a", "b");
    }

    @Test
    void aWriteWhoseCommitWorkFailsIsRetriedAloneAndTheOthersCommit() throws Exception {
        poisoned = "poison";
        Future<MutationResult> held = pool.submit(() -> create("Counter", "value", "hold"));
        await().atMost(Duration.ofSeconds(30)).until(this::storageHoldsTheCommitOpen);
        Future<MutationResult> ok1 = pool.submit(() -> update("Counter", "value", "a"));
        Future<MutationResult> bad = pool.submit(() -> update("Counter", "value", "poison"));
        Future<MutationResult> ok2 = pool.submit(() -> create("Counter", "other", "b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.queuedWrites() == 3);
        release.countDown();
        held.get(30, TimeUnit.SECONDS);

        ok1.get(30, TimeUnit.SECONDS);
        ok2.get(30, TimeUnit.SECONDS);
        assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(IllegalStateException.class).hasMessage("listener refused poison");
        assertThat(engine.groupCommitCounts()[2]).as("the batch was split once").isEqualTo(1);
        List<Object> values = contents(history("Counter", "value", null));
        assertThat(values).containsExactlyInAnyOrder("hold", "a").doesNotContain("poison");
        assertThat(contents(history("Counter", "other", null))).containsExactly("b");
        assertThat(value("Counter", "value")).isEqualTo("a");
    }

    /** The held write is inside its commit, in the listener: nothing is queued behind it yet. */
    private boolean storageHoldsTheCommitOpen() {
        return holding.getCount() == 0 && engine.queuedWrites() == 0;
    }
}
