package org.datafold.storage.internal;

import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;

import com.sleepycat.je.DatabaseException;
import com.sleepycat.je.DiskLimitException;
import com.sleepycat.je.EnvironmentFailureException;
import com.sleepycat.je.LockConflictException;
import com.sleepycat.je.SecondaryIntegrityException;

/** Builds {@link StorageException}s and translates JE's exceptions into them. */
final class StorageErrors {

    /** Keys longer than this are shortened in error contexts. */
    private static final int MAX_CONTEXT_KEY_CHARS = 128;

    private StorageErrors() {
    }

    /**
     * The context of a repository operation; {@code null} entries are left out. The map is built
     * only when something reads or adds to it (an error), not on every operation.
     */
    static Map<String, Object> context(String repository, String key, String operation) {
        return new Context(repository, key, operation);
    }

    /** An error context that builds its entries on first use. */
    private static final class Context extends AbstractMap<String, Object> {
        private final String repository;
        private final String key;
        private final String operation;
        private Map<String, Object> entries;

        Context(String repository, String key, String operation) {
            this.repository = repository;
            this.key = key;
            this.operation = operation;
        }

        private Map<String, Object> entries() {
            if (entries == null) {
                Map<String, Object> built = new LinkedHashMap<>();
                if (repository != null) {
                    built.put("repository", repository);
                }
                if (key != null) {
                    built.put("key", key.length() <= MAX_CONTEXT_KEY_CHARS
                            ? key
                            : key.substring(0, MAX_CONTEXT_KEY_CHARS) + "...(" + key.length() + " chars)");
                }
                if (operation != null) {
                    built.put("operation", operation);
                }
                entries = built;
            }
            return entries;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return entries().entrySet();
        }

        @Override
        public Object put(String k, Object v) {
            return entries().put(k, v);
        }
    }

    static StorageException invalidArgument(String message, Map<String, ?> context) {
        return new StorageException(Category.INVALID_ARGUMENT, message, context, null);
    }

    static StorageException closed(Map<String, ?> context) {
        return new StorageException(Category.CLOSED, "storage is closed", context, null);
    }

    /** A write refused by JE's disk limits; the environment stays usable. */
    static StorageException diskFull(String message, Map<String, ?> context, Throwable cause) {
        return new StorageException(Category.DISK_FULL, message, context, cause);
    }

    /**
     * Whether {@code e} is a lock conflict or deadlock, either as JE threw it or as translated by
     * {@link #translate}; such a failure aborts the transaction, and its unit of work may be re-run.
     */
    static boolean isLockConflict(Throwable e) {
        return e instanceof LockConflictException
                || (e instanceof StorageException se && se.category() == Category.CONFLICT
                        && se.getCause() instanceof LockConflictException);
    }

    /**
     * Translates an exception thrown by JE.
     *
     * @param closed whether the storage has been closed; JE reports the use of a closed
     *               environment or database with an {@link IllegalStateException}
     */
    static StorageException translate(RuntimeException e, boolean closed, Map<String, ?> context) {
        if (e instanceof StorageException se) {
            return se;
        }
        Object operation = context.containsKey("operation") ? context.get("operation") : "operation";
        if (closed && e instanceof IllegalStateException) {
            return new StorageException(Category.CLOSED, "storage is closed", context, e);
        }
        if (e instanceof DiskLimitException) {
            return diskFull(operation + " refused: the data disk is full or the store reached its size limit: "
                    + firstLine(e), context, e);
        }
        if (e instanceof LockConflictException) {
            return new StorageException(Category.CONFLICT,
                    operation + " hit a lock conflict (" + e.getClass().getSimpleName() + ")", context, e);
        }
        if (e instanceof SecondaryIntegrityException
                || (e instanceof EnvironmentFailureException efe && efe.isCorrupted())) {
            return new StorageException(Category.CORRUPTION,
                    operation + " found corrupted data: " + firstLine(e), context, e);
        }
        if (e instanceof DatabaseException) {
            return new StorageException(Category.FAILURE,
                    operation + " failed: " + e.getClass().getSimpleName() + ": " + firstLine(e), context, e);
        }
        return new StorageException(Category.FAILURE, operation + " failed: " + e, context, e);
    }

    /** A size in bytes for messages: {@code 512 B}, {@code 1.5 KiB}, {@code 20.0 MiB}, {@code 1.0 GiB}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** JE's messages carry environment details over several lines; the first one is the gist. */
    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
