package org.datafold.api.schema;

/**
 * The price of a field.
 *
 * @param baseMultiplier        greater than 0
 * @param trustDistanceScaling  how the price changes with the caller's trust distance
 * @param minPayment            the minimum payment, or null when absent (never 0)
 */
public record FieldPaymentConfig(double baseMultiplier, TrustDistanceScaling trustDistanceScaling, Long minPayment) {
}
