package org.datafold.payments.api;

import java.util.Map;

/**
 * The price of an operation for one caller.
 *
 * @param schema    the schema
 * @param operation query or mutation
 * @param total     whole satoshis: the sum of the fields' amounts
 * @param distance  the trust distance the price is computed at (the configured {@code unknown_distance}
 *                  for a key that is not in the trust table)
 * @param free      why the caller pays nothing ({@code owner}, {@code distance_0}, {@code exempt}), or null
 * @param fields    field name to its price, in the order asked
 */
public record PriceQuote(String schema, Operation operation, long total, int distance, String free,
        Map<String, FieldPrice> fields) {
    public PriceQuote {
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }
}
