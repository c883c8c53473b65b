package org.datafold.bench;

import java.io.IOException;
import java.nio.file.Path;

import org.datafold.core.internal.engine.FieldChangePublisher;
import org.datafold.core.internal.engine.FoldEngine;
import org.datafold.storage.internal.JeStorage;
import org.datafold.storage.internal.StorageConfig.Durability;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** An engine over a fresh copy of a data set of {@link #atoms} atoms, with durable ({@code SYNC}) commits. */
@State(Scope.Benchmark)
public class EngineState {

    /** The number of atoms stored before the measurements. */
    @Param({"1000", "1000000"})
    public int atoms;

    JeStorage storage;
    FoldEngine engine;
    int rows;
    private Path dir;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = DataSet.freshCopy(atoms);
        storage = new JeStorage(BenchStorageConfig.of(dir, Durability.SYNC, DataSet.CACHE_MB));
        engine = new FoldEngine(storage, new BenchRegistry(), FieldChangePublisher.NONE);
        rows = DataSet.rows(atoms);
    }

    @TearDown(Level.Trial)
    public void close() {
        storage.close();
        DataSet.delete(dir);
    }
}
