package org.datafold.storage.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.datafold.storage.api.DiskSpace;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.RepositoryStats;
import org.datafold.storage.api.Storage;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.api.StorageStats;
import org.datafold.storage.internal.crypto.EncryptionException;
import org.datafold.storage.internal.crypto.EncryptionSettings;
import org.datafold.storage.internal.crypto.StoreEncryption;
import org.datafold.storage.internal.crypto.ValueCipher;
import org.datafold.support.config.RenamedKeys;
import org.datafold.support.home.HomePaths;
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
import com.sleepycat.je.DatabaseNotFoundException;
import com.sleepycat.je.DiskLimitException;
import com.sleepycat.je.Durability;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.EnvironmentStats;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.LogWriteException;
import com.sleepycat.je.OperationStatus;
import com.sleepycat.je.StatsConfig;
import com.sleepycat.je.Transaction;
import com.sleepycat.je.TransactionConfig;
import com.sleepycat.je.TransactionStats;

/**
 * The storage component: one transactional Berkeley DB JE environment in
 * {@code <data_dir>/store}, one JE database per repository.
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
 * <p>Disk limits are JE's own ({@code je.maxDisk}, {@code je.freeDisk}): once the store reaches
 * {@code max_disk_mb} or the file system has less than {@code free_disk_mb} free, JE refuses writes
 * with a {@link DiskLimitException}, which fails the operation with {@code DISK_FULL} and leaves
 * the environment valid: reads go on, and writes succeed again once JE sees room (it checks as it
 * writes and at least every ten seconds). Closing while a limit is reached skips JE's final
 * checkpoint (the next open runs recovery) and cannot mark the shutdown clean. When the disk is so
 * full that JE cannot write what its recovery must write, the environment opens read-only: reads
 * go on, writes fail with {@code DISK_FULL} until the component is activated again with room.
 *
 * <p>With {@code encryption} configured, every repository value is sealed with AES-256-GCM under a
 * data key bound to its repository and key ({@link StoreEncryption}); the owner's passphrase or key
 * file is checked before the environment is opened, so a wrong one fails the activation without
 * touching the store.
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
    private static final long MIB = 1024L * 1024L;
    /** Upper bound of {@code max_disk_mb} and {@code free_disk_mb} (a pebibyte): their sum in bytes fits a long. */
    private static final long MAX_DISK_MB = 1L << 30;
    /** Statistics that are cheap to collect, among them JE's cached disk usage. */
    private static final StatsConfig FAST_STATS = new StatsConfig().setFast(true);

    private final Path dataDirectory;
    private final Path storeDirectory;
    /** The real path under which the environment is registered in {@link #OPEN_STORES}. */
    private final Path storeKey;
    private final StorageConfig.Durability durability;
    private final long cacheSizeBytes;
    private final int maxRetries;
    /** {@code max_disk_mb} in bytes; 0: no limit of its own. */
    private final long maxStoreBytes;
    /** {@code free_disk_mb} in bytes. */
    private final long keepFreeBytes;
    private final Environment env;
    /** Encryption at rest of the repositories' values (its cipher is null when off). */
    private final StoreEncryption encryption;
    /** Whether the environment had to be opened read-only, the disk being too full to recover in place. */
    private final boolean readOnly;
    private final Database metaDb;
    private final CurrentTransaction currentTxn;
    private final TransactionRunner runner;
    private final Instant openedAt;
    private final boolean previousShutdownClean;
    private final ConcurrentHashMap<String, JeRepository<?>> repositories = new ConcurrentHashMap<>();
    private final LongAdder conflictRetries = new LongAdder();
    /** Set by a write refused for lack of disk space, cleared by the next write that goes through. */
    private final AtomicBoolean writesRefused = new AtomicBoolean();
    /** Set when the open could not be recorded in the shutdown marker (disk limit reached at open). */
    private final AtomicBoolean openMarkerPending = new AtomicBoolean();
    /** Serializes opening repositories with closing the environment. */
    private final Object lifecycleLock = new Object();
    private volatile boolean closed;

    /**
     * Validates the configuration and opens (creating if needed) the environment.
     *
     * @throws StorageException {@code CONFIGURATION_INVALID} naming the PID and the key at fault,
     *         or a storage failure when JE cannot open the environment
     */
    public JeStorage(StorageConfig config) {
        this(config, Map.of());
    }

    /**
     * The component's constructor: as {@link #JeStorage(StorageConfig)}, reading the keys of earlier
     * releases ({@link StorageConfig#OLD_KEYS}) from the raw properties where the new keys are absent.
     */
    @Activate
    public JeStorage(StorageConfig config, Map<String, Object> properties) {
        Objects.requireNonNull(config, "config");
        config = RenamedKeys.apply(StorageConfig.class, config, properties, StorageConfig.PID, StorageConfig.OLD_KEYS,
                LOG);
        this.dataDirectory = resolveDataDirectory(config.data__dir());
        this.durability = require(config.durability(), "durability", "must be one of SYNC, WRITE_NO_SYNC, NO_SYNC");
        int cacheSizeMb = config.cache__size__mb();
        if (cacheSizeMb < 1) {
            throw configError("cache_size_mb", cacheSizeMb, "must be >= 1");
        }
        this.cacheSizeBytes = cacheSizeMb * 1024L * 1024L;
        if (cacheSizeBytes >= Runtime.getRuntime().maxMemory()) {
            throw configError("cache_size_mb", cacheSizeMb, "must be below the JVM's maximum heap ("
                    + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB)");
        }
        long lockTimeoutMs = config.lock__timeout__ms();
        if (lockTimeoutMs < 1 || lockTimeoutMs > MAX_LOCK_TIMEOUT_MS) {
            throw configError("lock_timeout_ms", lockTimeoutMs, "must be between 1 and " + MAX_LOCK_TIMEOUT_MS);
        }
        this.maxRetries = config.max__retries();
        if (maxRetries < 0) {
            throw configError("max_retries", maxRetries, "must be >= 0");
        }
        long maxDiskMb = config.max__disk__mb();
        if (maxDiskMb < 0 || maxDiskMb > MAX_DISK_MB) {
            throw configError("max_disk_mb", maxDiskMb, "must be between 0 (no limit) and " + MAX_DISK_MB);
        }
        long freeDiskMb = config.free__disk__mb();
        if (freeDiskMb < 1 || freeDiskMb > MAX_DISK_MB) {
            throw configError("free_disk_mb", freeDiskMb, "must be between 1 and " + MAX_DISK_MB);
        }
        this.maxStoreBytes = maxDiskMb * MIB;
        this.keepFreeBytes = freeDiskMb * MIB;
        this.storeDirectory = dataDirectory.resolve(STORE_FOLDER);
        try {
            Files.createDirectories(storeDirectory);
        } catch (IOException | RuntimeException e) {
            throw new StorageException(Category.CONFIGURATION, "configuration " + StorageConfig.PID
                    + ": data_dir: cannot create " + storeDirectory + ": " + e,
                    Map.of("pid", StorageConfig.PID, "key", "data_dir", "path", storeDirectory.toString()), e);
        }

        this.encryption = prepareEncryption(config, dataDirectory);
        this.storeKey = claimStoreDirectory(storeDirectory);
        try {
            this.env = openEnvironment(lockTimeoutMs);
            this.readOnly = env.getConfig().getReadOnly();
        } catch (RuntimeException e) {
            OPEN_STORES.remove(storeKey);
            throw e;
        }
        ShutdownMarker previous;
        try {
            this.metaDb = env.openDatabase(null, META_DATABASE, databaseConfig());
            this.openedAt = Instant.now();
            previous = readShutdownMarker();
            attachEncryption();
            // A brand-new environment has no marker: there was no previous shutdown to be unclean.
            this.previousShutdownClean = previous == null || previous.clean();
            if (!readOnly) {
                try {
                    writeShutdownMarker(new ShutdownMarker(false, openedAt, null));
                } catch (DiskLimitException e) {
                    // Reads work on a full disk; the open is recorded by the first write that goes through.
                    openMarkerPending.set(true);
                }
            }
        } catch (RuntimeException e) {
            closeQuietly(env);
            OPEN_STORES.remove(storeKey);
            throw StorageErrors.translate(e, false, Map.of("operation", "open", "path", storeDirectory.toString()));
        }
        this.currentTxn = CurrentTransaction.getInstance(env);
        this.runner = new ConflictRetryingRunner(env, maxRetries);

        LOG.info("storage opened at {} (durability {}, cache {} MiB, lock timeout {} ms, max retries {}, "
                + "store size limit {}, {} kept free on the disk, encryption {})", storeDirectory, durability,
                cacheSizeMb, lockTimeoutMs, maxRetries, maxStoreBytes == 0 ? "none" : StorageErrors.size(maxStoreBytes),
                StorageErrors.size(keepFreeBytes), encryption.describe());
        if (!previousShutdownClean) {
            LOG.warn("previous shutdown was not clean; JE ran recovery (last opened at {})",
                    previous.openedAt() == null ? "an unknown time" : previous.openedAt());
        }
        if (readOnly || openMarkerPending.get() || diskLimitReached()) {
            writesRefused.set(true);
            LOG.warn("storage opened with its disk limit reached: writes fail with DISK_FULL, reads go on: {}",
                    diskLimitReason());
        }
    }

    // ---------------------------------------------------------------- configuration and opening

    private static Path resolveDataDirectory(String dataDir) {
        if (dataDir == null || dataDir.isBlank()) {
            throw configError("data_dir", dataDir, "must not be blank");
        }
        try {
            return HomePaths.resolve(dataDir);
        } catch (InvalidPathException e) {
            throw configError("data_dir", dataDir, "is not a valid path: " + e.getMessage());
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
        // je.freeDisk given explicitly also makes JE subtract it from je.maxDisk, so the store
        // itself may take max_disk_mb. (Left unset, je.freeDisk would be 5 GB.)
        envConfig.setConfigParam(EnvironmentConfig.FREE_DISK, Long.toString(keepFreeBytes));
        envConfig.setMaxDisk(maxStoreBytes == 0 ? 0 : maxStoreBytes + keepFreeBytes);
        // JE writes its own log (je.info.N) into the environment directory by default.
        Map<String, Object> context = Map.of("operation", "open", "path", storeDirectory.toString());
        try {
            return new Environment(storeDirectory.toFile(), envConfig);
        } catch (RuntimeException e) {
            if (!outOfSpace(e)) {
                throw StorageErrors.translate(e, false, context);
            }
            // Recovery must write (a checkpoint at least) and the disk has no room for it. Opened
            // read-only, JE recovers in memory: everything committed can be read.
            envConfig.setReadOnly(true);
            envConfig.setAllowCreate(false);
            try {
                return new Environment(storeDirectory.toFile(), envConfig);
            } catch (RuntimeException readOnlyFailure) {
                e.addSuppressed(readOnlyFailure);
                throw StorageErrors.translate(e, false, context);
            }
        }
    }

    /** Whether opening failed for lack of room: JE hit the end of the disk, or its free-space limit. */
    private boolean outOfSpace(RuntimeException e) {
        if (!(e instanceof LogWriteException || e instanceof DiskLimitException)) {
            return false;
        }
        long free = usableSpace();
        return free >= 0 && free < keepFreeBytes;
    }

    private static Durability jeDurability(StorageConfig.Durability durability) {
        return switch (durability) {
            case SYNC -> Durability.COMMIT_SYNC;
            case WRITE_NO_SYNC -> Durability.COMMIT_WRITE_NO_SYNC;
            case NO_SYNC -> Durability.COMMIT_NO_SYNC;
        };
    }

    private DatabaseConfig databaseConfig() {
        return new DatabaseConfig().setTransactional(true).setAllowCreate(!readOnly).setReadOnly(readOnly);
    }

    // ---------------------------------------------------------------- encryption at rest

    /**
     * Reads the encryption settings and, with encryption on, opens the data key with the owner's
     * passphrase or key file: a wrong one fails the activation here, before the store is opened.
     */
    private static StoreEncryption prepareEncryption(StorageConfig config, Path dataDirectory) {
        try {
            EncryptionSettings settings = EncryptionSettings.parse(config.encryption(), config.key__file(),
                    config.passphrase__file(), HomePaths::resolve);
            return StoreEncryption.prepare(settings, dataDirectory, System::getenv);
        } catch (EncryptionException e) {
            throw encryptionError(e);
        }
    }

    private static StorageException encryptionError(EncryptionException e) {
        String key = e.key() == null ? "encryption" : e.key();
        // One line, no secret in it: the reason the node does not start (once, not at every retry).
        if (e.isRepeated()) {
            LOG.debug("storage not opened (again): {}", e.getMessage());
        } else {
            LOG.error("storage not opened: {}", e.getMessage());
        }
        return new StorageException(Category.CONFIGURATION, "configuration " + StorageConfig.PID + ": " + key + ": "
                + e.getMessage(), Map.of("pid", StorageConfig.PID, "key", key), null);
    }

    /** Checks the open store against the encryption settings; a new encrypted store gets its data key. */
    private void attachEncryption() {
        try {
            encryption.attach(new StoreEncryption.Meta() {
                @Override
                public byte[] get(String key) {
                    DatabaseEntry data = new DatabaseEntry();
                    return metaDb.get(null, metaKey(key), data, LockMode.DEFAULT) == OperationStatus.SUCCESS
                            ? data.getData() : null;
                }

                @Override
                public void put(String key, byte[] value) {
                    putMeta(key, value);
                }

                @Override
                public boolean hasData() {
                    return env.getDatabaseNames().stream().anyMatch(name -> !META_DATABASE.equals(name));
                }
            }, !readOnly);
        } catch (EncryptionException e) {
            closeQuietly(metaDb);
            throw encryptionError(e);
        }
    }

    /** The cipher of stored values, or {@code null} when encryption is off. */
    ValueCipher cipher() {
        return encryption.cipher();
    }

    /** Encryption at rest of this store. */
    public StoreEncryption encryption() {
        return encryption;
    }

    /**
     * Re-wraps the data key under a key derived from the new passphrase or key file read from
     * {@code secretFile}; returns the new protection, for the command's output.
     */
    public String rekey(Path secretFile) {
        Map<String, Object> context = StorageErrors.context(null, null, "rekey");
        ensureOpen(context);
        try {
            byte[] secret = encryption.readNewSecret(secretFile);
            try {
                String described = encryption.rekey(secret);
                LOG.info("data key re-wrapped ({}) in {}", described, encryption.file());
                return described;
            } finally {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        } catch (EncryptionException e) {
            throw new StorageException(e.key() == null ? Category.FAILURE : Category.INVALID_ARGUMENT,
                    "rekey: " + e.getMessage(), context, null);
        }
    }

    // ---------------------------------------------------------------- shutdown marker

    /** The record under {@value #SHUTDOWN_KEY} in {@value #META_DATABASE}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ShutdownMarker(boolean clean, Instant openedAt, Instant closedAt) {
    }

    private ShutdownMarker readShutdownMarker() {
        DatabaseEntry data = new DatabaseEntry();
        if (metaDb.get(null, metaKey(SHUTDOWN_KEY), data, LockMode.DEFAULT) != OperationStatus.SUCCESS) {
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
        putMeta(SHUTDOWN_KEY, bytes);
    }

    /** Writes a record of the meta database in a transaction of its own, fsync'ed. */
    private void putMeta(String key, byte[] bytes) {
        Transaction txn = env.beginTransaction(null, new TransactionConfig().setDurability(Durability.COMMIT_SYNC));
        try {
            metaDb.put(txn, metaKey(key), new DatabaseEntry(bytes));
            txn.commit();
        } catch (RuntimeException e) {
            // Also after a write refused by a disk limit, which leaves the transaction only abortable.
            try {
                txn.abort();
            } catch (RuntimeException abortFailure) {
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    private static DatabaseEntry metaKey(String key) {
        return new DatabaseEntry(key.getBytes(StandardCharsets.UTF_8));
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
            throw translate(e, context);
        }
    }

    @Override
    public boolean hasThreadTransaction() {
        return currentTxn.getTransaction() != null;
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
                throw e == outcome.failure ? re : translate(re, context);
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
                    storeSize(envStats), countLogFiles(context), txnStats.getNCommits(),
                    txnStats.getNAborts(), conflictRetries.sum(), envStats.getNCacheMiss());
        } catch (RuntimeException e) {
            throw translate(e, context);
        }
    }

    @Override
    public DiskSpace diskSpace() {
        Map<String, Object> context = StorageErrors.context(null, null, "diskSpace");
        ensureOpen(context);
        long total;
        long free;
        try {
            FileStore fileStore = Files.getFileStore(storeDirectory);
            total = fileStore.getTotalSpace();
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            throw new StorageException(Category.FAILURE, "cannot read the free space of " + storeDirectory
                    + ": " + e, context, e);
        }
        try {
            EnvironmentStats envStats = env.getStats(FAST_STATS);
            return new DiskSpace(dataDirectory.toString(), total, free, storeSize(envStats), maxStoreBytes,
                    keepFreeBytes, readOnly || envStats.getAvailableLogSize() <= 0, readOnly);
        } catch (RuntimeException e) {
            throw translate(e, context);
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
                if (!readOnly) {
                    writeShutdownMarker(new ShutdownMarker(true, openedAt, Instant.now()));
                }
            } catch (DiskLimitException e) {
                LOG.warn("cannot record the clean shutdown in {}: the disk limit is reached ({})", META_DATABASE,
                        diskLimitReason());
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
        } catch (DiskLimitException e) {
            // JE closes the environment all the same, without the final checkpoint.
            LOG.warn("closed the JE environment without its final checkpoint, the disk limit being reached; "
                    + "the next open runs recovery");
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

    /** The JE environment, for this bundle's backups ({@link JeBackups}). */
    Environment environment() {
        return env;
    }

    void ensureOpen(Map<String, ?> context) {
        if (closed) {
            throw StorageErrors.closed(context);
        }
    }

    /**
     * Translates a JE failure. A write refused by JE's disk limits becomes {@code DISK_FULL}
     * naming the limit reached, with the free space, the store size and the limits in its context;
     * the first of a run of them is logged.
     */
    private StorageException translate(RuntimeException e, Map<String, ?> context) {
        // Read-only, JE refuses writes and the creation of databases.
        boolean refusedReadOnly = readOnly && !closed
                && (e instanceof UnsupportedOperationException || e instanceof DatabaseNotFoundException);
        if (!(e instanceof DiskLimitException) && !refusedReadOnly) {
            return StorageErrors.translate(e, closed, context);
        }
        long free = usableSpace();
        long store = storeSize();
        Map<String, Object> detailed = new LinkedHashMap<>(context);
        detailed.put("freeBytes", free);
        detailed.put("storeBytes", store);
        detailed.put("freeDiskMb", keepFreeBytes / MIB);
        detailed.put("maxDiskMb", maxStoreBytes / MIB);
        if (readOnly) {
            detailed.put("readOnly", true);
        }
        String reason = diskLimitReason(free, store);
        if (writesRefused.compareAndSet(false, true)) {
            LOG.warn("writes refused (DISK_FULL) until there is room, reads go on: {}", reason);
        }
        Object operation = context.containsKey("operation") ? context.get("operation") : "write";
        return StorageErrors.diskFull(operation + " refused: " + reason + (readOnly ? "; reads go on"
                : "; reads go on, and writes succeed again once there is room"), detailed, e);
    }

    /**
     * Called after a repository write went through. Ends a run of refused writes (logged), and
     * records the open in the shutdown marker if the disk limit kept it from being recorded then.
     */
    void writeAccepted() {
        if (writesRefused.get() && writesRefused.compareAndSet(true, false)) {
            LOG.info("writes are accepted again ({} free on the data disk, store {})",
                    StorageErrors.size(usableSpace()), StorageErrors.size(storeSize()));
        }
        if (openMarkerPending.get() && openMarkerPending.compareAndSet(true, false)) {
            try {
                writeShutdownMarker(new ShutdownMarker(false, openedAt, null));
            } catch (RuntimeException e) {
                openMarkerPending.set(true);
            }
        }
    }

    /** Whether JE refuses writes because a disk limit was reached when it last checked. */
    private boolean diskLimitReached() {
        try {
            return env.getStats(FAST_STATS).getAvailableLogSize() <= 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String diskLimitReason() {
        return diskLimitReason(usableSpace(), storeSize());
    }

    /** Which limit is reached, with the figures and the key that sets it. */
    private String diskLimitReason(long free, long store) {
        if (readOnly) {
            return "the store is open read-only: when it opened, the data disk was too full for JE to finish its "
                    + "recovery (" + StorageErrors.size(Math.max(free, 0)) + " free now, "
                    + StorageErrors.size(keepFreeBytes) + " kept free: " + StorageConfig.PID
                    + ": free_disk_mb); free space, then restart the node";
        }
        if (maxStoreBytes > 0 && store >= maxStoreBytes) {
            return "the store takes " + StorageErrors.size(store) + " and may take at most "
                    + StorageErrors.size(maxStoreBytes) + " (" + StorageConfig.PID + ": max_disk_mb)";
        }
        if (free >= 0 && free <= keepFreeBytes) {
            return "the data disk has " + StorageErrors.size(free) + " free and the storage keeps "
                    + StorageErrors.size(keepFreeBytes) + " free (" + StorageConfig.PID + ": free_disk_mb)";
        }
        return "the data disk was full, or the store at its size limit, when last checked (the storage checks "
                + "again as it writes and at least every ten seconds; " + StorageConfig.PID
                + ": free_disk_mb, max_disk_mb)";
    }

    /** Free bytes of the data directory's file system for this user, or -1 if unknown. */
    private long usableSpace() {
        try {
            return Files.getFileStore(storeDirectory).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The size of JE's log files as JE last counted it (read-only, JE does not count), or -1 if unknown. */
    private long storeSize() {
        try {
            return storeSize(env.getStats(FAST_STATS));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private long storeSize(EnvironmentStats envStats) {
        if (!readOnly) {
            return envStats.getTotalLogSize();
        }
        try (Stream<Path> files = Files.list(storeDirectory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".jdb"))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return -1;
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
                throw translate(e, context);
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
            throw translate(e, context);
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
            throw translate(e, context);
        }
    }

    /** Runs a call that needs no transaction (a count), translating its failures. */
    <X> X call(Map<String, Object> context, Supplier<X> call) {
        ensureOpen(context);
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e, context);
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
