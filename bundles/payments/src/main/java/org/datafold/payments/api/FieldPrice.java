package org.datafold.payments.api;

/**
 * The price of one field of an operation.
 *
 * @param amount   whole satoshis, 0 or more
 * @param scale    the trust distance factor applied ({@code scale(d)}), 0 when the caller pays nothing
 * @param raisedBy the minimum that raised the amount ({@code min_payment}, {@code threshold} or
 *                 {@code system_minimum}), or null when the formula's amount stood
 */
public record FieldPrice(long amount, double scale, String raisedBy) {

    public static final String MIN_PAYMENT = "min_payment";
    public static final String THRESHOLD = "threshold";
    public static final String SYSTEM_MINIMUM = "system_minimum";
}
