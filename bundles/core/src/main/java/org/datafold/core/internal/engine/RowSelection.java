package org.datafold.core.internal.engine;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

import org.datafold.api.query.RangeFilter;

/**
 * How the rows of a range schema that a {@link RangeFilter} selects are found in the
 * {@code atom_refs} repository: either by reading the keys the filter names, or by scanning the
 * keys that start with the longest literal prefix every match must have, then testing each key.
 *
 * <p>Keys are compared by code point, which is the order of their UTF-8 bytes, the order in which
 * storage returns them.
 */
final class RowSelection {

    /** Range keys in code point order (the order of their UTF-8 bytes). */
    static final Comparator<String> KEY_ORDER = RowSelection::compareCodePoints;

    /** The keys to read directly, or null to scan {@link #prefix}. */
    private final List<String> exactKeys;
    private final String prefix;
    private final RangeFilter filter;

    private RowSelection(List<String> exactKeys, String prefix, RangeFilter filter) {
        this.exactKeys = exactKeys;
        this.prefix = prefix;
        this.filter = filter;
    }

    /** The selection for a filter; null selects every row. */
    static RowSelection of(RangeFilter filter) {
        if (filter == null) {
            return new RowSelection(null, "", null);
        }
        if (filter instanceof RangeFilter.Key k) {
            return new RowSelection(List.of(k.key()), null, filter);
        }
        if (filter instanceof RangeFilter.Keys ks) {
            return new RowSelection(List.copyOf(new LinkedHashSet<>(ks.keys())), null, filter);
        }
        if (filter instanceof RangeFilter.KeyPrefix p) {
            return new RowSelection(null, p.prefix(), filter);
        }
        if (filter instanceof RangeFilter.KeyRange r) {
            return new RowSelection(null, commonPrefix(r.start(), r.end()), filter);
        }
        if (filter instanceof RangeFilter.KeyPattern p) {
            return new RowSelection(null, p.literalPrefix(), filter);
        }
        throw new IllegalArgumentException("unknown range filter " + filter.getClass().getName());
    }

    /** Whether the rows are read by key rather than found by a scan. */
    boolean isExact() {
        return exactKeys != null;
    }

    /** The keys to read, when {@link #isExact()}. */
    List<String> exactKeys() {
        return exactKeys;
    }

    /** The prefix every selected key starts with, when not {@link #isExact()}. */
    String scanPrefix() {
        return prefix;
    }

    /** Whether a key found by the scan (or named by the filter) is selected. */
    boolean matches(String key) {
        if (filter == null) {
            return true;
        }
        if (filter instanceof RangeFilter.KeyPattern p) {
            return p.matches(key);
        }
        return filter.matches(key);
    }

    private static String commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        // Never split a surrogate pair: the prefix must stay valid Unicode to be a storage key.
        if (i > 0 && Character.isHighSurrogate(a.charAt(i - 1))) {
            i--;
        }
        return a.substring(0, i);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
