package org.datafold.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.internal.engine.FieldAccessPolicy;
import org.datafold.core.internal.engine.FoldEngine;
import org.datafold.schema.internal.SchemaRegistryCore;
import org.datafold.storage.internal.JeStorage;
import org.datafold.storage.internal.StorageConfig.Durability;
import org.datafold.transforms.internal.runtime.TransformRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a transform costs, with durable ({@code SYNC}) commits. {@code Sensor.celsius} is the input
 * of the declarative transform {@code Derived.fahrenheit}; {@code Sensor.note} is read by none.
 * <ul>
 * <li>{@code mutatePlainField}: a mutation no transform reads (the baseline);</li>
 * <li>{@code mutateTransformInput}: the same mutation of an input, which also writes the queue
 * entry in its transaction (the run itself happens on the workers, after it returns);</li>
 * <li>{@code inputToOutput}: a mutation of the input until the transform's output is committed
 * (commit, queue, run, output commit): the latency an app sees before a computed field follows.</li>
 * </ul>
 * Run single-threaded ({@code -t 1}): {@code inputToOutput} waits for its own output.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class TransformBenchmark {

    private static final Caller OWNER = Caller.localOwner();

    private static final String POLICY = """
            "permission_policy": {"read_policy": {"NoRequirement": null}, "write_policy": {"Distance": 0}},
            "payment_config": {"base_multiplier": 1.0, "trust_distance_scaling": "None", "min_payment": null},
            "field_mappers": {}""";
    private static final String SENSOR = """
            {"name": "Sensor", "fields": {
              "celsius": {"field_type": "Single", %1$s, "transform": null, "writable": true},
              "note": {"field_type": "Single", %1$s, "transform": null, "writable": true}},
             "payment_config": {"base_multiplier": 1.0, "min_payment_threshold": 0}}""".formatted(POLICY);
    private static final String DERIVED = """
            {"name": "Derived", "fields": {
              "fahrenheit": {"field_type": "Single", %1$s, "writable": false, "transform": {
                "inputs": ["Sensor.celsius"], "logic": "Sensor.celsius * 9 / 5 + 32", "output": "Derived.fahrenheit"}}},
             "payment_config": {"base_multiplier": 1.0, "min_payment_threshold": 0}}""".formatted(POLICY);

    private Path dir;
    private JeStorage storage;
    private TransformRuntime transforms;
    private FoldEngine engine;
    private final BlockingQueue<FieldChangeEvent> outputs = new LinkedBlockingQueue<>();

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(DataSet.ROOT), "transforms-");
        storage = new JeStorage(BenchStorageConfig.of(dir, Durability.SYNC, 64));
        SchemaRegistryCore registry = new SchemaRegistryCore(storage, dir.resolve("no-schema-files"));
        registry.load(SENSOR, "bench");
        registry.load(DERIVED, "bench");
        registry.approve("Sensor");
        registry.approve("Derived");
        transforms = new TransformRuntime(storage, registry, TransformRuntime.Settings.defaults(), () -> false);
        engine = new FoldEngine(storage, registry, changes -> {
            for (FieldChangeEvent c : changes) {
                if (c.schema().equals("Derived")) {
                    outputs.add(c);
                }
            }
        }, FieldAccessPolicy.ALLOW_ALL, transforms, transforms);
        transforms.start();
        transforms.attach(engine);
    }

    @TearDown(Level.Trial)
    public void close() {
        transforms.close();
        storage.close();
        DataSet.delete(dir);
    }

    private MutationResult write(String field) {
        return engine.mutate(OWNER, new Mutation("Sensor", Mutation.Type.CREATE,
                Map.of(field, ThreadLocalRandom.current().nextInt(-40, 50))));
    }

    @Benchmark
    public MutationResult mutatePlainField() {
        return write("note");
    }

    @Benchmark
    public MutationResult mutateTransformInput() {
        return write("celsius");
    }

    @Benchmark
    public FieldChangeEvent inputToOutput() throws InterruptedException {
        outputs.clear();
        write("celsius");
        FieldChangeEvent out = outputs.poll(10, TimeUnit.SECONDS);
        if (out == null) {
            throw new IllegalStateException("the transform's output did not come within 10 s");
        }
        return out;
    }
}
