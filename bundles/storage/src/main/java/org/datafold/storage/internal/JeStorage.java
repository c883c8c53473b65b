package org.datafold.storage.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.RepositoryStats;
import org.datafold.storage.api.Storage;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.api.StorageStats;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.sleepycat.collections.CurrentTransaction;
import com.sleepycat.collections.TransactionRunner;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.Durability;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.EnvironmentStats;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.OperationStatus;
import com.sleepycat.je.StatsConfig;
import com.sleepycat.je.Transaction;
import com.sleepycat.je.TransactionConfig;
import com.sleepycat.je.TransactionStats;

/**
 * The storage component: one transactional Berkeley DB JE environment in
 * {@code <dataDir>/store}, one JE database per repository.
 *
 * <p>Transactions are bound to the calling thread through JE's {@link CurrentTransaction}, and
 * units of work run through a {@link TransactionRunner}, which aborts and re-runs them when they
 * lose a lock conflict or deadlock, and lets nested calls join the thread's transaction.
 * Repository operations outside a unit of work run as units of their own through the same
 * runner, so they are retried too.
 *
 * <p>A JE database {@value #META_DATABASE} (not a repository) records whether the environment
 * was closed cleanly: it is marked unclean when opened and clean by {@link #close()}.
 *
 * <p>The class also works outside OSGi: {@code new JeStorage(config)} opens the environment and
 * {@link #close()} closes it.
 */
@Component(service = Storage.class, configurationPid = StorageConfig.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = StorageConfig.class)
public final class JeStorage implements Storage, AutoCloseable {

    /** The JE database holding the shutdown marker; not a valid repository name to ask for. */
    static final String META_DATABASE = "meta.storage";

    private static final Logger LOG = LoggerFactory.getLogger(JeStorage.class);
    private static final String STORE_FOLDER = "store";
    private static final String SHUTDOWN_KEY = "shutdown";
    /** JE's upper bound for {@code je.lock.timeout}. */
    private static final long MAX_LOCK_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(75);
    /** Upper bound of the random pause before a unit of work is re-run after a conflict. */
    private static final long MAX_BACKOFF_MS = 50;
    /** The environment directories open in this JVM. */
    private static final Set<Path> OPEN_STORES = ConcurrentHashMap.newKeySet();

    private final Path dataDirectory;
    private final Path storeDirectory;
    /** The real path under which the environment is registered in {@link #OPEN_STORES}. */
    private final Path storeKey;
    private final StorageConfig.Durability durability;
    private final long cacheSizeBytes;
    private final int maxRetries;
    private final Environment env;
    private final Database metaDb;
    private final CurrentTransaction currentTxn;
    private final TransactionRunner runner;
    private final Instant openedAt;
    private final boolean previousShutdownClean;
    private final ConcurrentHashMap<String, JeRepository<?>> repositories = new ConcurrentHashMap<>();
    private final LongAdder conflictRetries = new LongAdder();
    /** Serializes opening repositories with closing the environment. */
    private final Object lifecycleLock = new Object();
    private volatile boolean closed;

    /**
     * Validates the configuration and opens (creating if needed) the environment.
     *
     * @throws StorageException {@code CONFIGURATION_INVALID} naming the PID and the key at fault,
     *         or a storage failure when JE cannot open the environment
     */
    @Activate
    public JeStorage(StorageConfig config) {
        Objects.requireNonNull(config, "config");
        this.dataDirectory = resolveDataDirectory(config.dataDir());
        this.durability = require(config.durability(), "durability", "must be one of SYNC, WRITE_NO_SYNC, NO_SYNC");
        int cacheSizeMb = config.cacheSizeMb();
        if (cacheSizeMb < 1) {
            throw configError("cacheSizeMb", cacheSizeMb, "must be >= 1");
        }
        this.cacheSizeBytes = cacheSizeMb * 1024L * 1024L;
        if (cacheSizeBytes >= Runtime.getRuntime().maxMemory()) {
            throw configError("cacheSizeMb", cacheSizeMb, "must be below the JVM's maximum heap ("
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB)");
        }
        long lockTimeoutMs = config.lockTimeoutMs();
        if (lockTimeoutMs < 1 || lockTimeoutMs > MAX_LOCK_TIMEOUT_MS) {
            throw configError("lockTimeoutMs", lockTimeoutMs, "must be between 1 and " + MAX_LOCK_TIMEOUT_MS);
        }
        this.maxRetries = config.maxRetries();
        if (maxRetries < 0) {
            throw configError("maxRetries", maxRetries, "must be >= 0");
        }
        this.storeDirectory = dataDirectory.resolve(STORE_FOLDER);
        try {
            Files.createDirectories(storeDirectory);
        } catch (IOException | RuntimeException e) {
            throw new StorageException(Category.CONFIGURATION, "configuration " + StorageConfig.PID
                    + ": dataDir: cannot create " + storeDirectory + ": " + e,
                    Map.of("pid", StorageConfig.PID, "key", "dataDir", "path", storeDirectory.toString()), e);
        }

        this.storeKey = claimStoreDirectory(storeDirectory);
        try {
            this.env = openEnvironment(lockTimeoutMs);
        } catch (RuntimeException e) {
            OPEN_STORES.remove(storeKey);
            throw e;
        }
        ShutdownMarker previous;
        try {
            this.metaDb = env.openDatabase(null, META_DATABASE, databaseConfig());
            this.openedAt = Instant.now();
            previous = readShutdownMarker();
            // A brand-new environment has no marker: there was no previous shutdown to be unclean.
            this.previousShutdownClean = previous == null || previous.clean();
            writeShutdownMarker(new ShutdownMarker(false, openedAt, null));
        } catch (RuntimeException e) {
            closeQuietly(env);
            OPEN_STORES.remove(storeKey);
            throw StorageErrors.translate(e, false, Map.of("operation", "open", "path", storeDirectory.toString()));
        }
        this.currentTxn = CurrentTransaction.getInstance(env);
        this.runner = new ConflictRetryingRunner(env, maxRetries);

        LOG.info("storage opened at {} (durability {}, cache {} MiB, lock timeout {} ms, max retries {})",
                storeDirectory, durability, cacheSizeMb, lockTimeoutMs, maxRetries);
        if (!previousShutdownClean) {
            LOG.warn("previous shutdown was not clean; JE ran recovery (last opened at {})",
                    previous.openedAt() == null ? "an unknown time" : previous.openedAt());
        }
    }

    // ---------------------------------------------------------------- configuration and opening

    private static Path resolveDataDirectory(String dataDir) {
        if (dataDir == null || dataDir.isBlank()) {
            throw configError("dataDir", dataDir, "must not be blank");
        }
        try {
            Path path = Path.of(dataDir.strip());
            if (!path.isAbsolute()) {
                String home = System.getProperty("datafold.home");
                path = (home == null || home.isBlank() ? Path.of("") : Path.of(home)).resolve(path);
            }
            return path.toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw configError("dataDir", dataDir, "is not a valid path: " + e.getMessage());
        }
    }

    private static <V> V require(V value, String key, String rule) {
        if (value == null) {
            throw configError(key, null, rule);
        }
        return value;
    }

    private static StorageException configError(String key, Object value, String rule) {
        return new StorageException(Category.CONFIGURATION,
                "configuration " + StorageConfig.PID + ": " + key + " " + rule + " (was " + value + ")",
                Map.of("pid", StorageConfig.PID, "key", key, "value", String.valueOf(value)), null);
    }

    /**
     * Registers the environment directory as open in this JVM. JE itself would hand a second
     * opener the same environment, which would confuse the shutdown marker; its lock file only
     * keeps out other processes.
     */
    private static Path claimStoreDirectory(Path storeDirectory) {
        Path key;
        try {
            key = storeDirectory.toRealPath();
        } catch (IOException e) {
            key = storeDirectory;
        }
        if (!OPEN_STORES.add(key)) {
            throw new StorageException(Category.FAILURE, "the storage in " + storeDirectory
                    + " is already open in this JVM", Map.of("operation", "open", "path", storeDirectory.toString()), null);
        }
        return key;
    }

    private Environment openEnvironment(long lockTimeoutMs) {
        EnvironmentConfig envConfig = new EnvironmentConfig();
        envConfig.setTransactional(true);
        envConfig.setAllowCreate(true);
        envConfig.setSharedCache(false);
        envConfig.setCacheSize(cacheSizeBytes);
        envConfig.setLockTimeout(lockTimeoutMs, TimeUnit.MILLISECONDS);
        envConfig.setDurability(jeDurability(durability));
        // JE writes its own log (je.info.N) into the environment directory by default.
        try {
            return new Environment(storeDirectory.toFile(), envConfig);
        } catch (RuntimeException e) {
            throw StorageErrors.translate(e, false, Map.of("operation", "open", "path", storeDirectory.toString()));
        }
    }

    private static Durability jeDurability(StorageConfig.Durability durability) {
        return switch (durability) {
            case SYNC -> Durability.COMMIT_SYNC;
            case WRITE_NO_SYNC -> Durability.COMMIT_WRITE_NO_SYNC;
            case NO_SYNC -> Durability.COMMIT_NO_SYNC;
        };
    }

    private static DatabaseConfig databaseConfig() {
        return new DatabaseConfig().setTransactional(true).setAllowCreate(true);
    }

    // ---------------------------------------------------------------- shutdown marker

    /** The record under {@value #SHUTDOWN_KEY} in {@value #META_DATABASE}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ShutdownMarker(boolean clean, Instant openedAt, Instant closedAt) {
    }

    private ShutdownMarker readShutdownMarker() {
        DatabaseEntry data = new DatabaseEntry();
        if (metaDb.get(null, metaKey(), data, LockMode.DEFAULT) != OperationStatus.SUCCESS) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(data.getData(), ShutdownMarker.class);
        } catch (IOException e) {
            // An unreadable marker tells nothing about the last shutdown; assume the worst.
            LOG.warn("unreadable shutdown marker in {}: {}", META_DATABASE, e.toString());
            return new ShutdownMarker(false, null, null);
        }
    }

    /** Writes the marker in a transaction of its own, fsync'ed whatever the configured durability. */
    private void writeShutdownMarker(ShutdownMarker marker) {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(marker);
        } catch (IOException e) {
            throw new StorageException(Category.SERIALIZATION, "cannot write the shutdown marker",
                    Map.of("repository", META_DATABASE, "key", SHUTDOWN_KEY), e);
        }
        Transaction txn = env.beginTransaction(null, new TransactionConfig().setDurability(Durability.COMMIT_SYNC));
        try {
            metaDb.put(txn, metaKey(), new DatabaseEntry(bytes));
            txn.commit();
        } finally {
            if (txn.isValid()) {
                txn.abort();
            }
        }
    }

    private static DatabaseEntry metaKey() {
        return new DatabaseEntry(SHUTDOWN_KEY.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- Storage

    @Override
    public <T> Repository<T> repository(RepositoryDescriptor<T> descriptor) {
        if (descriptor == null) {
            throw StorageErrors.invalidArgument("descriptor must not be null", Map.of("operation", "repository"));
        }
        String name = descriptor.name();
        Map<String, Object> context = StorageErrors.context(name, null, "repository");
        ensureOpen(context);
        if (META_DATABASE.equals(name)) {
            throw StorageErrors.invalidArgument("repository name '" + name + "' is reserved by the storage", context);
        }
        JeRepository<?> repository = repositories.get(name);
        if (repository == null || repository.type() != descriptor.type()) {
            synchronized (lifecycleLock) {
                ensureOpen(context);
                repository = repositories.get(name);
                if (repository == null) {
                    repository = new JeRepository<>(this, descriptor, openDatabase(name, context));
                    repositories.put(name, repository);
                } else if (repository.type() != descriptor.type()
                        && repository.type().getName().equals(descriptor.type().getName())) {
                    // The same class from a new class loader (its bundle was updated): serve the
                    // new class from now on, over the same database and counters.
                    repository = repository.withType(descriptor.type());
                    repositories.put(name, repository);
                }
            }
        }
        if (repository.type() != descriptor.type()) {
            throw StorageErrors.invalidArgument("repository '" + name + "' is already open with type "
                    + repository.type().getName() + ", not " + descriptor.type().getName(), context);
        }
        @SuppressWarnings("unchecked")
        Repository<T> typed = (Repository<T>) repository;
        return typed;
    }

    private Database openDatabase(String name, Map<String, Object> context) {
        try {
            return env.openDatabase(null, name, databaseConfig());
        } catch (RuntimeException e) {
            throw StorageErrors.translate(e, closed, context);
        }
    }

    @Override
    public <R> R inTransaction(UnitOfWork<R> work) {
        Map<String, Object> context = StorageErrors.context(null, null, "inTransaction");
        if (work == null) {
            throw StorageErrors.invalidArgument("work must not be null", context);
        }
        ensureOpen(context);
        boolean joined = currentTxn.getTransaction() != null;
        Outcome<R> outcome = new Outcome<>();
        try {
            runner.run(() -> {
                outcome.failure = null;
                try {
                    outcome.value = work.run();
                } catch (Exception e) {
                    outcome.failure = e;
                    throw e;
                }
            });
            return outcome.value;
        } catch (Exception e) {
            // A nested call leaves conflicts to the outermost runner, which re-runs the whole unit.
            if (!joined && StorageErrors.isLockConflict(e)) {
                throw conflictsExhausted(e, context);
            }
            if (e instanceof RuntimeException re) {
                // The work's own exception is rethrown as it was; JE's (from begin, commit or
                // abort) are translated.
                throw e == outcome.failure ? re : StorageErrors.translate(re, closed, context);
            }
            throw new StorageException(Category.FAILURE, "unit of work failed: " + e, context, e);
        }
    }

    private StorageException conflictsExhausted(Exception e, Map<String, Object> context) {
        Map<String, Object> merged = new LinkedHashMap<>(context);
        if (e instanceof StorageException se) {
            merged.putAll(se.context());
        }
        merged.put("retries", maxRetries);
        return new StorageException(Category.CONFLICT, "transaction gave up after " + maxRetries
                + " retries on lock conflicts or deadlocks", merged, e);
    }

    @Override
    public Path dataDirectory() {
        ensureOpen(StorageErrors.context(null, null, "dataDirectory"));
        return dataDirectory;
    }

    @Override
    public StorageStats stats() {
        Map<String, Object> context = StorageErrors.context(null, null, "stats");
        ensureOpen(context);
        try {
            StatsConfig statsConfig = new StatsConfig();
            EnvironmentStats envStats = env.getStats(statsConfig);
            TransactionStats txnStats = env.getTransactionStats(statsConfig);
            return new StorageStats(dataDirectory.toString(), durability.name(), openedAt,
                    previousShutdownClean, cacheSizeBytes, envStats.getCacheTotalBytes(),
                    envStats.getTotalLogSize(), countLogFiles(context), txnStats.getNCommits(),
                    txnStats.getNAborts(), conflictRetries.sum(), envStats.getNCacheMiss());
        } catch (RuntimeException e) {
            throw StorageErrors.translate(e, closed, context);
        }
    }

    private long countLogFiles(Map<String, Object> context) {
        try (Stream<Path> files = Files.list(storeDirectory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jdb")).count();
        } catch (IOException e) {
            throw new StorageException(Category.FAILURE, "cannot list " + storeDirectory + ": " + e, context, e);
        }
    }

    @Override
    public List<RepositoryStats> repositoryStats() {
        ensureOpen(StorageErrors.context(null, null, "repositoryStats"));
        List<JeRepository<?>> open = new ArrayList<>(repositories.values());
        open.sort(Comparator.comparing(JeRepository::name));
        return open.stream().map(JeRepository::stats).toList();
    }

    /** Closes the environment, marking the shutdown clean. Calling it again does nothing. */
    @Deactivate
    @Override
    public void close() {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (env.isValid()) {
            try {
                writeShutdownMarker(new ShutdownMarker(true, openedAt, Instant.now()));
            } catch (RuntimeException e) {
                LOG.warn("cannot record the clean shutdown in {}: {}", META_DATABASE, e.toString());
            }
            for (JeRepository<?> repository : repositories.values()) {
                closeQuietly(repository.database());
            }
            closeQuietly(metaDb);
        } else {
            // After a failure (corruption, I/O error) JE only allows closing the environment,
            // which also releases its database handles.
            LOG.warn("closing an invalid JE environment; the shutdown is not marked clean");
        }
        repositories.clear();
        closeQuietly(env);
        OPEN_STORES.remove(storeKey);
        LOG.info("storage closed at {}", storeDirectory);
    }

    private static void closeQuietly(Database database) {
        try {
            database.close();
        } catch (RuntimeException e) {
            LOG.warn("error closing database {}: {}", database, e.toString());
        }
    }

    private static void closeQuietly(Environment environment) {
        try {
            environment.close();
        } catch (RuntimeException e) {
            LOG.warn("error closing the JE environment: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------- used by JeRepository

    /** A repository operation on a database, in the given transaction. */
    @FunctionalInterface
    interface TxnOperation<X> {
        X apply(Transaction txn);
    }

    void ensureOpen(Map<String, ?> context) {
        if (closed) {
            throw StorageErrors.closed(context);
        }
    }

    /**
     * Runs a repository operation in the thread's transaction, or, outside of one, as a unit of
     * work of its own (committed at once, re-run on lock conflicts). Any failure surfaces as a
     * {@link StorageException} with the given context.
     */
    <X> X execute(Map<String, Object> context, TxnOperation<X> operation) {
        ensureOpen(context);
        Transaction txn = currentTxn.getTransaction();
        if (txn != null) {
            try {
                return operation.apply(txn);
            } catch (RuntimeException e) {
                // A conflict surfaces as CONFLICT, which the enclosing runner recognizes and retries.
                throw StorageErrors.translate(e, closed, context);
            }
        }
        Outcome<X> outcome = new Outcome<>();
        try {
            runner.run(() -> outcome.value = operation.apply(currentTxn.getTransaction()));
            return outcome.value;
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            if (StorageErrors.isLockConflict(e)) {
                throw conflictsExhausted(e, context);
            }
            throw StorageErrors.translate(e, closed, context);
        } catch (Exception e) {
            throw new StorageException(Category.FAILURE, context.get("operation") + " failed: " + e, context, e);
        }
    }

    /**
     * Runs a read. Inside the thread's transaction it joins it; outside of one it reads without a
     * transaction of its own (JE locks the record only for the read, committed data only), which
     * is much cheaper than a unit of work and lets concurrent readers scale. A read that times out
     * on a lock held by a writer is retried as a unit of work.
     */
    <X> X read(Map<String, Object> context, TxnOperation<X> operation) {
        ensureOpen(context);
        if (currentTxn.getTransaction() != null) {
            return execute(context, operation);
        }
        try {
            return operation.apply(null);
        } catch (RuntimeException e) {
            if (StorageErrors.isLockConflict(e)) {
                return execute(context, operation);
            }
            throw StorageErrors.translate(e, closed, context);
        }
    }

    /** Runs a call that needs no transaction (a count), translating its failures. */
    <X> X call(Map<String, Object> context, Supplier<X> call) {
        ensureOpen(context);
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw StorageErrors.translate(e, closed, context);
        }
    }

    /** Holds what a unit of work produced; the runner's worker returns nothing. */
    private static final class Outcome<X> {
        X value;
        Exception failure;
    }

    /**
     * JE's runner with a count of the re-runs and a short random pause before each, so that
     * transactions that deadlocked one another do not collide again straight away.
     */
    private final class ConflictRetryingRunner extends TransactionRunner {

        ConflictRetryingRunner(Environment env, int maxRetries) {
            super(env, maxRetries, null);
        }

        /**
         * Called by {@link TransactionRunner#run} after it aborted the transaction; the work is
         * re-run while {@code retries < maxRetries} and this method returns normally.
         */
        @Override
        public int handleException(Exception exception, int retries, int maxRetries) throws Exception {
            if (!StorageErrors.isLockConflict(exception)) {
                throw exception;
            }
            if (retries < maxRetries) {
                conflictRetries.increment();
                long bound = Math.min(MAX_BACKOFF_MS, 1L << Math.min(retries, 6));
                long pauseMs = ThreadLocalRandom.current().nextLong(bound + 1);
                if (pauseMs > 0) {
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw exception;
                    }
                }
            }
            return maxRetries;
        }
    }
}
