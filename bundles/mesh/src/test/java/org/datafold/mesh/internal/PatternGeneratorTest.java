package org.datafold.mesh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

class PatternGeneratorTest {

    @Test
    void theSeedsVectorsWithSeedSeven() {
        DigitalRootGenerator g = new DigitalRootGenerator(7, 100, 1000);
        assertThat(LongStream.rangeClosed(0, 3).map(g::value).toArray()).containsExactly(7, 4, 1, 7);
        // the cycle 7, 4, 1 repeats inside a phase
        assertThat(LongStream.rangeClosed(4, 9).map(g::value).toArray()).containsExactly(4, 1, 7, 4, 1, 7);
    }

    @Test
    void aPhaseBoundaryRestartsFromTheSeed() {
        DigitalRootGenerator g = new DigitalRootGenerator(5, 4, 10);
        // 5, dr(25)=7, dr(35)=8, dr(40)=4, then the seed again at step 4
        assertThat(LongStream.rangeClosed(0, 8).map(g::value).toArray()).containsExactly(5, 7, 8, 4, 5, 7, 8, 4, 5);
    }

    @Test
    void theCacheIsBoundedAndDoesNotChangeValues() {
        DigitalRootGenerator cached = new DigitalRootGenerator(13, 1000, 16);
        DigitalRootGenerator uncached = new DigitalRootGenerator(13, 1000, 0);
        for (long step : new long[] { 999, 5, 500, 501, 2000, 1999, 3, 3, 3 }) {
            assertThat(cached.value(step)).as("step %d", step).isEqualTo(uncached.value(step));
        }
        for (long step = 0; step < 200; step++) {
            assertThat(cached.value(step)).isEqualTo(uncached.value(step));
        }
        long[] stats = cached.cacheStats();
        assertThat(stats[2]).isLessThanOrEqualTo(16);
        assertThat(stats[0]).as("hits").isGreaterThan(0);
        assertThat(uncached.cacheStats()[2]).isZero();
    }

    @Test
    void digitalRoot() {
        assertThat(DigitalRootGenerator.digitalRoot(0)).isZero();
        assertThat(DigitalRootGenerator.digitalRoot(9)).isEqualTo(9);
        assertThat(DigitalRootGenerator.digitalRoot(49)).isEqualTo(4);
        assertThat(DigitalRootGenerator.digitalRoot(987654321)).isEqualTo(9);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new DigitalRootGenerator(0, 10, 10)).hasMessageContaining("pattern_seed");
        assertThatThrownBy(() -> new DigitalRootGenerator(DigitalRootGenerator.MAX_SEED + 1, 10, 10))
                .hasMessageContaining("pattern_seed");
        assertThatThrownBy(() -> new DigitalRootGenerator(7, 0, 10)).hasMessageContaining("phase_reset_interval");
        assertThatThrownBy(() -> new DigitalRootGenerator(7, 10, -1)).hasMessageContaining("pattern_cache_size");
        assertThatThrownBy(() -> new DigitalRootGenerator(7, 10, 10).value(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HmacGenerator("short".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("at least 16 bytes");
    }

    @Test
    void theLargestSeedDoesNotOverflow() {
        DigitalRootGenerator g = new DigitalRootGenerator(DigitalRootGenerator.MAX_SEED, 50, 10);
        // 10^9 has digit sum 1, so every later value is dr(1 * 10^9) = 1
        assertThat(g.value(0)).isEqualTo(DigitalRootGenerator.MAX_SEED);
        assertThat(g.value(1)).isEqualTo(1);
        assertThat(g.value(49)).isEqualTo(1);
    }

    @Test
    void hmacIsDeterministicPerSecretAndDiffersAcrossSecrets() {
        byte[] secret = "0123456789abcdef-mesh".getBytes(StandardCharsets.UTF_8);
        HmacGenerator a = new HmacGenerator(secret);
        HmacGenerator b = new HmacGenerator(secret.clone());
        HmacGenerator other = new HmacGenerator("another secret of 16+ bytes".getBytes(StandardCharsets.UTF_8));
        for (long step = 0; step < 50; step++) {
            assertThat(a.value(step)).isEqualTo(b.value(step)).isNotNegative();
        }
        long differing = LongStream.range(0, 50).filter(s -> a.value(s) != other.value(s)).count();
        assertThat(differing).isEqualTo(50);
        assertThat(LongStream.range(0, 50).map(a::value).distinct().count()).isEqualTo(50);
        // the secret is copied: changing the caller's array changes nothing
        long before = a.value(7);
        secret[0] ^= 1;
        assertThat(a.value(7)).isEqualTo(before);
    }
}
