package org.datafold.payments.internal.lnd;

/**
 * An invoice as LND reports it.
 *
 * @param paymentHash    hex
 * @param paymentRequest the BOLT11 request
 * @param valueSat       the amount asked
 * @param state          {@code OPEN}, {@code ACCEPTED}, {@code SETTLED} or {@code CANCELED}
 * @param amountPaidSat  what was paid (0 until settled)
 * @param createdAt      epoch seconds
 * @param expirySeconds  seconds after creation until it can no longer be paid
 * @param memo           the description
 */
public record LndInvoice(String paymentHash, String paymentRequest, long valueSat, String state, long amountPaidSat,
        long createdAt, long expirySeconds, String memo) {

    public long expiresAt() {
        return createdAt + expirySeconds;
    }
}
