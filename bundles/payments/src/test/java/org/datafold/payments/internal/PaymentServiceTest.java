package org.datafold.payments.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TrustDistanceScaling;
import org.datafold.payments.api.FieldPrice;
import org.datafold.payments.api.Operation;
import org.datafold.payments.api.PriceQuote;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.testsupport.FakePermissions;
import org.junit.jupiter.api.Test;

class PaymentServiceTest {

    /** The examples: market rate 100, schema multiplier 1.5, system minimum 50. */
    static Schema shop() {
        Map<String, FieldDefinition> fields = new LinkedHashMap<>();
        fields.put("linear", field(new FieldPaymentConfig(2.0, TrustDistanceScaling.linear(0.5, 1, 1), null)));
        fields.put("exponential", field(new FieldPaymentConfig(2.0, TrustDistanceScaling.exponential(2, 0.5, 1),
                null)));
        fields.put("cheap", field(new FieldPaymentConfig(0.1, TrustDistanceScaling.NONE, 1000L)));
        fields.put("double", field(new FieldPaymentConfig(2.0, TrustDistanceScaling.NONE, null)));
        fields.put("oneandahalf", field(new FieldPaymentConfig(1.5, TrustDistanceScaling.NONE, null)));
        return new Schema("Shop", SchemaType.SINGLE, fields, new SchemaPaymentConfig(1.5, 0), "hash");
    }

    static FieldDefinition field(FieldPaymentConfig payment) {
        PermissionPolicy open = new PermissionPolicy(Policy.NO_REQUIREMENT, Policy.NO_REQUIREMENT, Map.of(), Map.of());
        return new FieldDefinition(FieldType.SINGLE, open, payment, Map.of(), null, true, null);
    }

    private final FakePermissions permissions = new FakePermissions();
    private final PaymentService service = service(Map.of());

    PaymentService service(Map<String, ?> config) {
        return new PaymentService(PaymentSettings.from(config), new OneSchema(shop()), permissions);
    }

    private Caller at(int distance) {
        String key = FakePermissions.randomKey();
        permissions.trust(key, distance, null);
        return Caller.key(key);
    }

    private PriceQuote quote(Caller caller, String... fields) {
        return service.quote(caller, "Shop", List.of(fields), Operation.QUERY);
    }

    @Test
    void theWorkedExamples() {
        assertThat(quote(at(2), "linear").total()).isEqualTo(600);
        assertThat(quote(at(3), "exponential").total()).isEqualTo(849);
        PriceQuote cheap = quote(at(1), "cheap");
        assertThat(cheap.total()).isEqualTo(1000);
        assertThat(cheap.fields().get("cheap").raisedBy()).isEqualTo(FieldPrice.MIN_PAYMENT);
        PriceQuote two = quote(at(1), "double", "oneandahalf");
        assertThat(two.total()).isEqualTo(525);
        assertThat(two.distance()).isEqualTo(1);
        assertThat(two.free()).isNull();
        assertThat(two.fields()).containsOnlyKeys("double", "oneandahalf");
        assertThat(two.fields().get("double")).isEqualTo(new FieldPrice(300, 1.0, null));
        assertThat(two.fields().get("oneandahalf")).isEqualTo(new FieldPrice(225, 1.0, null));
    }

    @Test
    void theOwnerAndDistanceZeroPayNothing() {
        PriceQuote owner = quote(Caller.localOwner(), "linear", "cheap");
        assertThat(owner.total()).isZero();
        assertThat(owner.free()).isEqualTo(PaymentService.FREE_OWNER);
        assertThat(owner.fields().get("cheap")).isEqualTo(new FieldPrice(0, 0, null));
        assertThat(quote(Caller.key(permissions.ownerKey()), "linear").free()).isEqualTo(PaymentService.FREE_OWNER);
        PriceQuote zero = quote(at(0), "linear");
        assertThat(zero.total()).isZero();
        assertThat(zero.free()).isEqualTo(PaymentService.FREE_DISTANCE_0);
    }

    @Test
    void exemptKeysAndLabelsPayNothing() {
        String byKey = FakePermissions.randomKey();
        String labelled = FakePermissions.randomKey();
        permissions.trust(labelled, 4, "friend");
        PaymentService exempting = service(Map.of("exempt", "ed25519:" + byKey + ", friend"));
        PriceQuote a = exempting.quote(Caller.key(byKey), "Shop", List.of("linear"), Operation.MUTATION);
        assertThat(a.total()).isZero();
        assertThat(a.free()).isEqualTo(PaymentService.FREE_EXEMPT);
        PriceQuote b = exempting.quote(Caller.key(labelled), "Shop", List.of("linear"), Operation.QUERY);
        assertThat(b.total()).isZero();
        assertThat(b.distance()).isEqualTo(4);
        // someone else still pays
        assertThat(exempting.quote(at(2), "Shop", List.of("linear"), Operation.QUERY).total()).isEqualTo(600);
    }

    @Test
    void unknownAndMalformedKeysArePricedAtTheConfiguredDistance() {
        PaymentService s = service(Map.of("unknown_distance", "2"));
        PriceQuote unknown = s.quote(Caller.key(FakePermissions.randomKey()), "Shop", List.of("linear"),
                Operation.QUERY);
        assertThat(unknown.distance()).isEqualTo(2);
        assertThat(unknown.total()).isEqualTo(600);
        PriceQuote malformed = s.quote(Caller.key("not a key"), "Shop", List.of("linear"), Operation.QUERY);
        assertThat(malformed.distance()).isEqualTo(2);
        assertThat(malformed.total()).isEqualTo(600);
        // the default unknown distance is 3: Linear 0.5*3+1 = 2.5 -> 100*1.5*2*2.5 = 750
        assertThat(quote(Caller.key(FakePermissions.randomKey()), "linear").total()).isEqualTo(750);
    }

    @Test
    void marketRateAndSystemMinimumComeFromTheConfiguration() {
        PaymentService s = service(Map.of("market_rate", "10", "system_minimum", "40"));
        PriceQuote q = s.quote(at(1), "Shop", List.of("double", "oneandahalf"), Operation.QUERY);
        // 10*1.5*2 = 30 -> 40 (system minimum); 10*1.5*1.5 = 22.5 -> 23 -> 40
        assertThat(q.fields().get("double")).isEqualTo(new FieldPrice(40, 1.0, FieldPrice.SYSTEM_MINIMUM));
        assertThat(q.total()).isEqualTo(80);
    }

    @Test
    void aFieldNamedTwiceIsPricedOnce() {
        assertThat(quote(at(1), "double", "double").total()).isEqualTo(300);
    }

    @Test
    void unknownSchemasAndFieldsAreRefused() {
        assertThatThrownBy(() -> quote(at(1), "nope"))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.FIELD_NOT_FOUND))
                .hasMessageContaining("no field 'nope'");
        assertThatThrownBy(() -> service.quote(at(1), "Other", List.of("x"), Operation.QUERY))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> service.quote(at(1), "Shop", List.of(), Operation.QUERY))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void anOverflowingAmountOrTotalIsAnError() {
        PaymentService half = service(Map.of("market_rate", Long.toString(Long.MAX_VALUE / 2)));
        // one field: MAX/2 * 1.5 * 2 * 1.5 does not fit
        assertThatThrownBy(() -> half.quote(at(1), "Shop", List.of("linear"), Operation.QUERY))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("overflows at field 'linear'");
        PaymentService quarter = service(Map.of("market_rate", Long.toString(Long.MAX_VALUE / 4)));
        // each field fits (0.75 and 0.56 of MAX), their sum does not
        assertThat(quarter.quote(at(1), "Shop", List.of("double"), Operation.QUERY).total()).isPositive();
        assertThatThrownBy(() -> quarter.quote(at(1), "Shop", List.of("double", "oneandahalf"), Operation.QUERY))
                .isInstanceOf(FoldException.class)
                .hasMessageContaining("overflows at field 'oneandahalf'");
    }

    /** A registry holding one schema. */
    static final class OneSchema implements SchemaRegistry {
        private final Schema schema;

        OneSchema(Schema schema) {
            this.schema = schema;
        }

        @Override
        public SchemaInfo get(String name) {
            if (!schema.name().equals(name)) {
                throw new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema " + name);
            }
            return new SchemaInfo(schema, SchemaState.APPROVED, "test");
        }

        @Override
        public List<SchemaInfo> all() {
            return List.of(get(schema.name()));
        }

        @Override
        public Optional<SchemaInfo> find(String name) {
            return schema.name().equals(name) ? Optional.of(get(name)) : Optional.empty();
        }

        @Override
        public Schema approved(String name) {
            return get(name).schema();
        }

        @Override
        public SchemaInfo load(String json, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SchemaInfo approve(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SchemaInfo block(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SchemaInfo unload(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DiscoveryReport discover() {
            throw new UnsupportedOperationException();
        }

        @Override
        public DiscoveryReport lastDiscovery() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long generation() {
            return 1;
        }
    }
}
