package org.datafold.apps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.datafold.api.FoldException;
import org.datafold.api.permission.PublicKeys;

/**
 * The {@code DataFold-App} manifest header: one clause in OSGi header syntax, the app id followed by
 * optional attributes:
 *
 * <pre>DataFold-App: notes;name="Notes";key="3q2+7w...="</pre>
 *
 * Values may be quoted (double quotes; a backslash escapes the next character); {@code ;} and
 * {@code ,} inside quotes are plain text. Unknown attributes and directives are ignored, so that
 * later versions can add some.
 *
 * @param id   the app id
 * @param name the display name (the id when the header gives none)
 * @param key  the declared public key in canonical form, or null when the node keeps the identity
 */
record AppHeader(String id, String name, String key) {

    /** The rule an app id follows. */
    static final String ID_RULE = "[a-z0-9][a-z0-9._-]{0,63}";
    private static final Pattern ID = Pattern.compile(ID_RULE);

    /**
     * Parses a header value.
     *
     * @throws IllegalArgumentException naming the rule the value breaks
     */
    static AppHeader parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the header is empty; it must start with the app id");
        }
        List<String> parts = split(value);
        String id = parts.get(0).strip();
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("app id '" + id + "' must match " + ID_RULE
                    + " (lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64)");
        }
        String name = null;
        String key = null;
        for (String part : parts.subList(1, parts.size())) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + p + "' is not an attribute (name=value)");
            }
            boolean directive = p.charAt(eq - 1) == ':';
            String attribute = p.substring(0, directive ? eq - 1 : eq).strip();
            String attributeValue = unquote(p.substring(eq + 1).strip());
            if (directive) {
                continue;
            }
            switch (attribute) {
                case "name" -> {
                    if (name != null) {
                        throw new IllegalArgumentException("the name attribute is given twice");
                    }
                    name = attributeValue.strip();
                }
                case "key" -> {
                    if (key != null) {
                        throw new IllegalArgumentException("the key attribute is given twice");
                    }
                    try {
                        key = PublicKeys.normalize(attributeValue);
                    } catch (FoldException e) {
                        throw new IllegalArgumentException("key: " + e.getMessage());
                    }
                }
                default -> {
                    // unknown attributes are ignored
                }
            }
        }
        return new AppHeader(id, name == null || name.isEmpty() ? id : name, key);
    }

    /** Splits at {@code ;} outside quotes; a {@code ,} outside quotes (a second clause) is refused. */
    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted && c == '\\' && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (!quoted && c == ';') {
                parts.add(current.toString());
                current.setLength(0);
            } else if (!quoted && c == ',') {
                throw new IllegalArgumentException("a bundle declares one app; ',' starts a second clause");
            } else {
                current.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted value is not closed");
        }
        parts.add(current.toString());
        return parts;
    }

    private static String unquote(String v) {
        if (!v.startsWith("\"")) {
            if (v.indexOf('"') >= 0) {
                throw new IllegalArgumentException("a value must be quoted as a whole: " + v);
            }
            return v;
        }
        if (v.length() < 2 || !v.endsWith("\"")) {
            throw new IllegalArgumentException("text after a quoted value: " + v);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                c = v.charAt(++i);
            } else if (c == '"') {
                throw new IllegalArgumentException("text after a quoted value: " + v);
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
