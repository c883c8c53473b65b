package org.datafold.api.query;

import java.util.List;
import java.util.Objects;

/**
 * Selects rows of a range schema by their range key. JSON forms: {@code {"Key": "k"}},
 * {@code {"KeyPrefix": "p"}}, {@code {"KeyRange": {"start": "a", "end": "m"}}} (end exclusive),
 * {@code {"Keys": ["a", "b"]}}, {@code {"KeyPattern": "user-*-?"}} (glob over the whole key:
 * {@code *} any run of characters, {@code ?} exactly one).
 */
public sealed interface RangeFilter {

    /** Whether a row's range key matches. */
    boolean matches(String key);

    record Key(String key) implements RangeFilter {
        public Key {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean matches(String k) {
            return key.equals(k);
        }
    }

    record KeyPrefix(String prefix) implements RangeFilter {
        public KeyPrefix {
            Objects.requireNonNull(prefix, "prefix");
        }

        @Override
        public boolean matches(String k) {
            return k.startsWith(prefix);
        }
    }

    /** Keys from {@code start} (inclusive) to {@code end} (exclusive), in string order. */
    record KeyRange(String start, String end) implements RangeFilter {
        public KeyRange {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
        }

        @Override
        public boolean matches(String k) {
            return k.compareTo(start) >= 0 && k.compareTo(end) < 0;
        }
    }

    record Keys(List<String> keys) implements RangeFilter {
        public Keys {
            keys = List.copyOf(keys);
        }

        @Override
        public boolean matches(String k) {
            return keys.contains(k);
        }
    }

    /**
     * A glob over the whole key: {@code *} matches any run of characters (including none),
     * {@code ?} exactly one character (one code point), every other character only itself. There
     * is no escape: a {@code *} or {@code ?} in a key is matched by a wildcard at that position.
     */
    record KeyPattern(String pattern) implements RangeFilter {
        public KeyPattern {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public boolean matches(String key) {
            int[] p = pattern.codePoints().toArray();
            int[] s = key.codePoints().toArray();
            int pi = 0;
            int si = 0;
            // Greedy, backtracking to the latest '*': linear in practice, O(p*s) at worst.
            int star = -1;
            int mark = 0;
            while (si < s.length) {
                if (pi < p.length && p[pi] == '*') {
                    star = pi++;
                    mark = si;
                } else if (pi < p.length && (p[pi] == '?' || p[pi] == s[si])) {
                    pi++;
                    si++;
                } else if (star >= 0) {
                    pi = star + 1;
                    si = ++mark;
                } else {
                    return false;
                }
            }
            while (pi < p.length && p[pi] == '*') {
                pi++;
            }
            return pi == p.length;
        }

        /** The characters before the first wildcard: every matching key starts with them. */
        public String literalPrefix() {
            int end = 0;
            while (end < pattern.length() && pattern.charAt(end) != '*' && pattern.charAt(end) != '?') {
                end++;
            }
            return pattern.substring(0, end);
        }
    }
}
