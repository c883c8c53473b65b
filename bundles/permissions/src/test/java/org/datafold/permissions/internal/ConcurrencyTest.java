package org.datafold.permissions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.datafold.api.permission.Access;
import org.datafold.api.permission.Decision;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.junit.jupiter.api.Test;

/** Decisions made while the trust table and the grants change see one state or the other. */
class ConcurrencyTest extends PermissionFixture {

    private static final Schema PERSON = schema("Person",
            Map.of("age", field(Policy.distance(1), Policy.distance(1), Map.of(), Map.of(), true)));

    @Test
    void decisionsDuringTrustAndGrantChangesAreConsistent() throws Exception {
        String key = newKey();
        service.trust(key, 5, "tablet");
        Caller tablet = Caller.key(key);
        AtomicBoolean done = new AtomicBoolean();
        Set<String> rules = ConcurrentHashMap.newKeySet();
        CountDownLatch started = new CountDownLatch(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                readers.add(pool.submit(() -> {
                    started.countDown();
                    int n = 0;
                    boolean last = false;
                    while (!last) {
                        last = done.get(); // one more decision once every change is made
                        Decision d = service.decide(tablet, PERSON, "age", Access.READ);
                        // allowed by distance or grant, or denied by the distance rule: nothing else
                        assertThat(d.allowed() ? d.rule().equals("Distance(1)") || d.rule().equals("grant")
                                : d.rule().equals("Distance(1)")).as(d.toString()).isTrue();
                        if (last) {
                            assertThat(d.allowed()).as("the final state").isFalse();
                        }
                        rules.add(d.allowed() + ":" + d.rule());
                        n++;
                    }
                    return n;
                }));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 50; i++) {
                service.trust("tablet", i % 2 == 0 ? 1 : 5, null);
                service.grant("tablet", "Person", "age", Access.READ, null);
                service.revoke("tablet", "Person", "age", null);
            }
            done.set(true);
            for (Future<Integer> r : readers) {
                assertThat(r.get(30, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(rules).contains("false:Distance(1)");
        // The last change (distance 5, grant revoked) is what the next decision sees.
        assertThat(service.decide(tablet, PERSON, "age", Access.READ).allowed()).isFalse();
        assertThat(service.grants()).isEmpty();
    }
}
