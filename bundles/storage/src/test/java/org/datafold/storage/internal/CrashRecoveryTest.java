package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.datafold.storage.internal.TestRecords.ACCOUNTS;
import static org.datafold.storage.internal.TestRecords.COUNTERS;
import static org.datafold.storage.internal.TestRecords.LEDGER;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.datafold.storage.api.Repository;
import org.datafold.storage.api.Repository.Entry;
import org.datafold.storage.internal.TestRecords.Account;
import org.datafold.storage.internal.TestRecords.Counter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing JVM with SIGKILL and checks that recovery keeps every transaction it reported
 * committed, applies no transaction halfway and leaves a verifiable environment.
 */
class CrashRecoveryTest {

    private static final int COMMITS_BEFORE_KILL = 200;

    @TempDir
    Path dir;

    @Test
    void killedWriterLosesNoCommittedTransactionAndLeavesNoneHalfway() throws Exception {
        Path dataDir = dir.resolve("data");
        Path childLog = dir.resolve("writer.log");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp", System.getProperty("java.class.path"),
                CrashWriterMain.class.getName(),
                dataDir.toString())
                .redirectError(childLog.toFile())
                .start();

        AtomicLong lastReported = new AtomicLong(-1);
        AtomicReference<IOException> readFailure = new AtomicReference<>();
        CountDownLatch enough = new CountDownLatch(COMMITS_BEFORE_KILL);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = child.inputReader()) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("committed ")) {
                        lastReported.set(Long.parseLong(line.substring("committed ".length())));
                        enough.countDown();
                    }
                }
            } catch (IOException e) {
                readFailure.set(e);
            }
        }, "writer-stdout");
        reader.start();
        try {
            assertThat(enough.await(60, TimeUnit.SECONDS))
                    .as("the writer reports %d commits; its log:%n%s", COMMITS_BEFORE_KILL, log(childLog))
                    .isTrue();
        } finally {
            // SIGKILL: no shutdown hook, no close(). Process.destroyForcibly() would also close our
            // end of the pipe, losing the lines still in it; the handle only sends the signal.
            child.toHandle().destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the writer died").isTrue();
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(reader.isAlive()).as("stdout drained to EOF").isFalse();
        assertThat(readFailure.get()).isNull();
        assertThat(child.exitValue()).as("killed by signal 9").isEqualTo(128 + 9);
        long last = lastReported.get();
        assertThat(last).isGreaterThanOrEqualTo(COMMITS_BEFORE_KILL - 1);

        Path storeDir = dataDir.resolve("store");
        verifyWithJe(storeDir);

        try (JeStorage storage = new JeStorage(TestStorageConfig.in(dataDir))) {
            assertThat(storage.stats().previousShutdownClean()).isFalse();
            Repository<Account> accounts = storage.repository(ACCOUNTS);
            Repository<Account> ledger = storage.repository(LEDGER);
            long counter = storage.repository(COUNTERS).get("txns").map(Counter::value).orElse(0L);

            List<String> accountKeys = accounts.list(Integer.MAX_VALUE).stream().map(Entry::key).toList();
            List<String> ledgerKeys = ledger.list(Integer.MAX_VALUE).stream().map(Entry::key).toList();
            // No transaction is applied in part: the same transactions reached both repositories
            // and the counter, and they are exactly 0..counter-1.
            assertThat(ledgerKeys).isEqualTo(accountKeys);
            assertThat(accountKeys).hasSize((int) counter);
            for (int i = 0; i < counter; i++) {
                assertThat(accountKeys.get(i)).isEqualTo(CrashWriterMain.key(i));
            }
            // Every transaction reported committed survived; at most one more (committed but
            // killed before it was reported) may have too.
            assertThat(counter).isBetween(last + 1, last + 2);
            assertThat(accounts.get(CrashWriterMain.key(last))).contains(CrashWriterMain.entry("account", last));
            assertThat(ledger.get(CrashWriterMain.key(last))).contains(CrashWriterMain.entry("ledger", last));
        }

        try (JeStorage storage = new JeStorage(TestStorageConfig.in(dataDir))) {
            assertThat(storage.stats().previousShutdownClean()).as("after a clean close").isTrue();
        }
        verifyWithJe(storeDir);
    }

    /** JE's verifiers, and the repositories the writer wrote are all there. */
    private static void verifyWithJe(Path storeDir) {
        assertThat(StoreVerifier.verify(storeDir)).contains("accounts", "ledger", "counters", JeStorage.META_DATABASE);
    }

    private static String log(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
