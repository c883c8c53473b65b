package org.datafold.support.home;

import java.nio.file.Path;

/**
 * Paths of the node's configuration and commands, resolved against the node's folder: the system
 * property {@value #PROPERTY} (set by {@code bin/datafold}), or the working directory when it is not
 * set. The one place that knows the rule.
 */
public final class HomePaths {
    /** The system property naming the node's folder. */
    public static final String PROPERTY = "datafold.home";

    private HomePaths() {
    }

    /** The node's folder (absolute). */
    public static Path home() {
        String home = System.getProperty(PROPERTY);
        return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath();
    }

    /**
     * A configured path: absolute as given, relative against the node's folder; normalized.
     *
     * @throws java.nio.file.InvalidPathException when the text is not a path
     */
    public static Path resolve(String configured) {
        Path p = Path.of(configured.strip());
        return (p.isAbsolute() ? p : home().resolve(p)).normalize();
    }
}
