package org.datafold.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.datafold.api.query.Caller;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process queries: latency percentiles ({@code SampleTime}) and throughput. Run with
 * {@code -t 1} and {@code -t 4} for one and four threads.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class QueryBenchmark {

    private static final Caller OWNER = Caller.localOwner();
    private static final Query ONE_FIELD = Query.of(BenchRegistry.PROFILE, List.of(BenchRegistry.profileField(3)));
    private static final Query TEN_FIELDS;

    static {
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < BenchRegistry.FIELDS; i++) {
            fields.add(BenchRegistry.profileField(i));
        }
        TEN_FIELDS = Query.of(BenchRegistry.PROFILE, fields);
    }

    /** One field of the single schema: one atom ref read and one atom read. */
    @Benchmark
    public QueryResult singleSchemaOneField(EngineState state) {
        return state.engine.query(OWNER, ONE_FIELD);
    }

    /** The ten fields of the single schema. */
    @Benchmark
    public QueryResult singleSchemaTenFields(EngineState state) {
        return state.engine.query(OWNER, TEN_FIELDS);
    }

    /** One field of a random row of the range schema, selected by a {@code Key} filter. */
    @Benchmark
    public QueryResult rangeRowOneField(EngineState state) {
        String key = DataSet.rowKey(ThreadLocalRandom.current().nextInt(state.rows));
        return state.engine.query(OWNER, Query.of(BenchRegistry.LOG, List.of("f1"), new RangeFilter.Key(key)));
    }
}
