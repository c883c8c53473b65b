package org.datafold.api.schema;

import java.util.EnumSet;
import java.util.Set;

/**
 * The structural rules of a field: what refuses a direct write of it whoever asks, the owner
 * included, before any permission is looked at. The engine (which refuses the mutation) and the
 * permission service (which denies the write) both read them here.
 */
public final class FieldRules {

    /** Why a field refuses every direct write. */
    public enum Refusal {
        /** The field is {@code writable: false}. */
        NOT_WRITABLE,
        /** The field carries a declarative transform, which computes it. */
        COMPUTED
    }

    private FieldRules() {
    }

    /** Every structural refusal of a field; empty when its definition lets it be written. */
    public static Set<Refusal> refusals(FieldDefinition def) {
        Set<Refusal> refusals = EnumSet.noneOf(Refusal.class);
        if (!def.writable()) {
            refusals.add(Refusal.NOT_WRITABLE);
        }
        if (def.transform() != null) {
            refusals.add(Refusal.COMPUTED);
        }
        return refusals;
    }

    /** Whether the definition lets the field be written directly (no structural refusal). */
    public static boolean writable(FieldDefinition def) {
        return def.writable() && def.transform() == null;
    }
}
