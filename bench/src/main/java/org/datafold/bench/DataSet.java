package org.datafold.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.core.internal.engine.FieldChangePublisher;
import org.datafold.core.internal.engine.FoldEngine;
import org.datafold.storage.internal.JeStorage;
import org.datafold.storage.internal.StorageConfig.Durability;

/**
 * A stored data set of a given number of atoms, prepared once and copied for each trial.
 *
 * <p>{@value BenchRegistry#PROFILE} gets one value per field (10 atoms); the rest are rows of
 * {@value BenchRegistry#LOG}, 10 atoms per row ({@code (atoms - 10) / 10} rows, keyed
 * {@code row-0000000}, {@code row-0000001}, ...). The template is written through the engine in
 * batches of {@value #BATCH_ROWS} rows per transaction with {@code NO_SYNC} durability, closed
 * cleanly, and kept in {@code <bench dir>/template-<atoms>} for later runs; each trial opens a
 * fresh copy.
 */
final class DataSet {

    /** Where templates and trial copies live: {@code -Ddatafold.bench.dir}, default {@code target/bench-data}. */
    static final Path ROOT = Path.of(System.getProperty("datafold.bench.dir", "target/bench-data")).toAbsolutePath();
    /** The JE cache of every environment the benchmarks open; the JVM heap must be well above it. */
    static final int CACHE_MB = Integer.getInteger("datafold.bench.cacheMb", 1536);

    private static final int BATCH_ROWS = 1_000;
    private static final String READY = "READY";

    private DataSet() {
    }

    static int rows(int atoms) {
        return Math.max(1, (atoms - BenchRegistry.FIELDS) / BenchRegistry.FIELDS);
    }

    static String rowKey(int row) {
        return String.format("row-%07d", row);
    }

    /** A fresh copy of the data set in a new folder under {@link #ROOT}. */
    static Path freshCopy(int atoms) throws IOException {
        Path template = template(atoms);
        Path trial = Files.createTempDirectory(Files.createDirectories(ROOT), "trial-" + atoms + "-");
        Path from = template.resolve("store");
        Path to = Files.createDirectories(trial.resolve("store"));
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(".jdb")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        return trial;
    }

    static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path template(int atoms) throws IOException {
        Path dir = ROOT.resolve("template-" + atoms);
        if (Files.exists(dir.resolve(READY))) {
            return dir;
        }
        if (Files.exists(dir)) {
            delete(dir); // an interrupted preparation
        }
        Files.createDirectories(dir);
        long start = System.nanoTime();
        BenchRegistry registry = new BenchRegistry();
        try (JeStorage storage = new JeStorage(BenchStorageConfig.of(dir, Durability.NO_SYNC, CACHE_MB))) {
            FoldEngine engine = new FoldEngine(storage, registry, FieldChangePublisher.NONE);
            Caller owner = Caller.localOwner();
            Map<String, Object> profile = new LinkedHashMap<>();
            for (int i = 0; i < BenchRegistry.FIELDS; i++) {
                profile.put(BenchRegistry.profileField(i), "profile value " + i);
            }
            engine.mutate(owner, new Mutation(BenchRegistry.PROFILE, Mutation.Type.CREATE, profile));
            int rows = rows(atoms);
            for (int first = 0; first < rows; first += BATCH_ROWS) {
                int from = first;
                int to = Math.min(rows, first + BATCH_ROWS);
                // One transaction per batch: the engine's transactions join it.
                storage.run(() -> {
                    for (int row = from; row < to; row++) {
                        engine.mutate(owner, new Mutation(BenchRegistry.LOG, Mutation.Type.CREATE, logRow(row, 0)));
                    }
                });
            }
        }
        Files.createFile(dir.resolve(READY));
        System.out.printf("prepared %d atoms in %s in %.1f s%n", atoms, dir, (System.nanoTime() - start) / 1e9);
        return dir;
    }

    /** Every field of a {@value BenchRegistry#LOG} row. */
    static Map<String, Object> logRow(int row, long version) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(BenchRegistry.LOG_KEY, rowKey(row));
        for (int i = 1; i < BenchRegistry.FIELDS; i++) {
            values.put(BenchRegistry.logField(i), "value " + row + "/" + i + " v" + version);
        }
        return values;
    }
}
