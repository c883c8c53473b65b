package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.datafold.storage.internal.TestRecords.COUNTERS;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.datafold.storage.api.Repository;
import org.datafold.storage.internal.TestRecords.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several threads incrementing the same counter record in units of work. */
class ConcurrentWritersTest {

    private static final int THREADS = 4;
    private static final int INCREMENTS = 50;

    @TempDir
    Path dir;

    private JeStorage storage;
    private Repository<Counter> counters;

    @BeforeEach
    void openStorage() {
        storage = new JeStorage(TestStorageConfig.in(dir).withDurability(StorageConfig.Durability.NO_SYNC));
        counters = storage.repository(COUNTERS);
        counters.put("c", new Counter(0));
    }

    @AfterEach
    void closeStorage() {
        storage.close();
    }

    @Test
    void getForUpdateSerializesTheIncrements() throws Exception {
        int done = incrementConcurrently(key -> counters.getForUpdate(key));

        assertThat(done).isEqualTo(THREADS * INCREMENTS);
        assertThat(counters.get("c")).contains(new Counter(THREADS * INCREMENTS));
        // The write lock is taken by the read, so the transactions queue instead of deadlocking.
        assertThat(storage.stats().conflictRetries()).isZero();
    }

    @Test
    void plainGetDeadlocksAreDetectedAndRetriedWithoutLosingAnUpdate() throws Exception {
        int done = incrementConcurrently(key -> counters.get(key));

        // Under JE's default isolation a read holds a read lock to the end of the transaction;
        // two transactions that read the counter and then both try to write it deadlock, JE
        // aborts one of them and the runner re-runs it.
        assertThat(done).isEqualTo(THREADS * INCREMENTS);
        assertThat(counters.get("c")).contains(new Counter(THREADS * INCREMENTS));
        assertThat(storage.stats().conflictRetries()).isPositive();
    }

    /** Runs the increments on {@link #THREADS} threads; returns how many committed. */
    private int incrementConcurrently(Function<String, Optional<Counter>> read) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger committed = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    assertThat(start.await(30, TimeUnit.SECONDS)).isTrue();
                    for (int i = 0; i < INCREMENTS; i++) {
                        storage.run(() -> counters.put("c", read.apply("c").orElseThrow().increment()));
                        committed.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                try {
                    future.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw new AssertionError("a writer failed after " + committed.get() + " commits", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        return committed.get();
    }
}
