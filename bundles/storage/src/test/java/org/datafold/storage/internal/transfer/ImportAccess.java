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

    /** An import into a store encrypted as {@code settings} say (the passphrase from a file there). */
    public static Import.Report runEncrypted(Path file, Path data, PrintStream out, Check check,
            org.datafold.storage.internal.crypto.EncryptionSettings settings) throws Import.ImportException {
        return Import.run(file, data, out, check::check, settings);
    }

    public static Import.ImportException refusal(String message) {
        return new Import.ImportException(message, null);
    }
}
