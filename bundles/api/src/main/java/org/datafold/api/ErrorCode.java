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
    /**
     * The data disk is full, or the storage reached the size limit it is configured with: writes
     * are refused, nothing is lost, reads go on. Writes succeed again once space is freed or the
     * limit is raised; the context gives the free space, the store size and the limits.
     */
    DISK_FULL,
    /** The caller is not allowed to do this. */
    PERMISSION_DENIED,
    /** An unexpected internal error: a bug, reported with context. */
    INTERNAL,
    /** No schema of that name is known to the node. */
    SCHEMA_NOT_FOUND,
    /** The schema exists but is not approved (only approved schemas can be queried or written). */
    SCHEMA_NOT_APPROVED,
    /** A schema definition breaks a rule of the format; the message names the source, path and rule. */
    SCHEMA_INVALID,
    /** A schema clashes with a known one: same name with other content, or same content under another name. */
    SCHEMA_CONFLICT,
    /** A field mapping points at an unknown schema or field, or forms a cycle. */
    MAPPING_INVALID,
    /** The schema has no field of that name. */
    FIELD_NOT_FOUND,
    /** The field refuses writes ({@code writable: false}, or the output of a transform). */
    FIELD_NOT_WRITABLE,
    /** An update or delete of a field that has no value yet. */
    NO_VALUE,
    /** A value does not fit the field, or a range key is missing or blank. */
    INVALID_VALUE,
    /** A socket request other than hello/authenticate arrived before authentication. */
    UNAUTHENTICATED,
    /** The authentication signature, key or challenge was refused. */
    AUTHENTICATION_FAILED,
    /** A frame was larger than the node accepts; the connection is closed. */
    FRAME_TOO_LARGE,
    /** A frame was not a well-formed request (bad JSON, missing or mistyped members). */
    MALFORMED_REQUEST,
    /** The operation type is not one the node knows. */
    UNKNOWN_OPERATION,
    /** No protocol version is shared by the client and the node. */
    UNSUPPORTED_PROTOCOL,
    /** The node is stopping and no longer takes requests. */
    SHUTTING_DOWN,
    /** The node has as many connections as it accepts. */
    TOO_MANY_CONNECTIONS,
    /** A request or a frame took longer than allowed. */
    TIMEOUT,
    /**
     * A transform's logic does not parse or refers to an unknown function or variable; the message
     * starts with the {@code line:column} of the problem.
     */
    TRANSFORM_INVALID,
    /**
     * Running a transform failed: a type error, a division by zero, a bad conversion, or an input
     * that has no value (the transform then does not run and writes nothing).
     */
    TRANSFORM_FAILED,
    /** An outbound network request of an app failed: connection error, time-out, response too large. */
    OUTBOUND_FAILED
}
