package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.datafold.storage.api.BackupReport;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.internal.TestRecords.Account;
import org.datafold.storage.internal.backup.BackupManifest;
import org.datafold.storage.internal.backup.Restore;
import org.datafold.storage.internal.backup.Restore.RestoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupTest {

    @TempDir
    Path dir;

    private final List<JeStorage> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(JeStorage::close);
    }

    private JeStorage open(Path data) {
        JeStorage storage = new JeStorage(TestStorageConfig.in(data));
        opened.add(storage);
        return storage;
    }

    private static void write(JeStorage storage, int from, int to) {
        Repository<Account> accounts = storage.repository(TestRecords.ACCOUNTS);
        storage.run(() -> {
            for (int i = from; i < to; i++) {
                accounts.put(key(i), new Account("owner-" + i, i, Instant.EPOCH.plusSeconds(i), List.of("t" + i)));
            }
        });
    }

    private static String key(int i) {
        return String.format("acct-%06d", i);
    }

    private static String restore(Path backup, Path data) throws RestoreException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Restore.restore(backup, data, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aBackupRestoresTheDataAndThePrivateFilesWithMode0600() throws Exception {
        Path data = dir.resolve("data");
        JeStorage storage = open(data);
        write(storage, 0, 500);
        Files.write(data.resolve("owner.key"), new byte[] { 1, 2, 3 });
        Files.writeString(data.resolve("owner.pub"), "ed25519:abc\n");
        Files.createDirectories(data.resolve("scratch"));
        List<String> progress = new ArrayList<>();

        BackupReport report = new JeBackups(storage).backup(dir.resolve("backup"),
                (done, total, file) -> progress.add(done + "/" + total));

        assertThat(report.filesCopied()).isEqualTo(report.files()).isGreaterThanOrEqualTo(3);
        assertThat(report.incremental()).isFalse();
        assertThat(report.privateFiles()).containsExactly("owner.key", "owner.pub");
        assertThat(report.skipped()).containsExactly("scratch");
        assertThat(progress).last().isEqualTo(report.bytes() + "/" + report.bytes());
        Path backup = dir.resolve("backup");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.resolve("owner.key"))))
                .isEqualTo("rw-------");
        BackupManifest manifest = BackupManifest.readFrom(backup);
        assertThat(manifest.verify(backup, 10)).isEmpty();
        write(storage, 500, 600); // after the backup: not in it

        Path restored = dir.resolve("restored");
        String printed = restore(backup, restored);

        assertThat(printed).contains("store verified by JE").contains("restored " + report.files() + " files");
        assertThat(Files.readAllBytes(restored.resolve("owner.key"))).containsExactly(1, 2, 3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(restored.resolve("owner.key"))))
                .isEqualTo("rw-------");
        assertThat(Files.exists(restored.resolve("MANIFEST"))).isFalse();
        StoreVerifier.verify(restored.resolve("store"));
        JeStorage copy = open(restored);
        Repository<Account> accounts = copy.repository(TestRecords.ACCOUNTS);
        Repository<Account> original = storage.repository(TestRecords.ACCOUNTS);
        assertThat(accounts.count()).isEqualTo(500);
        for (int i = 0; i < 500; i++) {
            assertThat(accounts.get(key(i))).isEqualTo(original.get(key(i)));
        }
        assertThat(accounts.exists(key(500))).isFalse();
    }

    @Test
    void aSecondBackupIntoTheSameFolderCopiesOnlyTheNewFiles() throws Exception {
        Path data = dir.resolve("data");
        JeStorage storage = open(data);
        JeBackups backups = new JeBackups(storage);
        write(storage, 0, 300);
        Path backup = dir.resolve("backup");
        BackupReport first = backups.backup(backup, null);
        write(storage, 300, 400);

        BackupReport second = backups.backup(backup, null);

        assertThat(second.incremental()).isTrue();
        assertThat(second.filesCopied()).isLessThan(second.files());
        assertThat(second.bytesCopied()).isLessThan(second.bytes());
        assertThat(second.lastLogFile()).isGreaterThan(first.lastLogFile());
        assertThat(BackupManifest.readFrom(backup).verify(backup, 10)).isEmpty();
        try (Stream<Path> files = Files.list(backup.resolve("store"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"))
                    .hasSize((int) BackupManifest.readFrom(backup).entries().stream().filter(e -> e.logFile()).count());
        }
        restore(backup, dir.resolve("restored"));
        assertThat(open(dir.resolve("restored")).repository(TestRecords.ACCOUNTS).count()).isEqualTo(400);
    }

    @Test
    void aDamagedOrIncompleteBackupIsRefusedAndNothingIsRestored() throws Exception {
        Path data = dir.resolve("data");
        JeStorage storage = open(data);
        write(storage, 0, 200);
        Path backup = dir.resolve("backup");
        new JeBackups(storage).backup(backup, null);
        Path target = dir.resolve("restored");
        Path log = backup.resolve("store/00000000.jdb");
        byte[] original = Files.readAllBytes(log);

        byte[] damaged = original.clone();
        damaged[damaged.length / 2] ^= 0x40;
        Files.write(log, damaged);
        assertThatThrownBy(() -> restore(backup, target)).isInstanceOf(RestoreException.class)
                .hasMessageContaining("store/00000000.jdb: checksum mismatch (damaged)");

        Files.write(log, original, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        Files.write(log, java.util.Arrays.copyOf(original, original.length - 10));
        assertThatThrownBy(() -> restore(backup, target)).hasMessageContaining("the manifest says " + original.length);

        Files.delete(log);
        assertThatThrownBy(() -> restore(backup, target)).hasMessageContaining("store/00000000.jdb: missing");
        Files.write(log, original);

        Path manifest = backup.resolve("MANIFEST");
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.substring(0, text.length() / 2));
        assertThatThrownBy(() -> restore(backup, target)).hasMessageContaining("truncated");
        Files.writeString(manifest, text.replace("datafold-backup 1", "datafold-backup 2"));
        assertThatThrownBy(() -> restore(backup, target))
                .hasMessageContaining("line 1: backup format version 2 is not supported");
        Files.writeString(manifest, text.replace("created 2", "created 1"));
        assertThatThrownBy(() -> restore(backup, target)).hasMessageContaining("checksum does not match");
        Files.delete(manifest);
        assertThatThrownBy(() -> restore(backup, target)).hasMessageContaining("no MANIFEST");

        assertThat(Files.exists(target)).isFalse();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("data", "backup");
        }
        Files.writeString(manifest, text);
        restore(backup, target);
        assertThat(open(target).repository(TestRecords.ACCOUNTS).count()).isEqualTo(200);
    }

    @Test
    void aRestoreNeverWritesIntoADataDirectoryThatHoldsSomething() throws Exception {
        JeStorage storage = open(dir.resolve("data"));
        write(storage, 0, 10);
        Path backup = dir.resolve("backup");
        new JeBackups(storage).backup(backup, null);
        Path target = Files.createDirectories(dir.resolve("restored"));
        Files.writeString(target.resolve("keep.txt"), "mine");

        assertThatThrownBy(() -> restore(backup, target)).hasMessageContaining("is not empty");

        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("mine");
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files).hasSize(1);
        }
        Files.delete(target.resolve("keep.txt"));
        restore(backup, target); // an empty folder is fine
        assertThat(Files.isDirectory(target.resolve("store"))).isTrue();
    }

    @Test
    void unusableBackupFoldersAreRefused() throws Exception {
        Path data = dir.resolve("data");
        JeStorage storage = open(data);
        JeBackups backups = new JeBackups(storage);
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "x");

        assertThatThrownBy(() -> backups.backup(other, null)).isInstanceOf(StorageException.class)
                .hasMessageContaining("neither empty nor a backup folder");
        assertThatThrownBy(() -> backups.backup(data.resolve("bk"), null))
                .hasMessageContaining("must be outside the data directory");
        assertThatThrownBy(() -> backups.backup(dir, null)).hasMessageContaining("must be outside the data directory");
        assertThat(Files.readString(other.resolve("notes.txt"))).isEqualTo("x");
        storage.close();
        assertThatThrownBy(() -> backups.backup(dir.resolve("late"), null)).isInstanceOf(StorageException.class)
                .hasMessageContaining("closed");
    }
}
