package org.datafold.storage.internal.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code MANIFEST} of a backup folder: a UTF-8 text file, one item a line.
 *
 * <pre>
 * datafold-backup 1
 * created 2026-12-03T19:40:00.123Z
 * last-log-file 0000000a
 * file &lt;sha-256 hex&gt; &lt;size&gt; store/00000000.jdb
 * file &lt;sha-256 hex&gt; &lt;size&gt; owner.key
 * files 2 bytes 1234
 * manifest-sha256 &lt;sha-256 hex of every line above, with their newlines&gt;
 * </pre>
 *
 * The last two lines let a reader tell a complete manifest from a truncated or altered one. Paths
 * are relative to the backup folder: log files under {@code store/}, the data directory's own
 * files at the top. Used by the backup (inside the node) and by the restore tool (outside it, with
 * only the JDK and JE on its class path), so it depends on neither the OSGi nor the logging API.
 */
public record BackupManifest(int version, Instant created, long lastLogFile, List<Entry> entries) {

    /** The format version written; the only one read. */
    public static final int VERSION = 1;
    public static final String FILE_NAME = "MANIFEST";
    static final String MAGIC = "datafold-backup";
    /** Where the JE log files are, in the backup folder as in the data directory. */
    public static final String STORE = "store";

    private static final Pattern FILE_LINE = Pattern.compile("file ([0-9a-f]{64}) ([0-9]{1,19}) (\\S.*)");
    private static final Pattern PATH = Pattern.compile("(store/)?[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final int MAX_ENTRIES = 1_000_000;
    private static final int MAX_BYTES = 128 << 20;

    /** One file of a backup: its path relative to the backup folder, size and SHA-256 (hex). */
    public record Entry(String path, long size, String sha256) {
        public Entry {
            if (!PATH.matcher(path).matches()) {
                throw new IllegalArgumentException("not a backup file path: '" + path + "'");
            }
        }

        /** Whether the entry is a JE log file. */
        public boolean logFile() {
            return path.startsWith(STORE + "/");
        }
    }

    /** A manifest that cannot be read: missing, truncated, altered or of another format version. */
    public static final class InvalidManifestException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(String message) {
            super(message);
        }
    }

    public BackupManifest {
        entries = List.copyOf(entries);
    }

    /** Total size of the files listed. */
    public long bytes() {
        return entries.stream().mapToLong(Entry::size).sum();
    }

    /** The entries by path. */
    public Map<String, Entry> byPath() {
        Map<String, Entry> map = new LinkedHashMap<>();
        entries.forEach(e -> map.put(e.path(), e));
        return map;
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(MAGIC).append(' ').append(version).append('\n');
        sb.append("created ").append(created).append('\n');
        sb.append("last-log-file ").append(String.format("%08x", lastLogFile)).append('\n');
        for (Entry e : entries) {
            sb.append("file ").append(e.sha256()).append(' ').append(e.size()).append(' ').append(e.path()).append('\n');
        }
        sb.append("files ").append(entries.size()).append(" bytes ").append(bytes()).append('\n');
        String body = sb.toString();
        return body + "manifest-sha256 " + sha256(body.getBytes(StandardCharsets.UTF_8)) + "\n";
    }

    /** Writes the manifest into {@code folder} atomically (a temporary file, synced, then renamed). */
    public void writeTo(Path folder) throws IOException {
        Path temp = folder.resolve(FILE_NAME + ".tmp");
        Files.write(temp, text().getBytes(StandardCharsets.UTF_8));
        sync(temp);
        Files.move(temp, folder.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(folder);
    }

    /** Whether {@code folder} holds a manifest file (valid or not). */
    public static boolean presentIn(Path folder) {
        return Files.exists(folder.resolve(FILE_NAME));
    }

    /**
     * Reads and checks the manifest of {@code folder}.
     *
     * @throws InvalidManifestException naming the line at fault when it is missing, truncated,
     *         altered or of an unknown version
     */
    public static BackupManifest readFrom(Path folder) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new InvalidManifestException(file + " is larger than " + MAX_BYTES + " bytes: not a manifest");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidManifestException("no " + FILE_NAME + " in " + folder
                    + ": not a backup, or a backup that did not complete");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.endsWith("\n")) {
            throw new InvalidManifestException(file + " is truncated (it does not end with a line break)");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        String first = lines[0];
        if (!first.startsWith(MAGIC + " ")) {
            throw new InvalidManifestException(file + " line 1: not a DataFold backup manifest");
        }
        int version;
        try {
            version = Integer.parseInt(first.substring(MAGIC.length() + 1));
        } catch (NumberFormatException e) {
            throw new InvalidManifestException(file + " line 1: bad format version '" + first + "'");
        }
        if (version != VERSION) {
            throw new InvalidManifestException(file + " line 1: backup format version " + version
                    + " is not supported (this node reads version " + VERSION + ")");
        }
        String last = lines[lines.length - 1];
        if (lines.length < 5 || !last.startsWith("manifest-sha256 ")) {
            throw new InvalidManifestException(file + " is truncated: its last line (" + lines.length
                    + ") is not the manifest checksum");
        }
        String body = text.substring(0, text.length() - last.length() - 1);
        if (!sha256(body.getBytes(StandardCharsets.UTF_8)).equals(last.substring("manifest-sha256 ".length()))) {
            throw new InvalidManifestException(file + " line " + lines.length
                    + ": the manifest checksum does not match: the manifest was altered or damaged");
        }
        Instant created;
        long lastLogFile;
        try {
            created = Instant.parse(value(lines[1], "created", file, 2));
            lastLogFile = Long.parseLong(value(lines[2], "last-log-file", file, 3), 16);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidManifestException(file + " lines 2-3: bad creation time or log file number: " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 3; i < lines.length - 2; i++) {
            Matcher m = FILE_LINE.matcher(lines[i]);
            if (!m.matches() || entries.size() >= MAX_ENTRIES) {
                throw new InvalidManifestException(file + " line " + (i + 1) + ": not a file entry");
            }
            try {
                entries.add(new Entry(m.group(3), Long.parseLong(m.group(2)), m.group(1)));
            } catch (IllegalArgumentException e) {
                throw new InvalidManifestException(file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        BackupManifest manifest = new BackupManifest(version, created, lastLogFile, entries);
        String totals = "files " + entries.size() + " bytes " + manifest.bytes();
        if (!lines[lines.length - 2].equals(totals)) {
            throw new InvalidManifestException(file + " line " + (lines.length - 1) + ": expected '" + totals + "'");
        }
        if (entries.stream().noneMatch(Entry::logFile)) {
            throw new InvalidManifestException(file + ": lists no log file of the store");
        }
        return manifest;
    }

    private static String value(String line, String key, Path file, int number) throws InvalidManifestException {
        if (!line.startsWith(key + " ")) {
            throw new InvalidManifestException(file + " line " + number + ": expected '" + key + " ...'");
        }
        return line.substring(key.length() + 1);
    }

    /**
     * Checks that every file listed is in {@code folder} with its size and checksum.
     *
     * @return the problems found, at most {@code limit} (empty when the backup is intact)
     */
    public List<String> verify(Path folder, int limit) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Entry e : entries) {
            if (problems.size() >= limit) {
                break;
            }
            Path file = folder.resolve(e.path());
            if (!Files.isRegularFile(file)) {
                problems.add(e.path() + ": missing");
            } else if (Files.size(file) != e.size()) {
                problems.add(e.path() + ": " + Files.size(file) + " bytes, the manifest says " + e.size());
            } else {
                String actual;
                try (InputStream in = Files.newInputStream(file)) {
                    actual = copy(in, OutputStream.nullOutputStream(), null);
                }
                if (!actual.equals(e.sha256())) {
                    problems.add(e.path() + ": checksum mismatch (damaged)");
                }
            }
        }
        return problems;
    }

    /** Copies a stream, returning the SHA-256 of what was copied; {@code counter} sees each chunk's size. */
    public static String copy(InputStream in, OutputStream out, java.util.function.LongConsumer counter)
            throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[256 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
            out.write(buffer, 0, n);
            if (counter != null) {
                counter.accept(n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Forces a file's content to disk. */
    public static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Forces a folder's entries (renames, new files) to disk, where the platform allows it. */
    public static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every platform can open a directory; the rename is still done.
        }
    }
}
