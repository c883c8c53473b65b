package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.datafold.storage.internal.TestRecords.ACCOUNTS;
import static org.datafold.storage.internal.TestRecords.COUNTERS;
import static org.datafold.storage.internal.TestRecords.LEDGER;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.datafold.api.ErrorCode;
import org.datafold.storage.api.DiskSpace;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.Repository.Entry;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.RepositoryStats;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.api.StorageStats;
import org.datafold.storage.internal.TestRecords.Account;
import org.datafold.storage.internal.TestRecords.Counter;
import org.datafold.storage.internal.TestRecords.Note;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;

class JeStorageTest {

    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");

    @TempDir
    Path dir;

    private final List<JeStorage> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(JeStorage::close);
    }

    private JeStorage open(TestStorageConfig config) {
        JeStorage storage = new JeStorage(config);
        opened.add(storage);
        return storage;
    }

    private JeStorage open() {
        return open(TestStorageConfig.in(dir));
    }

    private static Account account(String owner, long balance) {
        return new Account(owner, balance, T0.plus(balance, ChronoUnit.MINUTES), List.of("a", owner));
    }

    private static List<String> keys(List<Entry<Account>> entries) {
        return entries.stream().map(Entry::key).toList();
    }

    // ---------------------------------------------------------------- repositories

    @Test
    void recordRoundTripsThroughEveryOperation() {
        Repository<Account> accounts = open().repository(ACCOUNTS);
        Account alice = new Account("alice", 42, T0, List.of("x", "y"));

        assertThat(accounts.get("alice")).isEmpty();
        assertThat(accounts.exists("alice")).isFalse();
        accounts.put("alice", alice);
        assertThat(accounts.get("alice")).contains(alice);
        assertThat(accounts.get("alice").orElseThrow().updatedAt()).isEqualTo(T0);
        assertThat(accounts.getForUpdate("alice")).contains(alice);
        assertThat(accounts.exists("alice")).isTrue();

        Account richer = new Account("alice", 43, T0.plusSeconds(1), List.of());
        assertThat(accounts.putIfAbsent("alice", richer)).isFalse();
        assertThat(accounts.get("alice")).contains(alice);
        accounts.put("alice", richer);
        assertThat(accounts.get("alice")).contains(richer);
        assertThat(accounts.putIfAbsent("bob", account("bob", 1))).isTrue();
        assertThat(accounts.count()).isEqualTo(2);

        assertThat(accounts.delete("alice")).isTrue();
        assertThat(accounts.delete("alice")).isFalse();
        assertThat(accounts.get("alice")).isEmpty();
        assertThat(accounts.exists("alice")).isFalse();
        assertThat(accounts.count()).isEqualTo(1);
    }

    @Test
    void scanPrefixStopsAtTheFirstKeyOutsideThePrefixAndHonoursLimit() {
        Repository<Account> accounts = open().repository(ACCOUNTS);
        // "user/" sorts right before "user0" ('/' is 0x2F, '0' is 0x30) and after "user".
        for (String key : List.of("user0", "user/b", "user", "user/a", "user/c", "use", "user/\u00e9", "v")) {
            accounts.put(key, account(key, key.length()));
        }

        assertThat(keys(accounts.scanPrefix("user/"))).containsExactly("user/a", "user/b", "user/c", "user/\u00e9");
        assertThat(keys(accounts.scanPrefix("user/", 2))).containsExactly("user/a", "user/b");
        assertThat(accounts.scanPrefix("user/", 0)).isEmpty();
        assertThat(keys(accounts.scanPrefix("user"))).containsExactly(
                "user", "user/a", "user/b", "user/c", "user/\u00e9", "user0");
        assertThat(accounts.scanPrefix("nobody")).isEmpty();
        assertThat(accounts.scanPrefix("zzz")).isEmpty();
        assertThat(accounts.scanPrefix("user/a").get(0).value()).isEqualTo(account("user/a", 6));

        assertThat(keys(accounts.list(100))).containsExactly(
                "use", "user", "user/a", "user/b", "user/c", "user/\u00e9", "user0", "v");
        assertThat(keys(accounts.list(3))).containsExactly("use", "user", "user/a");
        assertThat(accounts.count()).isEqualTo(8);
    }

    @Test
    void negativeLimitIsInvalid() {
        Repository<Account> accounts = open().repository(ACCOUNTS);
        for (var call : List.<Runnable>of(() -> accounts.list(-1), () -> accounts.scanPrefix("a", -1))) {
            StorageException e = catchThrowableOfType(StorageException.class, call::run);
            assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
            assertThat(e.context()).containsEntry("repository", "accounts").containsEntry("limit", -1);
        }
    }

    @Test
    void badKeysAreInvalidArguments() {
        Repository<Account> accounts = open().repository(ACCOUNTS);
        String tooLong = "k".repeat(JeRepository.MAX_KEY_BYTES + 1);
        // 512 two-byte characters are exactly 1024 bytes: allowed; one more byte is not.
        String longest = "\u00e9".repeat(JeRepository.MAX_KEY_BYTES / 2);
        accounts.put(longest, account("max", 1));
        assertThat(accounts.get(longest)).isPresent();

        List<Runnable> calls = List.of(
                () -> accounts.put("", account("x", 1)),
                () -> accounts.put(null, account("x", 1)),
                () -> accounts.get(""),
                () -> accounts.get(tooLong),
                () -> accounts.put(longest + "x", account("x", 1)),
                () -> accounts.delete(tooLong),
                () -> accounts.exists(null),
                () -> accounts.put("\ud800", account("lone surrogate", 1)),
                () -> accounts.scanPrefix(null),
                () -> accounts.put("ok", null));
        for (Runnable call : calls) {
            StorageException e = catchThrowableOfType(StorageException.class, call::run);
            assertThat(e).isNotNull();
            assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.context()).containsEntry("repository", "accounts");
        }
        assertThat(accounts.count()).isEqualTo(1);
    }

    @Test
    void repositoriesAreCachedPerNameAndTypeMismatchesAreRefused() {
        JeStorage storage = open();
        assertThat(storage.repository(ACCOUNTS)).isSameAs(storage.repository(ACCOUNTS));
        assertThat(storage.repository(new RepositoryDescriptor<>("accounts", Account.class)))
                .isSameAs(storage.repository(ACCOUNTS));

        StorageException e = catchThrowableOfType(StorageException.class,
                () -> storage.repository(new RepositoryDescriptor<>("accounts", Counter.class)));
        assertThat(e.category()).isEqualTo(Category.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("accounts", Account.class.getName(), Counter.class.getName());

        StorageException reserved = catchThrowableOfType(StorageException.class,
                () -> storage.repository(new RepositoryDescriptor<>(JeStorage.META_DATABASE, Note.class)));
        assertThat(reserved.category()).isEqualTo(Category.INVALID_ARGUMENT);
    }

    @Test
    void theSameClassFromANewClassLoaderTakesOverTheRepository() throws Exception {
        // What an updated bundle looks like: a class of the same name from another class loader.
        JeStorage storage = open();
        Repository<Memo> original = storage.repository(new RepositoryDescriptor<>("memos", Memo.class));
        original.put("m1", new Memo("first"));
        @SuppressWarnings("unchecked")
        Class<Object> reloaded = (Class<Object>) reload(Memo.class);
        assertThat(reloaded).isNotEqualTo(Memo.class);
        assertThat(reloaded.getName()).isEqualTo(Memo.class.getName());

        Repository<Object> updated = storage.repository(new RepositoryDescriptor<>("memos", reloaded));
        Object read = updated.get("m1").orElseThrow();
        assertThat(read).isInstanceOf(reloaded);
        assertThat(reloaded.getMethod("text").invoke(read)).isEqualTo("first");
        updated.put("m2", reloaded.getConstructor(String.class).newInstance("second"));
        assertThat(original.get("m2")).contains(new Memo("second"));
        assertThat(storage.repositoryStats()).singleElement()
                .satisfies(s -> assertThat(s.writes()).isEqualTo(2));
    }

    /** Loads {@code type} again in a class loader of its own (other classes come from the parent). */
    private static Class<?> reload(Class<?> type) throws ClassNotFoundException {
        ClassLoader parent = type.getClassLoader();
        ClassLoader loader = new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(type.getName())) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        try (var in = parent.getResourceAsStream(name.replace('.', '/') + ".class")) {
                            byte[] bytes = in.readAllBytes();
                            loaded = defineClass(name, bytes, 0, bytes.length);
                        } catch (IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    return loaded;
                }
            }
        };
        return loader.loadClass(type.getName());
    }

    @Test
    void undeserializableValuesAreSerializationErrorsNamingRepositoryAndKey() throws IOException {
        RepositoryDescriptor<Note> notes = new RepositoryDescriptor<>("things", Note.class);
        RepositoryDescriptor<Counter> counters = new RepositoryDescriptor<>("things", Counter.class);
        try (JeStorage storage = new JeStorage(TestStorageConfig.in(dir))) {
            storage.repository(notes).put("n1", new Note("not a number"));
        }
        // Raw bytes that are not JSON at all, written with JE directly.
        EnvironmentConfig envConfig = new EnvironmentConfig().setTransactional(true);
        Environment env = new Environment(dir.resolve("store").toFile(), envConfig);
        try (Database db = env.openDatabase(null, "things", new DatabaseConfig().setTransactional(true))) {
            db.put(null, new DatabaseEntry("raw".getBytes(StandardCharsets.UTF_8)),
                    new DatabaseEntry("{not json".getBytes(StandardCharsets.UTF_8)));
        } finally {
            env.close();
        }

        JeStorage storage = open();
        Repository<Counter> asCounters = storage.repository(counters);
        StorageException wrongShape = catchThrowableOfType(StorageException.class, () -> asCounters.get("n1"));
        assertThat(wrongShape.category()).isEqualTo(Category.SERIALIZATION);
        assertThat(wrongShape.code()).isEqualTo(ErrorCode.SERIALIZATION_FAILURE);
        assertThat(wrongShape.context()).containsEntry("repository", "things").containsEntry("key", "n1")
                .containsEntry("type", Counter.class.getName());

        StorageException notJson = catchThrowableOfType(StorageException.class, () -> asCounters.scanPrefix("r"));
        assertThat(notJson.category()).isEqualTo(Category.SERIALIZATION);
        assertThat(notJson.context()).containsEntry("repository", "things").containsEntry("key", "raw");
        // The records are still there; only their reading failed.
        assertThat(asCounters.exists("raw")).isTrue();
        assertThat(asCounters.count()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- transactions

    @Test
    void failedUnitOfWorkLeavesNothingAndRethrowsTheWorksOwnException() {
        JeStorage storage = open();
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        Repository<Account> ledger = storage.repository(LEDGER);
        accounts.put("existing", account("existing", 1));
        IllegalStateException boom = new IllegalStateException("boom");

        Throwable thrown = catchThrowableOfType(IllegalStateException.class, () -> storage.run(() -> {
            accounts.put("a1", account("a1", 1));
            ledger.put("l1", account("l1", 1));
            accounts.delete("existing");
            assertThat(accounts.get("a1")).isPresent();   // visible inside the transaction
            throw boom;
        }));

        assertThat(thrown).isSameAs(boom);
        assertThat(accounts.get("a1")).isEmpty();
        assertThat(ledger.get("l1")).isEmpty();
        assertThat(accounts.get("existing")).isPresent();
        assertThat(ledger.count()).isZero();
        assertThat(storage.stats().transactionsAborted()).isPositive();
    }

    @Test
    void checkedExceptionOfTheWorkIsWrappedAsFailureAndRollsBack() {
        JeStorage storage = open();
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        IOException io = new IOException("disk said no");

        StorageException e = catchThrowableOfType(StorageException.class, () -> storage.inTransaction(() -> {
            accounts.put("a1", account("a1", 1));
            throw io;
        }));

        assertThat(e.category()).isEqualTo(Category.FAILURE);
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_FAILURE);
        assertThat(e.getCause()).isSameAs(io);
        assertThat(accounts.exists("a1")).isFalse();
    }

    @Test
    void committedUnitOfWorkReturnsItsResultAndIsVisible() {
        JeStorage storage = open();
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        Repository<Account> ledger = storage.repository(LEDGER);

        long total = storage.inTransaction(() -> {
            accounts.put("a1", account("a1", 5));
            ledger.put("l1", account("l1", 7));
            return accounts.get("a1").orElseThrow().balance() + ledger.get("l1").orElseThrow().balance();
        });

        assertThat(total).isEqualTo(12);
        assertThat(accounts.get("a1")).contains(account("a1", 5));
        assertThat(ledger.get("l1")).contains(account("l1", 7));
    }

    @Test
    void nestedUnitOfWorkJoinsTheOuterTransaction() {
        JeStorage storage = open();
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        RuntimeException outerFailure = new RuntimeException("outer fails after the inner unit returned");

        Throwable thrown = catchThrowableOfType(RuntimeException.class, () -> storage.run(() -> {
            accounts.put("outer", account("outer", 1));
            String inner = storage.inTransaction(() -> {
                accounts.put("inner", account("inner", 2));
                return "inner done";
            });
            assertThat(inner).isEqualTo("inner done");
            assertThat(accounts.exists("inner")).isTrue();
            throw outerFailure;
        }));

        assertThat(thrown).isSameAs(outerFailure);
        assertThat(accounts.exists("inner")).as("the inner write is rolled back with the outer").isFalse();
        assertThat(accounts.exists("outer")).isFalse();

        storage.run(() -> {
            accounts.put("outer", account("outer", 1));
            storage.run(() -> accounts.put("inner", account("inner", 2)));
        });
        assertThat(keys(accounts.list(10))).containsExactly("inner", "outer");
    }

    @Test
    void conflictsThatOutlastTheRetriesFailWithStorageConflict() throws Exception {
        JeStorage storage = open(TestStorageConfig.in(dir).withLockTimeoutMs(50).withMaxRetries(2));
        Repository<Counter> counters = storage.repository(COUNTERS);
        counters.put("c", new Counter(0));
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService holder = Executors.newSingleThreadExecutor();
        try {
            // Another transaction holds the write lock on "c" until released.
            Future<?> holding = holder.submit(() -> storage.run(() -> {
                counters.put("c", new Counter(100));
                locked.countDown();
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            }));
            assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

            AtomicInteger attempts = new AtomicInteger();
            StorageException e = catchThrowableOfType(StorageException.class, () -> storage.run(() -> {
                attempts.incrementAndGet();
                counters.put("c", new Counter(1));
            }));
            assertThat(e.category()).isEqualTo(Category.CONFLICT);
            assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_CONFLICT);
            assertThat(e.context()).containsEntry("retries", 2).containsEntry("repository", "counters")
                    .containsEntry("key", "c");
            assertThat(attempts).hasValue(3);   // the first run and two retries

            // An auto-commit operation is retried the same way.
            StorageException single = catchThrowableOfType(StorageException.class, () -> counters.get("c"));
            assertThat(single.category()).isEqualTo(Category.CONFLICT);

            release.countDown();
            holding.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            holder.shutdown();
            assertThat(holder.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(counters.get("c")).contains(new Counter(100));
        assertThat(storage.stats().conflictRetries()).isGreaterThanOrEqualTo(4);
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void closeAndReopenKeepsEveryCommittedWrite() {
        TestStorageConfig config = TestStorageConfig.in(dir).withDurability(StorageConfig.Durability.NO_SYNC);
        try (JeStorage storage = new JeStorage(config)) {
            assertThat(storage.stats().previousShutdownClean()).as("a brand-new environment").isTrue();
            Repository<Account> accounts = storage.repository(ACCOUNTS);
            for (int i = 0; i < 100; i++) {
                accounts.put("k" + i, account("k" + i, i));
            }
            storage.run(() -> storage.repository(LEDGER).put("l", account("l", 1)));
            accounts.delete("k7");
        }

        JeStorage reopened = open(config);
        Repository<Account> accounts = reopened.repository(ACCOUNTS);
        assertThat(accounts.count()).isEqualTo(99);
        assertThat(accounts.get("k42")).contains(account("k42", 42));
        assertThat(accounts.exists("k7")).isFalse();
        assertThat(reopened.repository(LEDGER).get("l")).contains(account("l", 1));
        StorageStats stats = reopened.stats();
        assertThat(stats.previousShutdownClean()).isTrue();
        assertThat(stats.durability()).isEqualTo("NO_SYNC");
    }

    @Test
    void everyCallAfterCloseFailsWithClosed() {
        JeStorage storage = open();
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        accounts.put("a", account("a", 1));
        storage.close();
        storage.close();   // idempotent

        List<Runnable> calls = List.of(
                () -> accounts.get("a"),
                () -> accounts.getForUpdate("a"),
                () -> accounts.put("a", account("a", 2)),
                () -> accounts.putIfAbsent("b", account("b", 2)),
                () -> accounts.delete("a"),
                () -> accounts.exists("a"),
                () -> accounts.list(10),
                () -> accounts.scanPrefix("a"),
                () -> accounts.count(),
                () -> storage.repository(ACCOUNTS),
                () -> storage.repository(LEDGER),
                () -> storage.run(() -> { }),
                () -> storage.stats(),
                () -> storage.repositoryStats(),
                () -> storage.dataDirectory());
        for (Runnable call : calls) {
            StorageException e = catchThrowableOfType(StorageException.class, call::run);
            assertThat(e).isNotNull();
            assertThat(e.category()).isEqualTo(Category.CLOSED);
            assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_CLOSED);
        }
    }

    @Test
    void aDamagedLogFileIsReportedAsCorruption() throws IOException {
        // Fill more than one 10 MB log file: JE treats damage in the last file as the torn tail of
        // a crash and truncates it, but damage in an earlier file is caught by its checksums.
        RepositoryDescriptor<Note> notes = new RepositoryDescriptor<>("notes", Note.class);
        String bulk = "x".repeat(16 * 1024);
        try (JeStorage storage = new JeStorage(TestStorageConfig.in(dir).withDurability(StorageConfig.Durability.NO_SYNC))) {
            Repository<Note> repository = storage.repository(notes);
            storage.run(() -> {
                for (int i = 0; i < 800; i++) {
                    repository.put(String.format("n%04d", i), new Note(bulk));
                }
            });
        }
        assertThat(dir.resolve("store/00000001.jdb")).isRegularFile();
        Path first = dir.resolve("store/00000000.jdb");
        byte[] bytes = Files.readAllBytes(first);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
            bytes[i] ^= 0x5A;
        }
        Files.write(first, bytes);

        JeStorage storage = open();
        Repository<Note> repository = storage.repository(notes);
        StorageException e = catchThrowableOfType(StorageException.class, () -> repository.list(Integer.MAX_VALUE));
        assertThat(e).isNotNull();
        assertThat(e.category()).isEqualTo(Category.CORRUPTION);
        assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_CORRUPTED);
        assertThat(e.context()).containsEntry("repository", "notes").containsEntry("operation", "list");
        storage.close();

        // JE leaves a marker file behind, so the environment stays refused until restored.
        StorageException reopen = catchThrowableOfType(StorageException.class, this::open);
        assertThat(reopen).isNotNull();
        assertThat(reopen.category()).isEqualTo(Category.CORRUPTION);
        assertThat(reopen.context()).containsEntry("operation", "open");
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void invalidConfigurationNamesThePidAndTheKey() {
        TestStorageConfig valid = TestStorageConfig.in(dir);
        record Case(TestStorageConfig config, String key) {
        }
        List<Case> cases = List.of(
                new Case(valid.withCacheSizeMb(0), "cache_size_mb"),
                new Case(valid.withCacheSizeMb(1_000_000), "cache_size_mb"),
                new Case(valid.withMaxRetries(-1), "max_retries"),
                new Case(valid.withLockTimeoutMs(0), "lock_timeout_ms"),
                new Case(valid.withMaxDiskMb(-1), "max_disk_mb"),
                new Case(valid.withMaxDiskMb(1L << 31), "max_disk_mb"),
                new Case(valid.withFreeDiskMb(0), "free_disk_mb"),
                new Case(valid.withFreeDiskMb(-5), "free_disk_mb"),
                new Case(valid.withDataDir("  "), "data_dir"),
                new Case(valid.withDataDir(""), "data_dir"),
                new Case(valid.withDataDir("bad\u0000path"), "data_dir"),
                new Case(valid.withDurability(null), "durability"));
        for (Case c : cases) {
            StorageException e = catchThrowableOfType(StorageException.class, () -> new JeStorage(c.config()));
            assertThat(e).as(c.key()).isNotNull();
            assertThat(e.category()).isEqualTo(Category.CONFIGURATION);
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
            assertThat(e.getMessage()).contains("org.datafold.storage", c.key());
            assertThat(e.context()).containsEntry("pid", "org.datafold.storage").containsEntry("key", c.key());
        }
        assertThat(dir.resolve("store")).as("nothing was opened").doesNotExist();
    }

    @Test
    void theKeysOfEarlierReleasesAreStillReadWhereTheNewOnesAreAbsent() {
        Path old = dir.resolve("old-data");
        JeStorage storage = new JeStorage(TestStorageConfig.in(dir), Map.of("dataDir", old.toString(),
                "maxDiskMb", "5", "freeDiskMb", "2", "cacheSizeMb", "8"));
        opened.add(storage);

        assertThat(storage.dataDirectory()).isEqualTo(old);
        DiskSpace disk = storage.diskSpace();
        assertThat(disk.maxStoreBytes()).isEqualTo(5L << 20);
        assertThat(disk.keepFreeBytes()).isEqualTo(2L << 20);
    }

    @Test
    void aNewKeyWinsOverItsOldName() {
        // Declarative Services built the configuration from free_disk_mb = 3; the old name is ignored.
        JeStorage storage = new JeStorage(TestStorageConfig.in(dir).withFreeDiskMb(3),
                Map.of("freeDiskMb", "2", "free_disk_mb", "3"));
        opened.add(storage);

        assertThat(storage.diskSpace().keepFreeBytes()).isEqualTo(3L << 20);
    }

    @Test
    void anOldKeyWithAValueOfTheWrongTypeNamesBothKeys() {
        assertThatThrownBy(() -> new JeStorage(TestStorageConfig.in(dir), Map.of("maxDiskMb", "plenty")))
                .hasMessageContaining("org.datafold.storage").hasMessageContaining("maxDiskMb (now max_disk_mb)");
        assertThat(dir.resolve("store")).as("nothing was opened").doesNotExist();
    }

    @Test
    void relativeDataDirResolvesAgainstDatafoldHome() {
        String previous = System.getProperty("datafold.home");
        System.setProperty("datafold.home", dir.toString());
        try {
            JeStorage storage = open(TestStorageConfig.in(dir).withDataDir("node-data"));
            assertThat(storage.dataDirectory()).isEqualTo(dir.resolve("node-data").toAbsolutePath());
            assertThat(storage.stats().dataDirectory()).isEqualTo(dir.resolve("node-data").toAbsolutePath().toString());
            assertThat(dir.resolve("node-data/store/00000000.jdb")).isRegularFile();
        } finally {
            if (previous == null) {
                System.clearProperty("datafold.home");
            } else {
                System.setProperty("datafold.home", previous);
            }
        }
    }

    @Test
    void theSameDirectoryCannotBeOpenedTwiceInOneJvm() {
        JeStorage first = open();
        first.repository(ACCOUNTS).put("a", account("a", 1));

        StorageException e = catchThrowableOfType(StorageException.class, this::open);
        assertThat(e.category()).isEqualTo(Category.FAILURE);
        assertThat(e.getMessage()).contains("already open");
        assertThat(first.repository(ACCOUNTS).get("a")).contains(account("a", 1));

        first.close();
        JeStorage second = open();
        assertThat(second.repository(ACCOUNTS).get("a")).contains(account("a", 1));
        assertThat(second.stats().previousShutdownClean()).isTrue();
    }

    // ---------------------------------------------------------------- statistics

    @Test
    void diskSpaceShowsTheFileSystemTheStoreAndTheLimits() throws IOException {
        JeStorage storage = open(TestStorageConfig.in(dir).withMaxDiskMb(2048).withFreeDiskMb(512));
        storage.repository(ACCOUNTS).put("a", account("a", 1));

        DiskSpace disk = storage.diskSpace();
        assertThat(disk.dataDirectory()).isEqualTo(dir.toAbsolutePath().toString());
        assertThat(disk.totalBytes()).isEqualTo(Files.getFileStore(dir).getTotalSpace());
        assertThat(disk.freeBytes()).isPositive().isLessThanOrEqualTo(disk.totalBytes());
        assertThat(disk.storeBytes()).isPositive().isEqualTo(storage.stats().logSizeBytes());
        assertThat(disk.maxStoreBytes()).isEqualTo(2048L * 1024 * 1024);
        assertThat(disk.keepFreeBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(disk.limitReached()).isFalse();
    }

    @Test
    void statisticsCountOperationsPerRepository() {
        JeStorage storage = open();
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        Repository<Counter> counters = storage.repository(COUNTERS);
        for (int i = 0; i < 5; i++) {
            accounts.put("a" + i, account("a" + i, i));
        }
        accounts.delete("a0");
        accounts.delete("missing");
        accounts.get("a1");
        accounts.scanPrefix("a");
        counters.put("c", new Counter(1));

        List<RepositoryStats> stats = storage.repositoryStats();
        assertThat(stats).extracting(RepositoryStats::name).containsExactly("accounts", "counters");
        RepositoryStats accountStats = stats.get(0);
        assertThat(accountStats.records()).isEqualTo(4);
        assertThat(accountStats.writes()).isEqualTo(5);
        assertThat(accountStats.deletes()).isEqualTo(1);
        assertThat(accountStats.reads()).isEqualTo(2);
        assertThat(accountStats.bytesWritten()).isGreaterThan(5 * 20);
        assertThat(stats.get(1)).isEqualTo(new RepositoryStats("counters", 1, 0, 1, 0,
                "c".length() + "{\"value\":1}".length()));

        StorageStats env = storage.stats();
        assertThat(env.transactionsCommitted()).isGreaterThanOrEqualTo(9);
        assertThat(env.cacheSizeBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(env.cacheUsedBytes()).isPositive();
        assertThat(env.logSizeBytes()).isPositive();
        assertThat(env.logFiles()).isGreaterThanOrEqualTo(1);
        assertThat(env.durability()).isEqualTo("SYNC");
        assertThat(env.openedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(env.conflictRetries()).isZero();
    }
}
