package org.datafold.storage.api;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's storage: one transactional environment holding one repository per domain.
 *
 * <p>Transactions are bound to the calling thread. Repository operations called inside
 * {@link #inTransaction(UnitOfWork)} on the same thread join that transaction; outside of one,
 * each operation runs in a transaction of its own. A unit of work commits as a whole or not at
 * all, and is re-run (a bounded number of times) when it loses a lock conflict or deadlock, so it
 * must not have side effects outside storage.
 */
@ProviderType
public interface Storage {

    /** The repository for a domain; opened (and created if new) on first use, then cached. */
    <T> Repository<T> repository(RepositoryDescriptor<T> descriptor);

    /**
     * Runs {@code work} in one transaction on this thread and commits it. If the work throws, the
     * transaction is aborted and nothing it wrote is visible. Nested calls join the outer
     * transaction.
     *
     * @throws StorageException {@code STORAGE_CONFLICT} when conflicts outlast the retries,
     *         {@code DISK_FULL} when a write of the work is refused because the disk is full or
     *         the store reached its size limit (nothing of the work is kept); the work's own
     *         unchecked exceptions are rethrown as they are
     */
    <R> R inTransaction(UnitOfWork<R> work);

    /**
     * Whether the calling thread is inside {@link #inTransaction(UnitOfWork)}: storage calls it
     * makes now join that transaction.
     */
    boolean hasThreadTransaction();

    /** Convenience for a unit of work without a result. */
    default void run(VoidUnitOfWork work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** The node's data directory (the JE environment lives in its {@code store/} folder). */
    Path dataDirectory();

    /** Statistics of the environment. */
    StorageStats stats();

    /**
     * The free space of the data directory's file system, the size of the store and the disk
     * limits, and whether writes are refused because a limit is reached.
     */
    DiskSpace diskSpace();

    /** Statistics of every repository opened so far, by name. */
    List<RepositoryStats> repositoryStats();

    /** A unit of work returning a result. */
    @FunctionalInterface
    interface UnitOfWork<R> {
        R run() throws Exception;
    }

    /** A unit of work without a result. */
    @FunctionalInterface
    interface VoidUnitOfWork {
        void run() throws Exception;
    }
}
