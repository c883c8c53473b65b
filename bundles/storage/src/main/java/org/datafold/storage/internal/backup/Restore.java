package org.datafold.storage.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.datafold.storage.internal.backup.BackupManifest.Entry;

import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.VerifyConfig;
import com.sleepycat.je.util.DbVerifyLog;

/**
 * Restores a backup into a data directory, for {@code bin/datafold restore} with the node stopped:
 * run with only the storage bundle and JE on the class path.
 *
 * <ol>
 * <li>The backup's manifest is read and every file it lists is checked (size, SHA-256); a missing,
 * truncated or damaged file, or a damaged manifest, refuses the restore before anything is written.</li>
 * <li>The target data directory must not exist or be empty: a restore never mixes with or overwrites
 * data.</li>
 * <li>The files are copied into a temporary folder next to it (checked again as they are copied;
 * the data directory's own files with mode 0600), and the restored store is verified by JE (the
 * B-trees of every database, then every log file's checksums) on a read-only handle.</li>
 * <li>Only then is the temporary folder renamed to the data directory, in one step.</li>
 * </ol>
 * Exit status: 0 restored, 1 refused or failed (nothing restored), 2 bad usage.
 */
public final class Restore {

    /** Problems listed before the rest are left out. */
    private static final int MAX_PROBLEMS = 10;

    /** A restore that was refused or failed; nothing was restored. */
    public static final class RestoreException extends Exception {
        private static final long serialVersionUID = 1L;

        RestoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Restore() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: restore <backup folder> <data directory>");
            System.exit(2);
        }
        try {
            restore(Path.of(args[0]), Path.of(args[1]), System.out);
            System.exit(0);
        } catch (RestoreException e) {
            System.err.println("datafold: restore refused: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Restores the backup in {@code backup} into {@code dataDir}.
     *
     * @throws RestoreException when the backup is incomplete or damaged, the data directory holds
     *         something, or copying or verifying fails; the data directory is then left as it was
     */
    public static void restore(Path backup, Path dataDir, PrintStream out) throws RestoreException {
        Path source = backup.toAbsolutePath().normalize();
        Path target = dataDir.toAbsolutePath().normalize();
        BackupManifest manifest;
        try {
            manifest = BackupManifest.readFrom(source);
        } catch (IOException e) {
            throw new RestoreException(e.getMessage(), e);
        }
        out.printf("checking %d files (%d bytes) of the backup taken at %s%n", manifest.entries().size(),
                manifest.bytes(), manifest.created());
        try {
            List<String> problems = manifest.verify(source, MAX_PROBLEMS);
            if (!problems.isEmpty()) {
                throw new RestoreException("the backup in " + source + " is incomplete or damaged: "
                        + String.join("; ", problems), null);
            }
        } catch (IOException e) {
            throw new RestoreException("cannot read the backup in " + source + ": " + e, e);
        }
        try {
            if (Files.exists(target) && !emptyFolder(target)) {
                throw new RestoreException("the data directory " + target
                        + " is not empty: a restore never overwrites data; move it away (or choose another"
                        + " DATAFOLD_DATA) and run the restore again", null);
            }
        } catch (IOException e) {
            throw new RestoreException("cannot read " + target + ": " + e, e);
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".restoring");
        try {
            deleteTree(temp);
            Files.createDirectories(temp.resolve(BackupManifest.STORE));
            long done = 0;
            long total = manifest.bytes();
            int lastPercent = -1;
            for (Entry e : manifest.entries()) {
                copyChecked(source.resolve(e.path()), temp.resolve(e.path()), e);
                done += e.size();
                int percent = total == 0 ? 100 : (int) (done * 100 / total);
                if (percent / 10 != lastPercent / 10) {
                    out.printf("copied %d%% (%d of %d bytes)%n", percent, done, total);
                    lastPercent = percent;
                }
            }
            BackupManifest.syncDirectory(temp.resolve(BackupManifest.STORE));
            BackupManifest.syncDirectory(temp);
            List<String> databases = verifyStore(temp.resolve(BackupManifest.STORE));
            out.printf("store verified by JE: %d databases, every log file's checksums%n", databases.size());
            if (Files.exists(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            BackupManifest.syncDirectory(target.getParent());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw new RestoreException("restore into " + target + " failed, nothing restored: " + e.getMessage(), e);
        }
        out.printf("restored %d files into %s%n", manifest.entries().size(), target);
    }

    private static void copyChecked(Path from, Path to, Entry e) throws IOException {
        boolean ownerOnly = !e.logFile();
        if (ownerOnly) {
            try {
                Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException unsupported) {
                Files.createFile(to);
            }
        }
        String sha;
        try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(to)) {
            sha = BackupManifest.copy(in, out, null);
        }
        if (!sha.equals(e.sha256()) || Files.size(to) != e.size()) {
            throw new IOException(e.path() + " changed while it was copied (checksum mismatch)");
        }
        BackupManifest.sync(to);
    }

    /** JE's own verification on a read-only handle: every database's B-tree, then every log file's checksums. */
    static List<String> verifyStore(Path store) throws IOException {
        EnvironmentConfig config = new EnvironmentConfig();
        config.setReadOnly(true);
        config.setTransactional(true);
        config.setSharedCache(false);
        config.setCacheSize(16L * 1024 * 1024);
        Environment env = new Environment(store.toFile(), config);
        try {
            List<String> names = env.getDatabaseNames();
            VerifyConfig verify = new VerifyConfig().setVerifyDataRecords(true);
            env.verify(verify, System.err);
            for (String name : names) {
                try (Database db = env.openDatabase(null, name,
                        new DatabaseConfig().setReadOnly(true).setTransactional(true))) {
                    db.verify(verify);
                }
            }
            new DbVerifyLog(env).verifyAll();
            if (!env.isValid()) {
                throw new IllegalStateException("JE invalidated the restored environment while verifying it");
            }
            return names;
        } finally {
            env.close();
        }
    }

    private static boolean emptyFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            System.err.println("datafold: could not remove the temporary folder " + dir + ": " + e);
        }
    }
}
