package org.datafold.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The root of every error the node reports. Each carries a stable {@link ErrorCode} and a map of
 * context (what was being done, on which key, schema, file...), which the shell and the socket
 * protocol print next to the message. Context values must never hold secrets or keys.
 */
public class FoldException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, Object> context;

    public FoldException(ErrorCode code, String message) {
        this(code, message, Map.of(), null);
    }

    public FoldException(ErrorCode code, String message, Throwable cause) {
        this(code, message, Map.of(), cause);
    }

    public FoldException(ErrorCode code, String message, Map<String, ?> context, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** The stable machine-readable code. */
    public ErrorCode code() {
        return code;
    }

    /** What was being done when the error happened; never contains secrets. */
    public Map<String, Object> context() {
        return context;
    }

    /** One line: {@code CODE: message {k=v, ...}}. */
    public String describe() {
        return context.isEmpty()
                ? code + ": " + getMessage()
                : code + ": " + getMessage() + " " + context;
    }
}
