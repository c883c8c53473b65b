package org.datafold.storage.api;

import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/** The one error type of the data layer: a category, the repository/key context and the cause. */
public class StorageException extends FoldException {
    private static final long serialVersionUID = 1L;

    /** What kind of storage failure this is. */
    public enum Category {
        /** Lock conflicts or deadlocks outlasted the retries. */
        CONFLICT(ErrorCode.STORAGE_CONFLICT),
        /** The environment is closed or was never opened. */
        CLOSED(ErrorCode.STORAGE_CLOSED),
        /** A value could not be converted to or from JSON. */
        SERIALIZATION(ErrorCode.SERIALIZATION_FAILURE),
        /** The data failed an integrity check. */
        CORRUPTION(ErrorCode.STORAGE_CORRUPTED),
        /**
         * A write was refused because the disk is full or the store reached its size limit; the
         * environment stays usable (reads go on) and writes succeed again once there is room.
         */
        DISK_FULL(ErrorCode.DISK_FULL),
        /** Bad configuration (data directory, durability, cache size). */
        CONFIGURATION(ErrorCode.CONFIGURATION_INVALID),
        /** A bad argument (key, name, limit). */
        INVALID_ARGUMENT(ErrorCode.INVALID_ARGUMENT),
        /** Any other database or file-system failure. */
        FAILURE(ErrorCode.STORAGE_FAILURE);

        private final ErrorCode code;

        Category(ErrorCode code) {
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    private final Category category;

    public StorageException(Category category, String message, Map<String, ?> context, Throwable cause) {
        super(category.code(), message, context, cause);
        this.category = category;
    }

    public Category category() {
        return category;
    }
}
