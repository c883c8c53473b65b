package org.datafold.storage.internal.transfer;

import java.io.PrintStream;
import java.nio.file.Path;

/** Test access to the import's package-private entry point with a schema check of the test's own. */
public final class ImportAccess {

    /** A schema check for tests. */
    @FunctionalInterface
    public interface Check {
        void check(String name, String definition, long line) throws Import.ImportException;
    }

    private ImportAccess() {
    }

    public static Import.Report run(Path file, Path data, PrintStream out, Check check) throws Import.ImportException {
        return Import.run(file, data, out, check::check);
    }

    public static Import.ImportException refusal(String message) {
        return new Import.ImportException(message, null);
    }
}
