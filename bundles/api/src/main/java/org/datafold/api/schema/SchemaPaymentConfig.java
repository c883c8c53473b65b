package org.datafold.api.schema;

/**
 * The schema-level price settings.
 *
 * @param baseMultiplier       greater than 0
 * @param minPaymentThreshold  payments below this are not demanded
 */
public record SchemaPaymentConfig(double baseMultiplier, long minPaymentThreshold) {
}
