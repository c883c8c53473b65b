package org.datafold.client;

import java.util.Map;

/**
 * Every failure of the client. Unchecked; branch on the subclass or on {@link #code()}, a stable
 * code string: the node's error code for {@link OperationFailed} and {@link AuthenticationFailed},
 * {@code CONNECTION_FAILED}, {@code TIMEOUT} or {@code INVALID_RESPONSE} for failures found by the
 * client (or the node's code when the node refused the connection, e.g. {@code TOO_MANY_CONNECTIONS}).
 */
public abstract class DataFoldClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    DataFoldClientException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The stable code of this failure. */
    public String code() {
        return code;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + ": " + code + ": " + getMessage();
    }

    /** The socket could not be reached, the node refused or closed the connection, or the client is closed. */
    public static final class ConnectionFailed extends DataFoldClientException {
        private static final long serialVersionUID = 1L;

        public ConnectionFailed(String message, Throwable cause) {
            this("CONNECTION_FAILED", message, cause);
        }

        public ConnectionFailed(String code, String message, Throwable cause) {
            super(code, message, cause);
        }
    }

    /** The node did not answer in time (the request may still have been carried out). */
    public static final class Timeout extends DataFoldClientException {
        private static final long serialVersionUID = 1L;

        public Timeout(String message) {
            super("TIMEOUT", message, null);
        }
    }

    /** The node refused the key or its signature; the connection is closed. */
    public static final class AuthenticationFailed extends DataFoldClientException {
        private static final long serialVersionUID = 1L;

        public AuthenticationFailed(String code, String message) {
            super(code, message, null);
        }
    }

    /** The node answered a request with an error (or {@code payment_required}). */
    public static final class OperationFailed extends DataFoldClientException {
        private static final long serialVersionUID = 1L;

        private final String operation;
        private final transient Map<String, Object> details;

        public OperationFailed(String operation, String code, String message, Map<String, Object> details) {
            super(code, message, null);
            this.operation = operation;
            this.details = details == null ? Map.of() : Map.copyOf(details);
        }

        /** The operation type of the failed request. */
        public String operation() {
            return operation;
        }

        /** The error's details (JSON values as maps, lists, strings, numbers, booleans); never null. */
        public Map<String, Object> details() {
            return details == null ? Map.of() : details;
        }
    }

    /** The node sent something that is not a valid response of the protocol. */
    public static final class InvalidResponse extends DataFoldClientException {
        private static final long serialVersionUID = 1L;

        public InvalidResponse(String message, Throwable cause) {
            super("INVALID_RESPONSE", message, cause);
        }
    }
}
