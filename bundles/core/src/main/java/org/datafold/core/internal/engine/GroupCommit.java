package org.datafold.core.internal.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.datafold.storage.api.Storage;

/**
 * Group commit: writes submitted by concurrent threads are applied one after another in one
 * storage transaction, which commits (and, with the default durability, reaches the disk) once for
 * all of them. Each submitter returns only after the commit that holds its write, so a write is
 * still acknowledged only once it is as durable as the storage's durability says.
 *
 * <p>There is no thread of its own: a submitter that finds nobody applying writes becomes the
 * leader, takes every write queued so far (at most {@link #MAX_BATCH}), applies them in one unit of
 * work and hands over to the next waiting submitter. While a batch commits, new writes queue up,
 * so the batches grow with the load: at one writer a batch holds one write, under load one fsync
 * serves many. Writes of one field in one batch read each other's heads in the transaction, so
 * each is still its own version and the history stays linear.
 *
 * <p>A write that fails with a {@link CleanFailure} (it checked something and wrote nothing) fails
 * alone; the rest of its batch commits. Any other failure aborts the batch, whose writes are then
 * applied again one by one, each in a transaction of its own, so that one bad write never fails
 * another. A submitter already inside a transaction on its thread (a write nested in a unit of
 * work) applies its write directly in that transaction.
 */
final class GroupCommit {

    /** The most writes in one transaction (bounds its locks and its undo work). */
    static final int MAX_BATCH = 256;

    /** A write applied inside the batch's transaction; it may run more than once (conflict retries). */
    @FunctionalInterface
    interface Write<R> {
        R apply();
    }

    /** A failure of one write that wrote nothing: the rest of the batch goes on. */
    static final class CleanFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CleanFailure(RuntimeException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        RuntimeException failure() {
            return (RuntimeException) getCause();
        }
    }

    private static final class Pending<R> {
        final Write<R> write;
        R result;
        RuntimeException failure;
        /** Written by the leader before it takes the lock to publish the batch's end. */
        boolean done;

        Pending(Write<R> write) {
            this.write = write;
        }

        void apply() {
            failure = null;
            result = null;
            try {
                result = write.apply();
            } catch (CleanFailure e) {
                failure = e.failure();
            }
        }

        R outcome() {
            if (failure != null) {
                throw failure;
            }
            return result;
        }
    }

    private final Storage storage;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    private boolean leading;

    private final LongAdder batches = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();

    GroupCommit(Storage storage) {
        this.storage = storage;
    }

    /**
     * Applies {@code write} in a group commit and returns its result once that commit is done.
     *
     * @throws RuntimeException the write's own failure, or the storage's when its commit failed
     */
    <R> R submit(Write<R> write) {
        if (storage.hasThreadTransaction()) {
            return direct(write);
        }
        Pending<R> pending = new Pending<>(write);
        lock.lock();
        try {
            queue.add(pending);
            while (!pending.done) {
                if (leading) {
                    changed.awaitUninterruptibly();
                    continue;
                }
                leading = true;
                List<Pending<?>> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
                while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
                    batch.add(queue.poll());
                }
                lock.unlock();
                try {
                    run(batch);
                } finally {
                    lock.lock();
                    leading = false;
                    changed.signalAll();
                }
            }
        } finally {
            lock.unlock();
        }
        return pending.outcome();
    }

    /** Writes waiting for a batch (not counting the batch being applied). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Commits so far, writes they held, and batches that failed and were applied one by one. */
    long[] counts() {
        return new long[] { batches.sum(), writes.sum(), fallbacks.sum() };
    }

    private static <R> R direct(Write<R> write) {
        try {
            return write.apply();
        } catch (CleanFailure e) {
            throw e.failure();
        }
    }

    private void run(List<Pending<?>> batch) {
        try {
            commit(batch);
        } catch (RuntimeException batchFailure) {
            if (batch.size() == 1) {
                batch.get(0).failure = batchFailure;
            } else {
                fallbacks.increment();
                for (Pending<?> p : batch) {
                    try {
                        commit(List.of(p));
                    } catch (RuntimeException e) {
                        p.failure = e;
                    }
                }
            }
        } finally {
            for (Pending<?> p : batch) {
                p.done = true;
            }
        }
    }

    private void commit(List<Pending<?>> batch) {
        storage.run(() -> {
            for (Pending<?> p : batch) {
                p.apply();
            }
        });
        batches.increment();
        writes.add(batch.size());
    }
}
