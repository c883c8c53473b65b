package org.datafold.api.schema;

import java.util.Map;

/**
 * Who may read and write a field.
 *
 * @param read          the read policy
 * @param write         the write policy
 * @param explicitRead  public key to count ({@code explicit_read_policy.counts_by_pub_key}); empty when absent
 * @param explicitWrite public key to count ({@code explicit_write_policy.counts_by_pub_key}); empty when absent
 */
public record PermissionPolicy(Policy read, Policy write, Map<String, Integer> explicitRead,
        Map<String, Integer> explicitWrite) {
    public PermissionPolicy {
        explicitRead = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(explicitRead));
        explicitWrite = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(explicitWrite));
    }

    /**
     * {@code "NoRequirement"} (anyone) or {@code {"Distance": n}} (callers at trust distance n or less).
     *
     * @param kind     no requirement or distance
     * @param distance the largest trust distance allowed, for {@code DISTANCE}
     */
    public record Policy(Kind kind, int distance) {
        public enum Kind { NO_REQUIREMENT, DISTANCE }

        public static final Policy NO_REQUIREMENT = new Policy(Kind.NO_REQUIREMENT, 0);

        public static Policy distance(int n) {
            return new Policy(Kind.DISTANCE, n);
        }
    }
}
