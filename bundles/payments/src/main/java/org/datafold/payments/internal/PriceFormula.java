package org.datafold.payments.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldPaymentConfig;
import org.datafold.api.schema.TrustDistanceScaling;
import org.datafold.payments.api.FieldPrice;

/**
 * The price of one field: {@code round(market_rate * schema multiplier * field multiplier * scale(d))},
 * rounded half away from zero, then raised in turn to the field's {@code min_payment}, the schema's
 * {@code min_payment_threshold} and the node's system minimum. The product is computed in decimal
 * (the multipliers as written, not their binary approximations), so {@code 100 * 1.5 * 0.1} is 15.
 * An amount that does not fit a {@code long} is an error, never a wrap; a negative amount (a scaling
 * with a negative factor) counts as 0 before the minimums.
 */
public final class PriceFormula {

    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    private PriceFormula() {
    }

    /**
     * {@code scale(d)}: 1 for {@code None}, {@code max(slope*d + intercept, min_factor)} for
     * {@code Linear}, {@code max(base^(scale*d), min_factor)} for {@code Exponential}.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} for a negative distance or a factor that is not a
     *         finite number
     */
    public static double scale(TrustDistanceScaling scaling, int distance) {
        if (distance < 0) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a trust distance is 0 or more (was " + distance + ")");
        }
        double factor = switch (scaling.kind()) {
            case NONE -> 1.0;
            case LINEAR -> Math.max(scaling.slope() * distance + scaling.intercept(), scaling.minFactor());
            case EXPONENTIAL -> Math.max(Math.pow(scaling.base(), scaling.scale() * distance), scaling.minFactor());
        };
        if (!Double.isFinite(factor)) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "the price factor at trust distance " + distance
                    + " is not a finite number (" + factor + "): the price overflows");
        }
        return factor;
    }

    /**
     * The price of one field.
     *
     * @param field         the field's name, for messages
     * @param marketRate    satoshis, 0 or more
     * @param schemaFactor  the schema's {@code base_multiplier}
     * @param payment       the field's payment configuration
     * @param threshold     the schema's {@code min_payment_threshold}
     * @param systemMinimum the node's minimum, 0 or more
     * @param distance      the caller's trust distance, 0 or more
     */
    public static FieldPrice fieldPrice(String field, long marketRate, double schemaFactor, FieldPaymentConfig payment,
            long threshold, long systemMinimum, int distance) {
        double scale = scale(payment.trustDistanceScaling(), distance);
        BigDecimal exact = BigDecimal.valueOf(marketRate)
                .multiply(BigDecimal.valueOf(schemaFactor))
                .multiply(BigDecimal.valueOf(payment.baseMultiplier()))
                .multiply(BigDecimal.valueOf(scale));
        BigDecimal rounded = exact.setScale(0, RoundingMode.HALF_UP);
        if (rounded.compareTo(MAX) > 0) {
            throw overflow(field, rounded.toPlainString());
        }
        long amount = Math.max(0, rounded.longValueExact());
        String raisedBy = null;
        Long minPayment = payment.minPayment();
        if (minPayment != null && minPayment > amount) {
            amount = minPayment;
            raisedBy = FieldPrice.MIN_PAYMENT;
        }
        if (threshold > amount) {
            amount = threshold;
            raisedBy = FieldPrice.THRESHOLD;
        }
        if (systemMinimum > amount) {
            amount = systemMinimum;
            raisedBy = FieldPrice.SYSTEM_MINIMUM;
        }
        return new FieldPrice(amount, scale, raisedBy);
    }

    /** {@code a + b}, or {@code INVALID_ARGUMENT} when the sum does not fit. */
    public static long add(long total, long amount, String field) {
        try {
            return Math.addExact(total, amount);
        } catch (ArithmeticException e) {
            throw overflow(field, "more than " + Long.MAX_VALUE);
        }
    }

    private static FoldException overflow(String field, String amount) {
        return new FoldException(ErrorCode.INVALID_ARGUMENT, "the price overflows at field '" + field + "' ("
                + amount + " sat does not fit a 64-bit amount)");
    }
}
