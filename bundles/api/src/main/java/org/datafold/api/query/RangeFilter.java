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

    /** A glob over the whole key: {@code *} matches any run of characters, {@code ?} exactly one. */
    record KeyPattern(String pattern) implements RangeFilter {
        public KeyPattern {
            Objects.requireNonNull(pattern, "pattern");
        }

        @Override
        public boolean matches(String k) {
            return glob(pattern, 0, k, 0);
        }

        private static boolean glob(String p, int pi, String s, int si) {
            // Iterative matcher with backtracking to the last '*'.
            int star = -1;
            int mark = 0;
            while (si < s.length()) {
                if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                    pi++;
                    si++;
                } else if (pi < p.length() && p.charAt(pi) == '*') {
                    star = pi++;
                    mark = si;
                } else if (star >= 0) {
                    pi = star + 1;
                    si = ++mark;
                } else {
                    return false;
                }
            }
            while (pi < p.length() && p.charAt(pi) == '*') {
                pi++;
            }
            return pi == p.length();
        }
    }
}
