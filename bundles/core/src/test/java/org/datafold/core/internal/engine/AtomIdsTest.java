package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class AtomIdsTest {

    @Test
    void idsAreVersionSevenUuidsThatGrowWithTimeAndWithinAMillisecond() {
        List<String> ids = new ArrayList<>();
        long now = System.currentTimeMillis() + 60_000;
        for (int i = 0; i < 10_000; i++) {
            ids.add(AtomIds.next(now));          // many in one millisecond: the sequence counts up
        }
        ids.add(AtomIds.next(now + 1));
        ids.add(AtomIds.next(now - 5_000));       // a clock step back still gives a larger id
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        }
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        UUID first = UUID.fromString(ids.get(0));
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(first.getMostSignificantBits() >>> 16).isEqualTo(now);
    }
}
