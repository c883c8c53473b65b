package org.datafold.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable mutations: every commit is fsync'ed ({@code SYNC}) before {@code mutate} returns. Each
 * updates a random existing row of the range schema, so concurrent threads rarely touch the same
 * field and their commits can share an fsync (JE's group commit). Run with {@code -t 1} and
 * {@code -t 4}.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class MutationBenchmark {

    private static final Caller OWNER = Caller.localOwner();

    /** One field (plus the range key that selects the row) of a random row. */
    @Benchmark
    public MutationResult updateOneField(EngineState state) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int row = random.nextInt(state.rows);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(BenchRegistry.LOG_KEY, DataSet.rowKey(row));
        values.put("f1", "value " + row + "/1 v" + random.nextLong());
        return state.engine.mutate(OWNER, new Mutation(BenchRegistry.LOG, Mutation.Type.UPDATE, values));
    }

    /** All ten fields of a random row in one mutation (nine new atoms; the range key field stays). */
    @Benchmark
    public MutationResult updateTenFields(EngineState state) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int row = random.nextInt(state.rows);
        return state.engine.mutate(OWNER, new Mutation(BenchRegistry.LOG, Mutation.Type.UPDATE,
                DataSet.logRow(row, random.nextLong())));
    }
}
