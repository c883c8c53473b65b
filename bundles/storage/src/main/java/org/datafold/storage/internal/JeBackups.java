package org.datafold.storage.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import org.datafold.storage.api.BackupReport;
import org.datafold.storage.api.Backups;
import org.datafold.storage.api.Storage;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.internal.backup.BackupManifest;
import org.datafold.storage.internal.backup.BackupManifest.Entry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sleepycat.je.Environment;
import com.sleepycat.je.util.DbBackup;

/**
 * Online backups with JE's {@link DbBackup}: {@code startBackup} closes the current log file and
 * protects the files of the snapshot from the cleaner, each is copied (hashed as it is copied) and
 * released at once, then the manifest is written atomically; files of the environment never change
 * once closed, so a file an earlier backup in the same folder holds with the same size is kept.
 * One backup runs at a time.
 */
@Component(service = Backups.class)
public final class JeBackups implements Backups {

    private static final Logger LOG = LoggerFactory.getLogger(JeBackups.class);
    private static final String PART = ".part";
    /** Stores smaller than this are backed up without progress reports in the log. */
    private static final long LOG_PROGRESS_ABOVE = 64L << 20;

    private final JeStorage storage;
    private final ReentrantLock running = new ReentrantLock();

    @Activate
    public JeBackups(@Reference Storage storage) {
        if (!(storage instanceof JeStorage je)) {
            throw new IllegalArgumentException("backups need the JE storage of this bundle, not " + storage.getClass());
        }
        this.storage = je;
    }

    @Override
    public BackupReport backup(Path target, Progress progress) {
        if (target == null) {
            throw invalid("no backup folder given", "");
        }
        Path folder = target.toAbsolutePath().normalize();
        Map<String, Object> context = Map.of("operation", "backup", "path", folder.toString());
        storage.ensureOpen(context);
        if (!running.tryLock()) {
            throw new StorageException(Category.INVALID_ARGUMENT, "a backup is already running", context, null);
        }
        try {
            return run(folder, progress == null ? (done, total, file) -> { } : progress);
        } catch (IOException e) {
            throw new StorageException(Category.FAILURE, "backup into " + folder + " failed: " + e
                    + " (an earlier backup in the folder, if any, is intact)", context, e);
        } finally {
            running.unlock();
        }
    }

    private BackupReport run(Path folder, Progress progress) throws IOException {
        Instant started = Instant.now();
        Path data = storage.dataDirectory().toRealPath();
        BackupManifest previous = prepare(folder, data);
        Path store = data.resolve(BackupManifest.STORE);
        Path targetStore = Files.createDirectories(folder.resolve(BackupManifest.STORE));
        Map<String, Entry> kept = previous == null ? Map.of() : previous.byPath();

        // The data directory's own files (the owner's keys) and what is not backed up.
        List<Path> privateFiles = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(data)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.equals(BackupManifest.STORE) || name.endsWith(".tmp") || name.endsWith(".lck")) {
                    continue;
                }
                if (Files.isRegularFile(p) && !Files.isSymbolicLink(p)) {
                    privateFiles.add(p);
                } else {
                    skipped.add(name);
                }
            }
        }
        privateFiles.sort(null);

        Environment env = storage.environment();
        DbBackup backup = new DbBackup(env);
        backup.startBackup();
        List<Entry> entries = new ArrayList<>();
        int copied = 0;
        long bytesCopied = 0;
        Instant snapshotAt = Instant.now();
        long lastLogFile;
        try {
            lastLogFile = backup.getLastFileInBackupSet();
            String[] logFiles = backup.getLogFilesInSnapshot();
            java.util.Arrays.sort(logFiles);
            long total = 0;
            for (String name : logFiles) {
                total += Files.size(store.resolve(name));
            }
            for (Path p : privateFiles) {
                total += Files.size(p);
            }
            Counter counter = new Counter(progress, total);
            for (String name : logFiles) {
                String path = BackupManifest.STORE + "/" + name;
                Path source = store.resolve(name);
                Path copy = targetStore.resolve(name);
                long size = Files.size(source);
                Entry earlier = kept.get(path);
                if (earlier != null && earlier.size() == size && Files.isRegularFile(copy) && Files.size(copy) == size) {
                    entries.add(earlier);
                    counter.add(size, path);
                } else {
                    entries.add(copyFile(source, copy, path, false, counter));
                    copied++;
                    bytesCopied += size;
                }
                // The cleaner may delete the file again (JE keeps it until the backup ends otherwise).
                backup.removeFileProtection(name);
            }
            for (Path p : privateFiles) {
                String name = p.getFileName().toString();
                entries.add(copyFile(p, folder.resolve(name), name, true, counter));
                copied++;
                bytesCopied += Files.size(p);
            }
            counter.done();
        } finally {
            backup.endBackup();
        }
        BackupManifest manifest = new BackupManifest(BackupManifest.VERSION, snapshotAt, lastLogFile, entries);
        BackupManifest.syncDirectory(targetStore);
        manifest.writeTo(folder);
        int removed = removeUnlisted(folder, manifest);
        BackupReport report = new BackupReport(folder, snapshotAt, lastLogFile, entries.size(), copied,
                manifest.bytes(), bytesCopied, removed,
                privateFiles.stream().map(p -> p.getFileName().toString()).toList(), skipped,
                Duration.between(started, Instant.now()));
        LOG.info("backup into {}: {} files, {} bytes ({} files, {} bytes copied, {} removed), last log file {}",
                folder, report.files(), report.bytes(), copied, bytesCopied, removed,
                String.format("%08x", lastLogFile));
        return report;
    }

    /** Checks the target folder; returns the manifest of the backup it holds, if any. */
    private BackupManifest prepare(Path folder, Path data) throws IOException {
        Path real = Files.exists(folder) ? folder.toRealPath() : folder;
        if (real.startsWith(data) || data.startsWith(real)) {
            throw invalid("the backup folder " + folder + " must be outside the data directory " + data
                    + " (and not contain it)", folder.toString());
        }
        if (!Files.exists(folder)) {
            Files.createDirectories(folder);
            return null;
        }
        if (!Files.isDirectory(folder)) {
            throw invalid(folder + " is not a folder", folder.toString());
        }
        if (BackupManifest.presentIn(folder)) {
            try {
                return BackupManifest.readFrom(folder);
            } catch (BackupManifest.InvalidManifestException e) {
                LOG.warn("the backup in {} is not usable ({}); taking a full backup", folder, e.getMessage());
                return null;
            }
        }
        try (Stream<Path> children = Files.list(folder)) {
            if (children.anyMatch(p -> !p.getFileName().toString().equals(BackupManifest.STORE))) {
                throw invalid(folder + " is neither empty nor a backup folder (no " + BackupManifest.FILE_NAME
                        + "): choose an empty or new folder", folder.toString());
            }
        }
        return null;
    }

    /** Copies one file through a temporary name, hashing it; a private file gets mode 0600. */
    private static Entry copyFile(Path source, Path target, String path, boolean ownerOnly, Counter counter)
            throws IOException {
        Path part = target.resolveSibling(target.getFileName() + PART);
        Files.deleteIfExists(part);
        if (ownerOnly) {
            try {
                Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(part);
            }
        }
        String sha;
        long size;
        try (InputStream in = Files.newInputStream(source); OutputStream out = Files.newOutputStream(part)) {
            long[] n = new long[1];
            sha = BackupManifest.copy(in, out, chunk -> {
                n[0] += chunk;
                counter.add(chunk, path);
            });
            size = n[0];
        }
        BackupManifest.sync(part);
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Entry(path, size, sha);
    }

    /** Removes what the folder holds beyond the manifest: files the environment no longer needs, leftovers. */
    private static int removeUnlisted(Path folder, BackupManifest manifest) throws IOException {
        Set<String> listed = new HashSet<>(manifest.byPath().keySet());
        listed.add(BackupManifest.FILE_NAME);
        listed.add(BackupManifest.STORE);
        int removed = 0;
        for (Path dir : List.of(folder, folder.resolve(BackupManifest.STORE))) {
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                for (Path p : children) {
                    String rel = folder.relativize(p).toString().replace('\\', '/');
                    if (!listed.contains(rel) && Files.isRegularFile(p) && !Files.isSymbolicLink(p)) {
                        Files.delete(p);
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    private static StorageException invalid(String message, String path) {
        return new StorageException(Category.INVALID_ARGUMENT, message, Map.of("operation", "backup", "path", path),
                null);
    }

    /** Counts bytes and tells the progress listener (and the log, for large stores) every 5 %. */
    private static final class Counter {
        private final Progress progress;
        private final long total;
        private final long step;
        private long done;
        private long nextReport;

        Counter(Progress progress, long total) {
            this.progress = progress;
            this.total = total;
            this.step = Math.max(total / 20, 1);
            this.nextReport = step;
        }

        void add(long bytes, String file) {
            done += bytes;
            if (done >= nextReport && done < total) {
                nextReport = done + step;
                progress.progress(done, total, file);
                if (total > LOG_PROGRESS_ABOVE) {
                    LOG.info("backup: {}% ({} of {} bytes), copying {}", done * 100 / total, done, total, file);
                }
            }
        }

        void done() {
            progress.progress(total, total, "");
        }
    }
}
