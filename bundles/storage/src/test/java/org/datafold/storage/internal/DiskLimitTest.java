package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.datafold.api.ErrorCode;
import org.datafold.storage.api.DiskSpace;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.internal.TestRecords.Note;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sleepycat.je.DiskLimitException;

/**
 * Writes refused by the disk limits, through real JE files: a store filled up to its size limit
 * ({@code max_disk_mb}), and a small tmpfs file system filled up completely. Writes fail with
 * {@code DISK_FULL}, reads go on, nothing acknowledged is lost, the store reopens on a full disk,
 * and writes succeed again once there is room.
 */
class DiskLimitTest {

    private static final long MIB = 1024L * 1024L;
    private static final RepositoryDescriptor<Note> NOTES = new RepositoryDescriptor<>("notes", Note.class);
    /** Each record is about 16 KiB of JSON. */
    private static final String BULK = "x".repeat(16 * 1024);
    /** The most records written to reach a limit: 64 MiB of them, far above the limits used here. */
    private static final int MAX_RECORDS = 4096;

    @TempDir
    Path dir;

    /** The records written until the first refusal, each acknowledged by a committed unit of work. */
    private record Filled(List<String> acknowledged, StorageException refusal) {
    }

    /** Writes records of about 16 KiB, each in a unit of work of its own, until one is refused. */
    private static Filled fill(Repository<Note> notes) {
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < MAX_RECORDS; i++) {
            String key = key(i);
            try {
                notes.put(key, note(key));
            } catch (StorageException e) {
                return new Filled(acknowledged, e);
            }
            acknowledged.add(key);
        }
        throw new AssertionError("no write was refused after " + MAX_RECORDS + " records of 16 KiB");
    }

    private static String key(int i) {
        return String.format("n%05d", i);
    }

    private static Note note(String key) {
        return new Note(key + ":" + BULK);
    }

    private static void assertDiskFull(Runnable write) {
        StorageException e = catchThrowableOfType(StorageException.class, write::run);
        assertThat(e).as("the write is refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(e.category()).isEqualTo(Category.DISK_FULL);
    }

    private static void assertEveryAcknowledgedWriteIsThere(Repository<Note> notes, List<String> acknowledged) {
        for (String key : acknowledged) {
            assertThat(notes.get(key)).as(key).contains(note(key));
        }
    }

    @Test
    void aStoreAtItsSizeLimitRefusesWritesKeepsReadingAndWritesAgainOnceTheLimitIsRaised() {
        TestStorageConfig limited = TestStorageConfig.in(dir).withMaxDiskMb(16);
        List<String> acknowledged;
        try (JeStorage storage = new JeStorage(limited)) {
            Repository<Note> notes = storage.repository(NOTES);
            Filled filled = fill(notes);
            acknowledged = filled.acknowledged();
            assertThat(acknowledged).hasSizeGreaterThan(100);

            StorageException refused = filled.refusal();
            assertThat(refused.code()).isEqualTo(ErrorCode.DISK_FULL);
            assertThat(refused.category()).isEqualTo(Category.DISK_FULL);
            assertThat(refused.getCause()).isInstanceOf(DiskLimitException.class);
            assertThat(refused.getMessage()).startsWith("put refused: the store takes ")
                    .contains("may take at most 16.0 MiB", "org.datafold.storage: max_disk_mb", "reads go on");
            assertThat(refused.context()).containsEntry("repository", "notes").containsEntry("operation", "put")
                    .containsEntry("key", key(acknowledged.size())).containsEntry("maxDiskMb", 16L)
                    .containsEntry("freeDiskMb", 1024L).containsKeys("freeBytes", "storeBytes");
            assertThat((Long) refused.context().get("storeBytes")).isGreaterThanOrEqualTo(16 * MIB);

            // Every kind of write is refused; a unit of work as a whole.
            assertDiskFull(() -> notes.put("more", note("more")));
            assertDiskFull(() -> notes.putIfAbsent("more", note("more")));
            assertDiskFull(() -> notes.delete(acknowledged.get(0)));
            assertDiskFull(() -> storage.run(() -> {
                notes.put("unit-a", note("unit-a"));
                notes.put("unit-b", note("unit-b"));
            }));

            // The environment stays valid: reads go on, and every acknowledged write is there.
            assertThat(notes.exists("unit-a")).isFalse();
            assertThat(notes.exists("more")).isFalse();
            assertThat(notes.count()).isEqualTo(acknowledged.size());
            assertThat(notes.scanPrefix("n")).hasSize(acknowledged.size());
            assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
            assertThat(storage.repository(new RepositoryDescriptor<>("other", Note.class)).count()).isZero();

            DiskSpace disk = storage.diskSpace();
            assertThat(disk.limitReached()).isTrue();
            assertThat(disk.maxStoreBytes()).isEqualTo(16 * MIB);
            assertThat(disk.keepFreeBytes()).isEqualTo(1024 * MIB);
            assertThat(disk.storeBytes()).isGreaterThanOrEqualTo(16 * MIB);
            assertThat(disk.dataDirectory()).isEqualTo(dir.toAbsolutePath().toString());
            assertThat(storage.stats().logSizeBytes()).isEqualTo(disk.storeBytes());
        }

        // A restart with the limit still reached: the store opens, reads, and refuses writes.
        try (JeStorage storage = new JeStorage(limited)) {
            Repository<Note> notes = storage.repository(NOTES);
            assertThat(storage.diskSpace().limitReached()).isTrue();
            assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
            assertDiskFull(() -> notes.put("more", note("more")));
        }

        // A raised limit (a changed configuration re-activates the component: close, then open).
        try (JeStorage storage = new JeStorage(limited.withMaxDiskMb(64))) {
            assertThat(storage.stats().previousShutdownClean())
                    .as("a store closed at its limit cannot record the clean shutdown").isFalse();
            Repository<Note> notes = storage.repository(NOTES);
            assertThat(storage.diskSpace().limitReached()).isFalse();
            notes.put("more", note("more"));
            assertThat(notes.get("more")).contains(note("more"));
            assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
            assertThat(notes.count()).isEqualTo(acknowledged.size() + 1);
        }
        try (JeStorage storage = new JeStorage(limited.withMaxDiskMb(64))) {
            assertThat(storage.stats().previousShutdownClean()).isTrue();
        }
        assertThat(StoreVerifier.verify(dir.resolve("store"))).contains("notes", "other", JeStorage.META_DATABASE);
    }

    @Test
    void aFullFileSystemRefusesWritesKeepsReadingAndWritesAgainOnceSpaceIsFreed() throws Exception {
        Path mount = Tmpfs.mount(dir, 48);
        try {
            Path other = mount.resolve("other");
            Path rest = mount.resolve("rest");
            Path dataDir = mount.resolve("data");
            try (JeStorage storage = new JeStorage(TestStorageConfig.in(dataDir).withFreeDiskMb(8))) {
                Repository<Note> notes = storage.repository(NOTES);
                // Another file takes a third of the disk; the store fills the rest, keeping 8 MiB free.
                Files.write(other, new byte[(int) (16 * MIB)]);
                Filled filled = fill(notes);
                List<String> acknowledged = new ArrayList<>(filled.acknowledged());
                assertThat(acknowledged).hasSizeGreaterThan(100);
                StorageException refused = filled.refusal();
                assertThat(refused.code()).isEqualTo(ErrorCode.DISK_FULL);
                assertThat(refused.getMessage()).startsWith("put refused: the data disk has ")
                        .contains("the storage keeps 8.0 MiB free", "org.datafold.storage: free_disk_mb");
                assertThat(refused.context()).containsEntry("freeDiskMb", 8L).containsEntry("maxDiskMb", 0L);
                assertThat((Long) refused.context().get("freeBytes")).isLessThanOrEqualTo(8 * MIB);

                // Something else fills the file system up completely: the store stays usable.
                fillUp(rest);
                assertThat(Files.getFileStore(mount).getUsableSpace()).isZero();
                assertDiskFull(() -> notes.put("more", note("more")));
                assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
                DiskSpace disk = storage.diskSpace();
                assertThat(disk.limitReached()).isTrue();
                assertThat(disk.readOnly()).isFalse();
                assertThat(disk.freeBytes()).isZero();
                assertThat(disk.totalBytes()).isEqualTo(48 * MIB);

                // Space is freed: once the storage has seen it, writes go through, without a restart.
                Files.delete(rest);
                Files.delete(other);
                await("the storage sees the freed space").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100)).until(() -> !storage.diskSpace().limitReached());
                notes.put("more", note("more"));
                acknowledged.add("more");
                assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
                assertThat(notes.count()).isEqualTo(acknowledged.size());
            }
            assertThat(StoreVerifier.verify(dataDir.resolve("store"))).contains("notes");
        } finally {
            Tmpfs.unmount(mount);
        }
    }

    @Test
    void aRestartOnACompletelyFullFileSystemOpensTheStoreReadsAndRefusesWrites() throws Exception {
        Path mount = Tmpfs.mount(dir, 48);
        try {
            Path other = mount.resolve("other");
            Path rest = mount.resolve("rest");
            Path dataDir = mount.resolve("data");
            TestStorageConfig config = TestStorageConfig.in(dataDir).withFreeDiskMb(8);
            List<String> acknowledged;
            try (JeStorage storage = new JeStorage(config)) {
                Files.write(other, new byte[(int) (16 * MIB)]);
                acknowledged = fill(storage.repository(NOTES)).acknowledged();
                fillUp(rest);
            }
            // Closed at the limit, the store needs recovery, and the file system has no byte free:
            // JE may have no room for what recovery writes, and then the store opens read-only.
            try (JeStorage storage = new JeStorage(config)) {
                Repository<Note> notes = storage.repository(NOTES);
                assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
                assertThat(notes.count()).isEqualTo(acknowledged.size());
                DiskSpace disk = storage.diskSpace();
                assertThat(disk.limitReached()).isTrue();
                assertThat(disk.storeBytes()).isPositive().isEqualTo(storage.stats().logSizeBytes());
                assertThat(storage.stats().previousShutdownClean()).isFalse();
                StorageException refused = catchThrowableOfType(StorageException.class,
                        () -> notes.put("more", note("more")));
                assertThat(refused.code()).isEqualTo(ErrorCode.DISK_FULL);
                StorageException newRepository = catchThrowableOfType(StorageException.class,
                        () -> storage.repository(new RepositoryDescriptor<>("other", Note.class)).put("k", note("k")));
                assertThat(newRepository.code()).isEqualTo(ErrorCode.DISK_FULL);
                if (disk.readOnly()) {
                    assertThat(refused.getMessage()).contains("the store is open read-only", "then restart the node");
                    assertThat(refused.context()).containsEntry("readOnly", true);
                }
            }
            // Restarted with space freed, the store writes again and has lost nothing.
            Files.delete(rest);
            Files.delete(other);
            try (JeStorage storage = new JeStorage(config)) {
                Repository<Note> notes = storage.repository(NOTES);
                assertThat(storage.diskSpace()).satisfies(disk -> {
                    assertThat(disk.limitReached()).isFalse();
                    assertThat(disk.readOnly()).isFalse();
                });
                notes.put("more", note("more"));
                assertThat(notes.get("more")).contains(note("more"));
                assertEveryAcknowledgedWriteIsThere(notes, acknowledged);
            }
            assertThat(StoreVerifier.verify(dataDir.resolve("store"))).contains("notes");
        } finally {
            Tmpfs.unmount(mount);
        }
    }

    @Test
    void aRefusalOutsideTheStorageContextIsStillDiskFull() {
        StorageException e = StorageErrors.translate(new DiskLimitException(null, "Disk usage is not within "
                + "je.maxDisk or je.freeDisk limits"), false, Map.of("operation", "put"));
        assertThat(e.code()).isEqualTo(ErrorCode.DISK_FULL);
        assertThat(e.getMessage()).startsWith("put refused: the data disk is full or the store reached its size limit");
    }

    /** Appends to {@code file} until the file system has no room left. */
    private static void fillUp(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            for (long written = 0; written < 1024 * MIB; written += block.length) {
                out.write(block);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
            // What is left is less than a block; take it byte by byte.
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (int i = 0; i < block.length; i++) {
                    out.write(0);
                    out.flush();
                }
            } catch (IOException full) {
                return;
            }
        }
        throw new AssertionError("the file system did not fill up");
    }

    /** A size-limited tmpfs mounted by the test itself; the test is skipped where mounting is not permitted. */
    private static final class Tmpfs {

        private Tmpfs() {
        }

        /** Mounts a tmpfs of {@code sizeMb} MiB on a new folder in {@code parent}; returns that folder. */
        static Path mount(Path parent, int sizeMb) throws IOException, InterruptedException {
            assumeTrue(System.getProperty("os.name").startsWith("Linux"), "a tmpfs needs Linux");
            Path at = Files.createDirectories(parent.resolve("tmpfs"));
            Result mounted = run("mount", "-t", "tmpfs", "-o", "size=" + sizeMb + "m", "tmpfs", at.toString());
            assumeTrue(mounted.exit() == 0, "mounting a tmpfs is not permitted here (needs root): " + mounted.output());
            return at;
        }

        static void unmount(Path at) throws IOException, InterruptedException {
            Result unmounted = run("umount", at.toString());
            assertThat(unmounted.exit()).as("umount %s: %s", at, unmounted.output()).isZero();
        }

        private record Result(int exit, String output) {
        }

        private static Result run(String... command) throws IOException, InterruptedException {
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                return new Result(-1, e.toString());
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command[0]).isTrue();
            return new Result(process.exitValue(), output);
        }
    }
}
