package org.datafold.payments.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.testsupport.Configs;
import org.datafold.testsupport.FakePermissions;
import org.junit.jupiter.api.Test;

class PaymentSettingsTest {

    @Test
    void defaultsMatchTheMetatype() {
        PaymentSettings s = PaymentSettings.defaults();
        PaymentsConfig c = Configs.defaults(PaymentsConfig.class);
        assertThat(s.charging()).isFalse().isEqualTo(c.charging());
        assertThat(s.marketRate()).isEqualTo(100).isEqualTo(c.market__rate());
        assertThat(s.systemMinimum()).isEqualTo(50).isEqualTo(c.system__minimum());
        assertThat(s.unknownDistance()).isEqualTo(c.unknown__distance());
        assertThat(s.invoiceExpirySeconds()).isEqualTo(c.invoice__expiry__s());
        assertThat(s.holdTimeoutSeconds()).isEqualTo(c.hold__timeout__s());
        assertThat(s.lndHost()).isEqualTo(c.lnd__host());
        assertThat(s.lndPort()).isEqualTo(c.lnd__port());
        assertThat(s.exempt()).isEmpty();
    }

    @Test
    void readsStringsAndTypedValues() {
        String key = FakePermissions.randomKey();
        PaymentSettings s = PaymentSettings.from(Map.of("market_rate", " 250 ", "system_minimum", 7L,
                "unknown_distance", 5, "exempt", new String[] { "ed25519:" + key, "friend" },
                "invoice_expiry_s", "3600", "charging", "false"));
        assertThat(s.marketRate()).isEqualTo(250);
        assertThat(s.systemMinimum()).isEqualTo(7);
        assertThat(s.unknownDistance()).isEqualTo(5);
        assertThat(s.exempt()).containsExactlyInAnyOrder(key, "friend");
        assertThat(s.invoiceExpirySeconds()).isEqualTo(3600);
    }

    @Test
    void badValuesAreRefusedNamingPidAndKey() {
        refused(Map.of("market_rate", "lots"), "market_rate");
        refused(Map.of("market_rate", "-1"), "market_rate");
        refused(Map.of("system_minimum", "1.5"), "system_minimum");
        refused(Map.of("unknown_distance", "0"), "unknown_distance");
        refused(Map.of("unknown_distance", "-1"), "unknown_distance");
        refused(Map.of("invoice_expiry_s", "1"), "invoice_expiry_s");
        refused(Map.of("hold_timeout_s", "0"), "hold_timeout_s");
        refused(Map.of("lnd_port", "70000"), "lnd_port");
        refused(Map.of("lnd_host", " "), "lnd_host");
        refused(Map.of("charging", "yes"), "charging");
        refused(Map.of("exempt", "friend, not a label!"), "exempt");
    }

    @Test
    void chargingIsRefusedWhileThereIsNoBackend() {
        refused(Map.of("charging", "true"), "charging");
    }

    private static void refused(Map<String, ?> config, String key) {
        assertThatThrownBy(() -> PaymentSettings.from(config))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID))
                .hasMessageContaining("org.datafold.payments")
                .hasMessageContaining(key);
    }
}
