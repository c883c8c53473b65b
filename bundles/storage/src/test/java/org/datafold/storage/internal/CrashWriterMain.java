package org.datafold.storage.internal;

import static org.datafold.storage.internal.TestRecords.ACCOUNTS;
import static org.datafold.storage.internal.TestRecords.COUNTERS;
import static org.datafold.storage.internal.TestRecords.LEDGER;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.datafold.storage.api.Repository;
import org.datafold.storage.internal.TestRecords.Account;
import org.datafold.storage.internal.TestRecords.Counter;

/**
 * The child process of {@link CrashRecoveryTest}: opens a storage with SYNC durability in the
 * directory given as argument and commits transactions until it is killed. Transaction {@code i}
 * writes {@code accounts/<i>} and {@code ledger/<i>} and increments the counter {@code txns};
 * after each commit it prints {@code committed <i>}.
 */
public final class CrashWriterMain {

    /** The longest a writer runs if nobody kills it. */
    private static final long MAX_RUN_NANOS = TimeUnit.MINUTES.toNanos(2);

    private CrashWriterMain() {
    }

    static String key(long i) {
        return String.format("%08d", i);
    }

    static Account entry(String kind, long i) {
        return new Account(kind + "-" + i, i, Instant.ofEpochSecond(1_700_000_000L + i), List.of(kind));
    }

    public static void main(String[] args) {
        // The parent holds our stdin open; if it dies, stdin reaches EOF and the writer stops.
        Thread orphanWatch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is sent; wait for EOF
                }
            } catch (IOException e) {
                // treat like EOF
            }
            Runtime.getRuntime().halt(3);
        }, "orphan-watch");
        orphanWatch.setDaemon(true);
        orphanWatch.start();

        JeStorage storage = new JeStorage(TestStorageConfig.in(Path.of(args[0]))
                .withDurability(StorageConfig.Durability.SYNC));
        Repository<Account> accounts = storage.repository(ACCOUNTS);
        Repository<Account> ledger = storage.repository(LEDGER);
        Repository<Counter> counters = storage.repository(COUNTERS);
        long deadline = System.nanoTime() + MAX_RUN_NANOS;
        for (long i = 0; System.nanoTime() < deadline; i++) {
            long n = i;
            storage.run(() -> {
                accounts.put(key(n), entry("account", n));
                ledger.put(key(n), entry("ledger", n));
                counters.put("txns", counters.getForUpdate("txns").orElse(new Counter(0)).increment());
            });
            System.out.println("committed " + n);
            System.out.flush();
        }
        storage.close();
    }
}
