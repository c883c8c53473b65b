package org.datafold.payments.api;

/** The kind of operation a price is for. */
public enum Operation {
    QUERY,
    MUTATION;

    /** {@code query} or {@code mutation}, case-insensitive. */
    public static Operation parse(String text) {
        for (Operation op : values()) {
            if (op.name().equalsIgnoreCase(text)) {
                return op;
            }
        }
        throw new IllegalArgumentException("operation must be query or mutation (was '" + text + "')");
    }
}
