package org.datafold.transport.uds.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void percentilesComeFromTheBuckets() {
        Stats.Histogram h = new Stats.Histogram();
        assertThat(h.percentileMicros(0.5)).isZero();
        for (int i = 0; i < 90; i++) {
            h.record(TimeUnit.MICROSECONDS.toNanos(50));
        }
        for (int i = 0; i < 9; i++) {
            h.record(TimeUnit.MICROSECONDS.toNanos(1000));
        }
        h.record(TimeUnit.SECONDS.toNanos(2));
        assertThat(h.total()).isEqualTo(100);
        // each answer is the upper bound of its bucket: at most 19 % above the value
        assertThat(h.percentileMicros(0.5)).isBetween(50.0, 60.0);
        assertThat(h.percentileMicros(0.9)).isBetween(50.0, 60.0);
        assertThat(h.percentileMicros(0.99)).isBetween(1000.0, 1190.0);
        assertThat(h.percentileMicros(1.0)).isBetween(2_000_000.0, 2_380_000.0);
    }

    @Test
    void errorsAreCountedByCode() {
        Stats s = new Stats();
        s.record("query", 1000, null);
        s.record("query", 1000, "SCHEMA_NOT_FOUND");
        s.record("query", 1000, "SCHEMA_NOT_FOUND");
        assertThat(s.op("query").count.sum()).isEqualTo(3);
        assertThat(s.op("query").errorCount()).isEqualTo(2);
        assertThat(s.op("query").errors.get("SCHEMA_NOT_FOUND").sum()).isEqualTo(2);
    }
}
