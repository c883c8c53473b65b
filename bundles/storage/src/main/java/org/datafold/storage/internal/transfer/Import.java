package org.datafold.storage.internal.transfer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.datafold.storage.internal.backup.BackupManifest;
import org.datafold.storage.internal.crypto.EncryptionException;
import org.datafold.storage.internal.crypto.EncryptionSettings;
import org.datafold.storage.internal.crypto.StoreEncryption;
import org.datafold.storage.internal.crypto.ValueCipher;
import org.datafold.support.home.HomePaths;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.Durability;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.OperationStatus;
import com.sleepycat.je.Transaction;

/**
 * Imports an export file into a new data directory, for {@code bin/datafold import} with the node
 * stopped; run with the storage, JE, Jackson, API and schema jars on the class path.
 *
 * <p>All or nothing: the whole file is checked first (each line, each schema, the end line), then
 * its records are written into a new store in a temporary folder next to the data directory, in
 * transactions of {@value #BATCH} records, and only when every record is written is the folder
 * renamed to the data directory. The data directory must not exist or be empty, so there is
 * nothing to merge with and no conflict to resolve. Memory stays bounded: the file is read one
 * line at a time, twice. Exit status: 0 imported, 1 refused or failed (nothing imported), 2 usage.
 */
public final class Import {

    static final int BATCH = 10_000;
    private static final long PROGRESS_EVERY = 100_000;
    private static final Pattern REPOSITORY = Pattern.compile("[a-z][a-z0-9._]{0,63}");
    private static final int MAX_KEY_BYTES = 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An import that was refused or failed; nothing was imported. */
    public static final class ImportException extends Exception {
        private static final long serialVersionUID = 1L;

        ImportException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What an import wrote. */
    public record Report(String sourceNode, long records, Duration took) {
    }

    private Import() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: import <export file> <data directory>");
            System.exit(2);
        }
        try {
            run(Path.of(args[0]), Path.of(args[1]), System.out, SchemaCheck.load(),
                    encryptionSettings(System.getProperty("datafold.storage.cfg")));
            System.exit(0);
        } catch (ImportException e) {
            System.err.println("datafold: import refused: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The encryption settings of the node's storage configuration file ({@code encryption},
     * {@code key_file}, {@code passphrase_file}; the passphrase from the environment as for the
     * node), so that an import into an encrypted node's data directory is encrypted too. No file:
     * no encryption.
     */
    static EncryptionSettings encryptionSettings(String cfg) throws ImportException {
        if (cfg == null || cfg.isBlank() || !Files.isRegularFile(Path.of(cfg))) {
            return EncryptionSettings.NONE;
        }
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of(cfg), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new ImportException("cannot read " + cfg + ": " + e, e);
        }
        try {
            return EncryptionSettings.parse(p.getProperty("encryption"), p.getProperty("key_file"),
                    p.getProperty("passphrase_file"), HomePaths::resolve);
        } catch (EncryptionException e) {
            throw new ImportException(cfg + ": " + e.key() + ": " + e.getMessage(), null);
        }
    }

    /** Checks {@code file} and imports it into {@code dataDir}; see the class comment. */
    public static Report run(Path file, Path dataDir, PrintStream out) throws ImportException {
        return run(file, dataDir, out, SchemaCheck.load());
    }

    /** As {@link #run(Path, Path, PrintStream)}, checking schema definitions with {@code schemas}. */
    static Report run(Path file, Path dataDir, PrintStream out, SchemaValidator schemas) throws ImportException {
        return run(file, dataDir, out, schemas, EncryptionSettings.NONE);
    }

    /**
     * As {@link #run(Path, Path, PrintStream, SchemaValidator)}; with encryption on, the new store
     * gets a new data key (wrapped under the owner's passphrase or key file) and every value is
     * written encrypted.
     */
    static Report run(Path file, Path dataDir, PrintStream out, SchemaValidator schemas, EncryptionSettings encryption)
            throws ImportException {
        Instant started = Instant.now();
        Path source = file.toAbsolutePath().normalize();
        Path target = dataDir.toAbsolutePath().normalize();
        try {
            if (Files.exists(target) && !emptyFolder(target)) {
                throw new ImportException("the data directory " + target + " is not empty: an import creates a new"
                        + " node's data; move it away (or choose another DATAFOLD_DATA) and import again", null);
            }
        } catch (IOException e) {
            throw new ImportException("cannot read " + target + ": " + e, e);
        }
        String node;
        long records;
        try {
            // Pass 1: check everything, write nothing.
            Checked checked = read(source, schemas, null, out);
            node = checked.node;
            records = checked.records;
            out.printf("checked %d records of the export of node %s%n", records, node);
        } catch (IOException e) {
            throw new ImportException("cannot read " + source + ": " + e.getMessage(), e);
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".importing");
        try {
            deleteTree(temp);
            Path store = Files.createDirectories(temp.resolve(BackupManifest.STORE));
            StoreEncryption keys;
            try {
                keys = StoreEncryption.prepare(encryption, temp, System::getenv);
            } catch (EncryptionException e) {
                throw new ImportException("encryption: " + e.getMessage(), e);
            }
            try (Writer writer = new Writer(store, keys)) {
                if (keys.cipher() != null) {
                    out.printf("encrypting values (%s)%n", keys.describe());
                }
                read(source, schemas, writer, out);
            }
            if (Files.exists(target)) {
                Files.delete(target); // empty, checked above
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            BackupManifest.syncDirectory(target.getParent());
        } catch (ImportException e) {
            deleteQuietly(temp);
            throw e;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw new ImportException("import into " + target + " failed, nothing imported: " + e.getMessage(), e);
        }
        Duration took = Duration.between(started, Instant.now());
        out.printf("imported %d records into %s in %d ms (%d records/s)%n", records, target, took.toMillis(),
                records * 1000 / Math.max(took.toMillis(), 1));
        return new Report(node, records, took);
    }

    private record Checked(String node, long records) {
    }

    /** Reads the file, checking each line; with a writer, writes each record too. */
    private static Checked read(Path file, SchemaValidator schemas, Writer writer, PrintStream out)
            throws IOException, ImportException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 1 << 16)) {
            long number = 0;
            String node = null;
            long records = 0;
            boolean ended = false;
            StringBuilder sb = new StringBuilder();
            while (true) {
                String line;
                try {
                    line = readLine(in, sb);
                } catch (CharacterCodingException e) {
                    throw new ImportException("line " + (number + 1) + ": not UTF-8 text", e);
                }
                if (line == null) {
                    break;
                }
                number++;
                if (ended) {
                    throw new ImportException("line " + number + ": text after the end line", null);
                }
                if (line.length() > ExportFormat.MAX_LINE) {
                    throw new ImportException("line " + number + ": longer than " + ExportFormat.MAX_LINE + " characters", null);
                }
                JsonNode json;
                try {
                    json = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new ImportException("line " + number + ": not JSON: " + e.getOriginalMessage(), e);
                }
                if (json == null || !json.isObject()) {
                    throw new ImportException("line " + number + ": not a JSON object", null);
                }
                if (number == 1) {
                    node = header(json);
                    continue;
                }
                if (json.has("end")) {
                    if (!json.path("end").asBoolean(false) || !json.path("records").canConvertToLong()
                            || json.path("records").asLong() != records) {
                        throw new ImportException("line " + number + ": the end line counts "
                                + json.path("records") + " records, the file holds " + records, null);
                    }
                    ended = true;
                    continue;
                }
                String repository = text(json, "repository", number);
                String key = text(json, "key", number);
                JsonNode value = json.get("value");
                check(repository, key, value, number, schemas);
                records++;
                if (writer != null) {
                    writer.put(repository, key, value, number);
                    if (records % PROGRESS_EVERY == 0) {
                        out.printf("imported %d records%n", records);
                    }
                }
            }
            if (number == 0) {
                throw new ImportException("the file is empty: not a DataFold export", null);
            }
            if (!ended) {
                throw new ImportException("truncated: the file ends at line " + number + " without its end line", null);
            }
            return new Checked(node, records);
        }
    }

    /** Reads one line of at most {@link ExportFormat#MAX_LINE} + 1 characters (longer lines are cut there). */
    private static String readLine(BufferedReader in, StringBuilder sb) throws IOException {
        sb.setLength(0);
        int c = in.read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            if (sb.length() <= ExportFormat.MAX_LINE) {
                sb.append((char) c);
            }
            c = in.read();
        }
        return sb.toString();
    }

    private static String header(JsonNode json) throws ImportException {
        if (!ExportFormat.FORMAT.equals(json.path("format").asText(null))) {
            throw new ImportException("line 1: not a DataFold export (no \"format\": \"" + ExportFormat.FORMAT + "\")", null);
        }
        JsonNode version = json.path("version");
        if (!version.isInt() || version.asInt() != ExportFormat.VERSION) {
            throw new ImportException("line 1: export format version " + version + " is not supported (this node"
                    + " reads version " + ExportFormat.VERSION + ")", null);
        }
        return json.path("node_id").asText("(unknown)");
    }

    private static String text(JsonNode json, String field, long line) throws ImportException {
        JsonNode v = json.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new ImportException("line " + line + ": no \"" + field + "\" text", null);
        }
        return v.asText();
    }

    private static void check(String repository, String key, JsonNode value, long line, SchemaValidator schemas)
            throws ImportException {
        if (!REPOSITORY.matcher(repository).matches() || ExportFormat.NOT_EXPORTED.contains(repository)) {
            throw new ImportException("line " + line + ": \"" + repository + "\" is not a repository an export holds", null);
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new ImportException("line " + line + ": key longer than " + MAX_KEY_BYTES + " bytes", null);
        }
        if (value == null || !value.isObject()) {
            throw new ImportException("line " + line + ": \"value\" is not a JSON object", null);
        }
        switch (repository) {
            case ExportFormat.SCHEMAS -> {
                if (!key.equals(value.path("name").asText(null)) || !value.path("definition").isTextual()) {
                    throw new ImportException("line " + line + ": schema record " + key
                            + " has no definition or another name", null);
                }
                schemas.check(key, value.path("definition").asText(), line);
            }
            case ExportFormat.ATOMS -> {
                if (!key.equals(value.path("uuid").asText(null)) || !value.path("schema").isTextual()
                        || !value.path("field").isTextual()) {
                    throw new ImportException("line " + line + ": atom " + key
                            + " lacks its uuid, schema or field", null);
                }
            }
            case ExportFormat.ATOM_REFS -> {
                if (!value.path("atomUuid").isTextual()) {
                    throw new ImportException("line " + line + ": atom reference " + key + " names no atom", null);
                }
            }
            case ExportFormat.TRUST -> {
                if (ExportFormat.OWNER_LABEL.equalsIgnoreCase(value.path("label").asText(""))) {
                    throw new ImportException("line " + line + ": a trust entry labelled owner: the owner of the"
                            + " importing node is its own", null);
                }
            }
            default -> {
                // carried as the repository keeps it
            }
        }
    }

    /** Checks one schema definition. */
    @FunctionalInterface
    interface SchemaValidator {
        /** @throws ImportException naming the line when the definition does not validate */
        void check(String name, String definition, long line) throws ImportException;
    }

    /**
     * Validates schema definitions with the schema bundle's own parser (the node reads them back
     * with it at start), found on the class path.
     */
    private static final class SchemaCheck implements SchemaValidator {
        private final Method parse;

        private SchemaCheck(Method parse) {
            this.parse = parse;
        }

        static SchemaCheck load() throws ImportException {
            try {
                Class<?> parser = Class.forName("org.datafold.schema.internal.SchemaParser");
                return new SchemaCheck(parser.getMethod("parse", String.class, String.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new ImportException("the schema bundle is not on the class path: schemas cannot be checked", e);
            }
        }

        @Override
        public void check(String name, String definition, long line) throws ImportException {
            Object schema;
            try {
                schema = parse.invoke(null, definition, "line " + line);
            } catch (InvocationTargetException e) {
                throw new ImportException("line " + line + ": schema " + name + " does not validate: "
                        + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new ImportException("line " + line + ": cannot check schema " + name + ": " + e, e);
            }
            String parsedName;
            try {
                parsedName = (String) schema.getClass().getMethod("name").invoke(schema);
            } catch (ReflectiveOperationException e) {
                throw new ImportException("line " + line + ": cannot check schema " + name + ": " + e, e);
            }
            if (!name.equals(parsedName)) {
                throw new ImportException("line " + line + ": schema record " + name + " defines " + parsedName, null);
            }
        }
    }

    /** Writes records into a new JE environment, a transaction per batch. */
    private static final class Writer implements AutoCloseable {
        private final Environment env;
        private final Map<String, Database> databases = new HashMap<>();
        private Transaction txn;
        private int inBatch;

        private final ValueCipher cipher;

        Writer(Path store, StoreEncryption keys) throws ImportException {
            EnvironmentConfig config = new EnvironmentConfig();
            config.setTransactional(true);
            config.setAllowCreate(true);
            config.setSharedCache(false);
            config.setCacheSize(64L << 20);
            config.setDurability(Durability.COMMIT_NO_SYNC);
            this.env = new Environment(store.toFile(), config);
            if (!keys.settings().enabled()) {
                this.cipher = null;
                return;
            }
            // The storage's meta database, where an encrypted store records its data key's id.
            try (Database meta = env.openDatabase(null, "meta.storage",
                    new DatabaseConfig().setTransactional(true).setAllowCreate(true))) {
                keys.attach(new StoreEncryption.Meta() {
                    @Override
                    public byte[] get(String key) {
                        DatabaseEntry data = new DatabaseEntry();
                        return meta.get(null, new DatabaseEntry(key.getBytes(StandardCharsets.UTF_8)), data,
                                null) == OperationStatus.SUCCESS ? data.getData() : null;
                    }

                    @Override
                    public void put(String key, byte[] value) {
                        meta.put(null, new DatabaseEntry(key.getBytes(StandardCharsets.UTF_8)), new DatabaseEntry(value));
                    }

                    @Override
                    public boolean hasData() {
                        return env.getDatabaseNames().stream().anyMatch(n -> !"meta.storage".equals(n));
                    }
                }, true);
            } catch (EncryptionException e) {
                env.close();
                throw new ImportException("encryption: " + e.getMessage(), e);
            }
            this.cipher = keys.cipher();
        }

        void put(String repository, String key, JsonNode value, long line) throws IOException, ImportException {
            if (txn == null) {
                txn = env.beginTransaction(null, null);
            }
            Database db = databases.get(repository);
            if (db == null) {
                db = env.openDatabase(txn, repository, new DatabaseConfig().setTransactional(true).setAllowCreate(true));
                databases.put(repository, db);
            }
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            byte[] plain = MAPPER.writeValueAsBytes(value);
            DatabaseEntry k = new DatabaseEntry(keyBytes);
            DatabaseEntry v = new DatabaseEntry(cipher == null ? plain : cipher.seal(repository, keyBytes, plain));
            if (db.putNoOverwrite(txn, k, v) != OperationStatus.SUCCESS) {
                throw new ImportException("line " + line + ": a second record " + repository + " " + key, null);
            }
            if (++inBatch >= BATCH) {
                txn.commit();
                txn = null;
                inBatch = 0;
            }
        }

        @Override
        public void close() {
            try {
                if (txn != null) {
                    txn.commit();
                }
                databases.values().forEach(Database::close);
                env.sync();
            } finally {
                env.close();
            }
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
