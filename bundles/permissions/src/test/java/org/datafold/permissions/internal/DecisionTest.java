package org.datafold.permissions.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.datafold.api.permission.Access;
import org.datafold.api.permission.Decision;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision function, table-driven, plus grants over time and revocation. */
class DecisionTest extends PermissionFixture {

    /** Named callers of the table; their keys are made per test. */
    static final String OWNER = "owner", OWNER_KEY = "ownerKey", NEAR = "near", LIMIT = "limit", FAR = "far",
            LISTED = "listed", UNKNOWN = "unknown";

    private final Map<String, Caller> callers = new LinkedHashMap<>();
    private Schema schema;

    @BeforeEach
    void setUp() {
        String near = newKey(), limit = newKey(), far = newKey(), listed = newKey(), unknown = newKey();
        service.trust(near, 1, "near");
        service.trust(limit, 2, "limit");
        service.trust(far, 5, "far");
        service.trust(listed, 5, "listed"); // same distance as far, but in the explicit lists
        callers.put(OWNER, Caller.localOwner());
        callers.put(OWNER_KEY, Caller.key(PublicKeys.PREFIX + service.ownerKey()));
        callers.put(NEAR, Caller.key(near));
        callers.put(LIMIT, Caller.key(PublicKeys.PREFIX + limit)); // the prefixed form is the same key
        callers.put(FAR, Caller.key(far));
        callers.put(LISTED, Caller.key(listed));
        callers.put(UNKNOWN, Caller.key(unknown));

        Map<String, org.datafold.api.schema.FieldDefinition> fields = new LinkedHashMap<>();
        fields.put("open", field(Policy.NO_REQUIREMENT, Policy.NO_REQUIREMENT, Map.of(), Map.of(), true));
        fields.put("two", field(Policy.distance(2), Policy.distance(2), Map.of(listed, 1),
                Map.of(PublicKeys.PREFIX + listed, 1), true));
        fields.put("fixed", field(Policy.NO_REQUIREMENT, Policy.NO_REQUIREMENT, Map.of(), Map.of(), false));
        fields.put("secret", field(Policy.distance(0), Policy.distance(0), Map.of(), Map.of(), true));
        schema = schema("Person", fields);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // caller, field, access, allowed, rule
                Arguments.of(NEAR, "two", Access.READ, true, "Distance(2)"),         // below the limit
                Arguments.of(LIMIT, "two", Access.READ, true, "Distance(2)"),        // equal: inclusive
                Arguments.of(FAR, "two", Access.READ, false, "Distance(2)"),         // above
                Arguments.of(NEAR, "two", Access.WRITE, true, "Distance(2)"),
                Arguments.of(FAR, "two", Access.WRITE, false, "Distance(2)"),
                Arguments.of(OWNER, "secret", Access.READ, true, "Distance(0)"),     // the owner is at 0
                Arguments.of(OWNER_KEY, "secret", Access.WRITE, true, "Distance(0)"), // so is the owner's key
                Arguments.of(NEAR, "secret", Access.READ, false, "Distance(0)"),
                Arguments.of(FAR, "open", Access.READ, true, "NoRequirement"),       // NoRequirement at any distance
                Arguments.of(FAR, "open", Access.WRITE, true, "NoRequirement"),
                Arguments.of(OWNER, "open", Access.READ, true, "NoRequirement"),
                Arguments.of(LISTED, "two", Access.READ, true, "explicit_read_policy"),  // too far, but listed
                Arguments.of(LISTED, "two", Access.WRITE, true, "explicit_write_policy"),
                Arguments.of(FAR, "two", Access.READ, false, "Distance(2)"),         // same distance, not listed
                Arguments.of(OWNER, "fixed", Access.WRITE, false, "writable:false"), // even the owner
                Arguments.of(OWNER_KEY, "fixed", Access.WRITE, false, "writable:false"),
                Arguments.of(FAR, "fixed", Access.READ, true, "NoRequirement"),
                Arguments.of(OWNER, "nothing", Access.READ, false, "field_not_found"),
                Arguments.of(UNKNOWN, "open", Access.READ, true, "NoRequirement"),   // unknown key, default config
                Arguments.of(UNKNOWN, "open", Access.WRITE, false, "NoRequirement"), // unlimited writes nothing
                Arguments.of(UNKNOWN, "two", Access.READ, false, "Distance(2)"),
                Arguments.of(UNKNOWN, "two", Access.WRITE, false, "Distance(2)"));
    }

    @ParameterizedTest(name = "{0} {2} {1} -> allowed={3} by {4}")
    @MethodSource("table")
    void decides(String caller, String field, Access access, boolean allowed, String rule) {
        Decision d = service.decide(callers.get(caller), schema, field, access);

        assertThat(d.allowed()).as(d.reason()).isEqualTo(allowed);
        assertThat(d.rule()).isEqualTo(rule);
        assertThat(d.reason()).contains("Person." + field);
        if (!allowed) {
            assertThat(d.reason()).contains(rule.equals("field_not_found") ? "no field" : rule);
        }
    }

    @Test
    void unknownKeysAreAtUnlimitedDistanceByDefaultAndAtTheConfiguredOneOtherwise() {
        Caller unknown = callers.get(UNKNOWN);
        assertThat(service.distance(unknown)).isEqualTo(org.datafold.api.permission.PermissionService.UNLIMITED);
        assertThat(service.distance(Caller.localOwner())).isZero();
        assertThat(service.distance(callers.get(NEAR))).isEqualTo(1);

        restart(config(2, 30, 10000));

        assertThat(service.distance(unknown)).isEqualTo(2);
        assertThat(service.decide(unknown, schema, "two", Access.READ).allowed()).isTrue();
        assertThat(service.decide(unknown, schema, "open", Access.WRITE).allowed()).isTrue();
        assertThat(service.decide(unknown, schema, "secret", Access.READ).allowed()).isFalse();
    }

    @Test
    void theOldNameOfTheUnknownKeyDistanceIsStillRead() {
        service.close();
        // as Declarative Services activates it from a file of an earlier release: only the old key is set
        service = new PermissionServiceImpl(config(-1, 30, 10000), Map.of("unknownKeyDistance", "2"), storage);

        assertThat(service.distance(callers.get(UNKNOWN))).isEqualTo(2);
    }

    @Test
    void aMalformedCallerKeyIsDeniedNotAnError() {
        Decision d = service.decide(Caller.key("not-a-key"), schema, "open", Access.READ);

        assertThat(d.allowed()).isFalse();
        assertThat(d.rule()).isEqualTo("invalid_key");
    }

    @Test
    void aGrantWidensAccessUntilItExpires() {
        Caller far = callers.get(FAR);
        assertThat(service.decide(far, schema, "two", Access.READ).allowed()).isFalse();

        service.grant("far", "Person", "two", Access.READ, Duration.ofMinutes(10));

        assertThat(service.decide(far, schema, "two", Access.READ)).satisfies(d -> {
            assertThat(d.allowed()).isTrue();
            assertThat(d.rule()).isEqualTo("grant");
        });
        assertThat(service.decide(far, schema, "two", Access.WRITE).allowed()).as("read only").isFalse();
        assertThat(service.decide(far, schema, "secret", Access.READ).allowed()).as("that field only").isFalse();
        assertThat(service.grants()).hasSize(1);

        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        assertThat(service.decide(far, schema, "two", Access.READ).allowed()).isTrue();

        clock.advance(Duration.ofSeconds(1));
        assertThat(service.decide(far, schema, "two", Access.READ).allowed()).isFalse();
        assertThat(service.grants()).isEmpty();
    }

    @Test
    void aSchemaWideWriteGrantCoversEveryFieldButNotUnwritableOnes() {
        Caller unknown = callers.get(UNKNOWN);
        service.grant(PublicKeys.PREFIX + unknown.publicKey(), "Person", null, Access.WRITE, null);

        assertThat(service.decide(unknown, schema, "secret", Access.WRITE).allowed()).isTrue();
        assertThat(service.decide(unknown, schema, "open", Access.WRITE).allowed()).isTrue();
        assertThat(service.decide(unknown, schema, "secret", Access.READ).allowed()).isFalse();
        assertThat(service.decide(unknown, schema, "fixed", Access.WRITE).allowed()).isFalse();
        assertThat(service.decide(unknown, schema("Other", schema.fields()), "secret", Access.WRITE).allowed())
                .isFalse();
    }

    @Test
    void aRevokedGrantNoLongerWidensAccess() {
        Caller far = callers.get(FAR);
        service.grant("far", "Person", "secret", Access.READ, null);
        service.grant("far", "Person", "secret", Access.WRITE, null);
        assertThat(service.decide(far, schema, "secret", Access.READ).allowed()).isTrue();

        assertThat(service.revoke("far", "Person", "secret", Access.READ)).hasSize(1);

        assertThat(service.decide(far, schema, "secret", Access.READ).allowed()).isFalse();
        assertThat(service.decide(far, schema, "secret", Access.WRITE).allowed()).as("the other grant stays").isTrue();
        assertThat(service.revoke("far", "Person", "secret", null)).hasSize(1);
        assertThat(service.revoke("far", "Person", "secret", null)).isEmpty();
        assertThat(service.grants()).isEmpty();
    }

    @Test
    void trustChangesTakeEffectOnTheNextDecision() {
        Caller far = callers.get(FAR);
        assertThat(service.decide(far, schema, "two", Access.READ).allowed()).isFalse();

        service.trust("far", 2, null);
        assertThat(service.decide(far, schema, "two", Access.READ).allowed()).isTrue();
        assertThat(service.keys()).filteredOn(e -> "far".equals(e.label())).singleElement()
                .satisfies(e -> assertThat(e.distance()).isEqualTo(2));

        assertThat(service.untrust("far")).isTrue();
        assertThat(service.decide(far, schema, "two", Access.READ).allowed()).isFalse();
        assertThat(service.distance(far)).isEqualTo(org.datafold.api.permission.PermissionService.UNLIMITED);
    }
}
