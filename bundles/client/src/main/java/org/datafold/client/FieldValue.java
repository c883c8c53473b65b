package org.datafold.client;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of one field in a query: a value ({@code OK}), {@code NO_VALUE} (never written),
 * {@code DENIED} or {@code ERROR} (with {@link #code()} and {@link #message()}).
 *
 * @param status   {@code OK}, {@code NO_VALUE}, {@code DENIED} or {@code ERROR}
 * @param value    the value when {@code OK} (JSON null after a delete); {@code null} otherwise
 * @param atomUuid the atom holding the value when {@code OK}
 * @param code     the error code when {@code DENIED} or {@code ERROR} (e.g. {@code PERMISSION_DENIED})
 * @param message  the reason when {@code DENIED} or {@code ERROR}
 * @param history  the versions, newest first, when the query asked for them
 */
public record FieldValue(String status, JsonNode value, String atomUuid, String code, String message,
        List<Version> history) {
    public FieldValue {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public boolean isOk() {
        return "OK".equals(status);
    }

    public boolean isDenied() {
        return "DENIED".equals(status);
    }

    /** The value as text when {@code OK} and not JSON null; else {@code null}. */
    public String asText() {
        return value == null || value.isNull() ? null : value.isValueNode() ? value.asText() : value.toString();
    }
}
