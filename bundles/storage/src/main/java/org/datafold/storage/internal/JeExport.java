package org.datafold.storage.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import org.datafold.storage.api.Storage;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.internal.backup.BackupManifest;
import org.datafold.storage.internal.crypto.ValueCipher;
import org.datafold.storage.internal.crypto.ValueCipher.ValueAuthenticationException;
import org.datafold.storage.internal.transfer.ExportFormat;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sleepycat.je.Cursor;
import com.sleepycat.je.CursorConfig;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.Environment;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.OperationStatus;

/**
 * Writes the node's data in the export format ({@link ExportFormat}) while the node runs: one
 * repository after the other, each read with a cursor (committed records, no locks held beyond
 * the record being read), so memory stays bounded whatever the size of the store. The file is
 * written under a temporary name, synced, and renamed when complete.
 */
@Component(service = JeExport.class)
public final class JeExport {

    private static final Logger LOG = LoggerFactory.getLogger(JeExport.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long PROGRESS_EVERY = 100_000;

    /** What an export wrote. */
    public record Report(Path file, Map<String, Long> records, long bytes, Duration took) {
        public long total() {
            return records.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Receives progress: records written so far, and the repository being written. */
    @FunctionalInterface
    public interface Progress {
        void progress(long records, String repository);
    }

    private final JeStorage storage;

    @Activate
    public JeExport(@Reference Storage storage) {
        if (!(storage instanceof JeStorage je)) {
            throw new IllegalArgumentException("the export needs the JE storage of this bundle, not " + storage.getClass());
        }
        this.storage = je;
    }

    /**
     * Exports into {@code file}, which must not exist.
     *
     * @param schemas only these schemas (and their atoms); all when empty
     */
    public Report export(Path file, Set<String> schemas, Progress progress) {
        Path target = file.toAbsolutePath().normalize();
        Map<String, Object> context = Map.of("operation", "export", "path", target.toString());
        storage.ensureOpen(context);
        if (Files.exists(target)) {
            throw new StorageException(Category.INVALID_ARGUMENT, target + " exists: an export never overwrites a file",
                    context, null);
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Instant started = Instant.now();
        Environment env = storage.environment();
        ValueCipher cipher = storage.cipher();
        try {
            Files.createDirectories(target.getParent());
            Map<String, Long> counts = new LinkedHashMap<>();
            try (Writer out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(part,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING), StandardCharsets.UTF_8), 1 << 16)) {
                ObjectNode header = NODES.objectNode();
                header.put("format", ExportFormat.FORMAT);
                header.put("version", ExportFormat.VERSION);
                header.put("node_id", nodeId(env, cipher));
                header.put("created", started.toString());
                if (schemas.isEmpty()) {
                    header.putNull("schemas");
                } else {
                    schemas.stream().sorted().forEach(header.putArray("schemas")::add);
                }
                line(out, header);
                Set<String> refs = schemas.isEmpty() ? Set.of() : refsOf(env, cipher, schemas);
                long[] total = new long[1];
                for (String name : order(env.getDatabaseNames())) {
                    Predicate<Record> keep = filter(name, schemas, refs);
                    long n = forEach(env, cipher, name, r -> {
                        if (!keep.test(r)) {
                            return false;
                        }
                        ObjectNode line = NODES.objectNode();
                        line.put("repository", name);
                        line.put("key", r.key);
                        line.set("value", r.value);
                        line(out, line);
                        if (++total[0] % PROGRESS_EVERY == 0 && progress != null) {
                            progress.progress(total[0], name);
                        }
                        return true;
                    });
                    counts.put(name, n);
                }
                ObjectNode end = NODES.objectNode();
                end.put("end", true);
                end.put("records", total[0]);
                line(out, end);
            }
            BackupManifest.sync(part);
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            Report report = new Report(target, counts, Files.size(target), Duration.between(started, Instant.now()));
            LOG.info("exported {} records ({} bytes) into {} in {} ms", report.total(), report.bytes(), target,
                    report.took().toMillis());
            return report;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // reported with the failure below
            }
            if (e instanceof StorageException se) {
                throw se;
            }
            throw new StorageException(Category.FAILURE, "export into " + target + " failed: " + e, context, e);
        }
    }

    private record Record(String key, JsonNode value) {
    }

    @FunctionalInterface
    private interface RecordWriter {
        boolean write(Record r) throws IOException;
    }

    private static void line(Writer out, JsonNode node) throws IOException {
        out.write(Json.MAPPER.writeValueAsString(node));
        out.write('\n');
    }

    /** The repositories to export: those listed first in their order, then the rest by name. */
    static List<String> order(List<String> names) {
        List<String> ordered = new ArrayList<>();
        for (String first : ExportFormat.FIRST) {
            if (names.contains(first)) {
                ordered.add(first);
            }
        }
        names.stream().sorted().filter(n -> !ordered.contains(n) && !ExportFormat.NOT_EXPORTED.contains(n))
                .forEach(ordered::add);
        return ordered;
    }

    private static Predicate<Record> filter(String repository, Set<String> schemas, Set<String> refs) {
        if (repository.equals(ExportFormat.TRUST)) {
            // The owner's own entry stays with this node: the importing node has its own owner.
            return r -> !ExportFormat.OWNER_LABEL.equalsIgnoreCase(r.value.path("label").asText(""));
        }
        if (schemas.isEmpty()) {
            return r -> true;
        }
        return switch (repository) {
            case ExportFormat.SCHEMAS -> r -> schemas.contains(r.key);
            case ExportFormat.SCHEMA_HASHES -> r -> schemas.contains(r.value.path("name").asText());
            case ExportFormat.ATOMS -> r -> schemas.contains(r.value.path("schema").asText());
            case ExportFormat.ATOM_REFS -> r -> refs.contains(r.key.split("/", 2)[0]);
            default -> r -> true;
        };
    }

    /** The data references of the fields of the schemas named. */
    private static Set<String> refsOf(Environment env, ValueCipher cipher, Set<String> schemas) throws IOException {
        Set<String> refs = new HashSet<>();
        Set<String> found = new HashSet<>();
        forEach(env, cipher, ExportFormat.SCHEMAS, r -> {
            if (schemas.contains(r.key)) {
                found.add(r.key);
                r.value.path("refs").elements().forEachRemaining(ref -> refs.add(ref.asText()));
            }
            return false;
        });
        Set<String> missing = new HashSet<>(schemas);
        missing.removeAll(found);
        if (!missing.isEmpty()) {
            throw new StorageException(Category.INVALID_ARGUMENT, "no schema named " + String.join(", ", missing.stream().sorted().toList()),
                    Map.of("operation", "export"), null);
        }
        return refs;
    }

    private static String nodeId(Environment env, ValueCipher cipher) throws IOException {
        String[] id = new String[1];
        if (env.getDatabaseNames().contains("node")) {
            forEach(env, cipher, "node", r -> {
                id[0] = r.value.path("nodeId").asText(null);
                return false;
            });
        }
        return id[0];
    }

    /**
     * Reads every record of a database with a read-committed cursor, its value decrypted when the
     * store is encrypted (the export holds values in clear); returns how many the writer kept.
     */
    private static long forEach(Environment env, ValueCipher cipher, String name, RecordWriter writer)
            throws IOException {
        DatabaseConfig config = new DatabaseConfig().setTransactional(true).setReadOnly(true);
        long n = 0;
        try (Database db = env.openDatabase(null, name, config);
                Cursor cursor = db.openCursor(null, CursorConfig.READ_COMMITTED)) {
            DatabaseEntry key = new DatabaseEntry();
            DatabaseEntry data = new DatabaseEntry();
            while (cursor.getNext(key, data, LockMode.DEFAULT) == OperationStatus.SUCCESS) {
                String k = new String(key.getData(), key.getOffset(), key.getSize(), StandardCharsets.UTF_8);
                JsonNode v;
                if (cipher == null) {
                    v = Json.MAPPER.readTree(data.getData(), data.getOffset(), data.getSize());
                } else {
                    try {
                        v = Json.MAPPER.readTree(cipher.open(name,
                                Arrays.copyOfRange(key.getData(), key.getOffset(), key.getOffset() + key.getSize()),
                                Arrays.copyOfRange(data.getData(), data.getOffset(), data.getOffset() + data.getSize())));
                    } catch (ValueAuthenticationException e) {
                        throw new StorageException(Category.CORRUPTION, "export: " + name + " " + k + ": "
                                + e.getMessage(), Map.of("operation", "export", "repository", name, "key", k), null);
                    }
                }
                if (writer.write(new Record(k, v))) {
                    n++;
                }
            }
        }
        return n;
    }
}
