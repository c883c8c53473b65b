package org.datafold.api;

/**
 * Stable, machine-readable error codes. The names are part of the public contract: the socket
 * protocol, the shell and the logs print them, and clients branch on them. Never rename one;
 * add new codes instead.
 */
public enum ErrorCode {
    /** The request or an argument is malformed or out of range. */
    INVALID_ARGUMENT,
    /** The thing asked for does not exist. */
    NOT_FOUND,
    /** The node (or the component asked) is not ready yet or is shutting down. */
    UNAVAILABLE,
    /** Configuration is missing or invalid. */
    CONFIGURATION_INVALID,
    /** A storage operation failed for a reason other than the ones below. */
    STORAGE_FAILURE,
    /** A transaction kept conflicting with concurrent ones and gave up after its retries. */
    STORAGE_CONFLICT,
    /** The storage environment is closed or not open yet. */
    STORAGE_CLOSED,
    /** A stored value could not be written or read back as JSON. */
    SERIALIZATION_FAILURE,
    /** The stored data failed an integrity check. */
    STORAGE_CORRUPTED,
    /** The caller is not allowed to do this. */
    PERMISSION_DENIED,
    /** An unexpected internal error: a bug, reported with context. */
    INTERNAL
}
