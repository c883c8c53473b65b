package org.datafold.client;

import java.util.Locale;

/** The kinds of mutation. */
public enum MutationType {
    CREATE, UPDATE, DELETE;

    /** The protocol's name: {@code create}, {@code update}, {@code delete}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code create}, {@code update} or {@code delete} (any case). */
    public static MutationType parse(String text) {
        for (MutationType t : values()) {
            if (t.name().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("mutation type must be create, update or delete, not '" + text + "'");
    }
}
