package org.datafold.mesh.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JGroups stack: the owner's file, or the built-in one, with this node's {@code ${key}}
 * placeholders replaced by configuration values (placeholders of other names are left to JGroups).
 */
final class StackTemplate {

    static final String BUILT_IN = "mesh-tcp.xml";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-z_]+)}");

    private StackTemplate() {
    }

    /** The built-in stack. */
    static String builtIn() {
        try (InputStream in = StackTemplate.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN + " is missing from the bundle");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's text when it exists, else the built-in stack. */
    static String load(Path file) throws IOException {
        return file != null && Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : builtIn();
    }

    /** Replaces the placeholders named in {@code values}. */
    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(value != null ? value : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
