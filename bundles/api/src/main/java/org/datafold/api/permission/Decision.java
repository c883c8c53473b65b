package org.datafold.api.permission;

import java.util.Objects;

/**
 * The outcome of one access check.
 *
 * @param allowed whether the access is allowed
 * @param rule    the rule that decided: {@code NoRequirement}, {@code Distance(n)},
 *                {@code explicit_read_policy}, {@code explicit_write_policy}, {@code grant},
 *                {@code writable:false}, {@code transform}, {@code field_not_found},
 *                {@code schema_not_approved}, {@code invalid_key}
 * @param reason  one human-readable sentence naming the field and the rule (for a denial, the rule
 *                that failed); never contains a full key, only its fingerprint
 */
public record Decision(boolean allowed, String rule, String reason) {
    public Decision {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(reason, "reason");
    }

    public static Decision allow(String rule, String reason) {
        return new Decision(true, rule, reason);
    }

    public static Decision deny(String rule, String reason) {
        return new Decision(false, rule, reason);
    }
}
