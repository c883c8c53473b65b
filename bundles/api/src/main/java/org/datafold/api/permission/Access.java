package org.datafold.api.permission;

/** What a caller wants to do with a field. */
public enum Access {
    READ,
    WRITE;

    /** {@code read} or {@code write}. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
