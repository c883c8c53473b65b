package org.datafold.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what slf4j-simple writes (to the current {@code System.err}) while open, and passes it
 * on when closed. Meant for single-threaded tests: {@code System.err} is global.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public LogCapture() {
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    /** The lines written so far. */
    public List<String> lines() {
        System.err.flush();
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines of the security log (logger {@code org.datafold.security}). */
    public List<String> security() {
        return lines().stream().filter(l -> l.contains("org.datafold.security")).toList();
    }

    /** The lines at level WARN. */
    public List<String> warnings() {
        return lines().stream().filter(l -> l.contains(" WARN ")).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
        original.print(bytes.toString(StandardCharsets.UTF_8));
    }
}
