package org.datafold.payments.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.TrustDistanceScaling;
import org.datafold.payments.api.FieldPrice;
import org.junit.jupiter.api.Test;

class PriceFormulaTest {

    private static FieldPrice price(double schemaFactor, FieldPaymentConfig field, long threshold, int d) {
        return PriceFormula.fieldPrice("f", 100, schemaFactor, field, threshold, 50, d);
    }

    @Test
    void linearAtDistanceTwo() {
        FieldPrice p = price(1.5, new FieldPaymentConfig(2.0, TrustDistanceScaling.linear(0.5, 1, 1), null), 0, 2);
        assertThat(p.amount()).isEqualTo(600);
        assertThat(p.scale()).isEqualTo(2.0);
        assertThat(p.raisedBy()).isNull();
    }

    @Test
    void exponentialAtDistanceThreeRoundsUp() {
        // 100 * 1.5 * 2.0 * 2^1.5 = 848.53
        FieldPrice p = price(1.5, new FieldPaymentConfig(2.0, TrustDistanceScaling.exponential(2, 0.5, 1), null), 0,
                3);
        assertThat(p.amount()).isEqualTo(849);
        assertThat(p.raisedBy()).isNull();
    }

    @Test
    void minPaymentRaisesASmallAmount() {
        // 100 * 1.5 * 0.1 = 15, raised to the field's min_payment
        FieldPrice p = price(1.5, new FieldPaymentConfig(0.1, TrustDistanceScaling.NONE, 1000L), 0, 1);
        assertThat(p.amount()).isEqualTo(1000);
        assertThat(p.scale()).isEqualTo(1.0);
        assertThat(p.raisedBy()).isEqualTo(FieldPrice.MIN_PAYMENT);
    }

    @Test
    void twoNoneFieldsAtDistanceOne() {
        long a = price(1.5, new FieldPaymentConfig(2.0, TrustDistanceScaling.NONE, null), 0, 1).amount();
        long b = price(1.5, new FieldPaymentConfig(1.5, TrustDistanceScaling.NONE, null), 0, 1).amount();
        assertThat(a).isEqualTo(300);
        assertThat(b).isEqualTo(225);
        assertThat(PriceFormula.add(PriceFormula.add(0, a, "a"), b, "b")).isEqualTo(525);
    }

    @Test
    void eachMinimumWinsInTurn() {
        FieldPaymentConfig cheap = new FieldPaymentConfig(0.1, TrustDistanceScaling.NONE, 60L);
        // formula 15: min_payment 60 > threshold 40 > system 50? no: system 50 < 60
        assertThat(PriceFormula.fieldPrice("f", 100, 1.5, cheap, 40, 50, 1))
                .isEqualTo(new FieldPrice(60, 1.0, FieldPrice.MIN_PAYMENT));
        // the threshold is the largest
        assertThat(PriceFormula.fieldPrice("f", 100, 1.5, cheap, 70, 50, 1))
                .isEqualTo(new FieldPrice(70, 1.0, FieldPrice.THRESHOLD));
        // the system minimum is the largest
        assertThat(PriceFormula.fieldPrice("f", 100, 1.5, cheap, 70, 80, 1))
                .isEqualTo(new FieldPrice(80, 1.0, FieldPrice.SYSTEM_MINIMUM));
        // no minimum above the amount
        assertThat(PriceFormula.fieldPrice("f", 100, 1.5, cheap, 10, 20, 1))
                .isEqualTo(new FieldPrice(60, 1.0, FieldPrice.MIN_PAYMENT));
        FieldPaymentConfig noMin = new FieldPaymentConfig(1.0, TrustDistanceScaling.NONE, null);
        assertThat(PriceFormula.fieldPrice("f", 100, 1.0, noMin, 10, 20, 1))
                .isEqualTo(new FieldPrice(100, 1.0, null));
        // a tie with an earlier minimum: the earlier one is named
        assertThat(PriceFormula.fieldPrice("f", 100, 1.5, cheap, 60, 60, 1).raisedBy())
                .isEqualTo(FieldPrice.MIN_PAYMENT);
    }

    @Test
    void roundsHalfAwayFromZero() {
        FieldPaymentConfig half = new FieldPaymentConfig(0.125, TrustDistanceScaling.NONE, null);
        // 100 * 1.0 * 0.125 = 12.5 -> 13 (not 12, as banker's rounding would give)
        assertThat(PriceFormula.fieldPrice("f", 100, 1.0, half, 0, 0, 1).amount()).isEqualTo(13);
        // 100 * 1.0 * 0.105 = 10.5 exactly in decimal -> 11 (the binary double of 0.105 is below it)
        FieldPaymentConfig decimal = new FieldPaymentConfig(0.105, TrustDistanceScaling.NONE, null);
        assertThat(PriceFormula.fieldPrice("f", 100, 1.0, decimal, 0, 0, 1).amount()).isEqualTo(11);
        // 12.4999 -> 12
        FieldPaymentConfig below = new FieldPaymentConfig(0.124999, TrustDistanceScaling.NONE, null);
        assertThat(PriceFormula.fieldPrice("f", 100, 1.0, below, 0, 0, 1).amount()).isEqualTo(12);
    }

    @Test
    void negativeFactorsCountAsZeroBeforeTheMinimums() {
        FieldPaymentConfig falling = new FieldPaymentConfig(1.0, TrustDistanceScaling.linear(-1, 1, -5), null);
        assertThat(PriceFormula.fieldPrice("f", 100, 1.0, falling, 0, 0, 3))
                .isEqualTo(new FieldPrice(0, -2.0, null));
        assertThat(PriceFormula.fieldPrice("f", 100, 1.0, falling, 0, 50, 3).amount()).isEqualTo(50);
    }

    @Test
    void minFactorFloorsTheScale() {
        assertThat(PriceFormula.scale(TrustDistanceScaling.linear(0.5, 1, 3), 2)).isEqualTo(3.0);
        assertThat(PriceFormula.scale(TrustDistanceScaling.exponential(2, 0.5, 1), 0)).isEqualTo(1.0);
        assertThat(PriceFormula.scale(TrustDistanceScaling.exponential(0.5, 1, 0.25), 4)).isEqualTo(0.25);
        assertThat(PriceFormula.scale(TrustDistanceScaling.NONE, 1000)).isEqualTo(1.0);
    }

    @Test
    void negativeDistanceIsRefused() {
        assertThatThrownBy(() -> PriceFormula.scale(TrustDistanceScaling.NONE, -1))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("0 or more");
    }

    @Test
    void anAmountThatDoesNotFitIsAnErrorNotAWrap() {
        FieldPaymentConfig big = new FieldPaymentConfig(1e18, TrustDistanceScaling.NONE, null);
        assertThatThrownBy(() -> PriceFormula.fieldPrice("big", 100, 1.0, big, 0, 0, 1))
                .isInstanceOf(FoldException.class)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("overflows at field 'big'");
        // the factor itself is infinite: 10^(400)
        FieldPaymentConfig steep = new FieldPaymentConfig(1.0, TrustDistanceScaling.exponential(10, 100, 1), null);
        assertThatThrownBy(() -> PriceFormula.fieldPrice("steep", 100, 1.0, steep, 0, 0, 4))
                .isInstanceOf(FoldException.class).hasMessageContaining("overflows");
        // Long.MAX_VALUE itself fits
        FieldPaymentConfig max = new FieldPaymentConfig(1.0, TrustDistanceScaling.NONE, null);
        assertThat(PriceFormula.fieldPrice("m", Long.MAX_VALUE, 1.0, max, 0, 0, 1).amount())
                .isEqualTo(Long.MAX_VALUE);
        // the sum overflows
        assertThatThrownBy(() -> PriceFormula.add(Long.MAX_VALUE, 1, "second"))
                .isInstanceOf(FoldException.class).hasMessageContaining("overflows at field 'second'");
    }
}
