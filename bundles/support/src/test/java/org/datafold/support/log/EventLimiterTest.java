package org.datafold.support.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class EventLimiterTest {

    record Summary(String peer, String kind, long count) {
    }

    @Test
    void aBurstIsLoggedThenCountedAndSummarisedOncePerInterval() {
        List<Summary> summaries = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        EventLimiter limiter = new EventLimiter((peer, kind, n, interval) -> summaries.add(new Summary(peer, kind, n)),
                5, Duration.ofSeconds(60), 100, now::get);
        int logged = 0;
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i < 100; i++) {
                if (limiter.admit("uid 7", "authentication-failed")) {
                    logged++;
                }
            }
            now.addAndGet(Duration.ofSeconds(60).toNanos());
        }
        limiter.flush();
        // each minute: 5 lines in full, one summary of the other 95
        assertThat(logged).isEqualTo(50);
        assertThat(summaries).hasSize(10).allSatisfy(s -> assertThat(s.count()).isEqualTo(95));
        assertThat(summaries.get(0).peer()).isEqualTo("uid 7");
        assertThat(limiter.counts()).containsEntry("authentication-failed", 1000L);
        assertThat(limiter.trackedKeys()).as("quiet keys are forgotten").isZero();
    }

    @Test
    void withinOneIntervalOnlyTheFirstFewAreLogged() {
        List<Summary> summaries = new ArrayList<>();
        EventLimiter limiter = new EventLimiter((peer, kind, n, interval) -> summaries.add(new Summary(peer, kind, n)),
                5, Duration.ofHours(1), 100);
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            if (limiter.admit("uid 7", "frame-too-large")) {
                logged++;
            }
        }
        assertThat(logged).isEqualTo(5);
        assertThat(limiter.admit("uid 8", "frame-too-large")).as("another peer has its own burst").isTrue();
        assertThat(limiter.admit("uid 7", "authentication-failed")).as("another kind has its own burst").isTrue();
        assertThat(limiter.counts()).containsEntry("frame-too-large", 10_001L).containsEntry("authentication-failed", 1L);
        assertThat(summaries).isEmpty();
    }

    @Test
    void theNumberOfTrackedPeersIsBounded() {
        EventLimiter limiter = new EventLimiter((peer, kind, n, interval) -> { }, 1, Duration.ofHours(1), 16);
        int logged = 0;
        for (int uid = 0; uid < 100_000; uid++) {
            if (limiter.admit("uid " + uid, "refused-peer")) {
                logged++;
            }
        }
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(17);
        assertThat(logged).as("16 peers with a burst of 1, then one shared burst").isEqualTo(17);
        assertThat(limiter.counts()).containsEntry("refused-peer", 100_000L);
    }
}
