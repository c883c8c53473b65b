package org.datafold.transforms.internal.lang;

/**
 * The values of the language: {@code null}, numbers ({@link Double}, always finite), strings and
 * booleans, held as plain Java objects.
 */
final class Values {
    /** Integral results up to this magnitude are returned as {@link Long} and printed without ".0". */
    static final double MAX_EXACT = 9_007_199_254_740_992d; // 2^53

    private Values() {
    }

    static String typeName(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double) {
            return "number";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        return v.getClass().getSimpleName();
    }

    /** {@code 7} rather than {@code 7.0}; other numbers as {@link Double#toString(double)}. */
    static String format(double d) {
        if (d == Math.rint(d) && Math.abs(d) <= MAX_EXACT) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** The {@code to_string} rendering of any value. */
    static String toText(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return format(d);
        }
        return v.toString();
    }

    /** A string as a double-quoted literal, for messages. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** A value for messages: strings quoted, numbers formatted. */
    static String show(Object v) {
        return v instanceof String s ? quote(s) : toText(v);
    }

    /** The value handed back to callers: integral numbers become {@link Long}, others stay as they are. */
    static Object export(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) <= MAX_EXACT) {
            return Long.valueOf((long) d.doubleValue());
        }
        return v;
    }

    /**
     * Parses a number the way the language writes them (optional sign, digits, optional fraction
     * and exponent, surrounding blanks ignored); returns null if the text is not such a number.
     */
    static Double parseNumber(String text) {
        String s = text.strip();
        int k = 0;
        int n = s.length();
        if (k < n && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
            k++;
        }
        int digitsStart = k;
        while (k < n && Character.isDigit(s.charAt(k)) && s.charAt(k) < 128) {
            k++;
        }
        int intDigits = k - digitsStart;
        int fracDigits = 0;
        if (k < n && s.charAt(k) == '.') {
            k++;
            int fs = k;
            while (k < n && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                k++;
            }
            fracDigits = k - fs;
        }
        if (intDigits + fracDigits == 0) {
            return null;
        }
        if (k < n && (s.charAt(k) == 'e' || s.charAt(k) == 'E')) {
            k++;
            if (k < n && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                k++;
            }
            int es = k;
            while (k < n && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
                k++;
            }
            if (k == es) {
                return null;
            }
        }
        if (k != n) {
            return null;
        }
        double d = Double.parseDouble(s);
        return Double.isFinite(d) ? d : null;
    }
}
