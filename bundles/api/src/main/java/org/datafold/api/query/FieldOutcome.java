package org.datafold.api.query;

import java.util.List;

import org.datafold.api.ErrorCode;

/**
 * The result for one field of one row: its value, or why there is none. One field's failure never
 * hides the others.
 *
 * @param status   {@code OK} (value present, possibly null after a delete), {@code NO_VALUE} (never
 *                 written), {@code DENIED} (permission refused), {@code ERROR}
 * @param value    the JSON value (String, Number, Boolean, List, Map or null) when {@code OK}
 * @param atomUuid the atom holding the value when {@code OK}
 * @param code     the error code when {@code DENIED} or {@code ERROR}
 * @param message  a readable reason when {@code DENIED} or {@code ERROR}
 * @param history  the versions, newest first, when asked for
 */
public record FieldOutcome(Status status, Object value, String atomUuid, ErrorCode code, String message,
        List<AtomVersion> history) {
    public enum Status { OK, NO_VALUE, DENIED, ERROR }

    public FieldOutcome {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public static FieldOutcome ok(Object value, String atomUuid, List<AtomVersion> history) {
        return new FieldOutcome(Status.OK, value, atomUuid, null, null, history);
    }

    public static FieldOutcome noValue() {
        return new FieldOutcome(Status.NO_VALUE, null, null, null, null, List.of());
    }

    public static FieldOutcome denied(String message) {
        return new FieldOutcome(Status.DENIED, null, null, ErrorCode.PERMISSION_DENIED, message, List.of());
    }

    public static FieldOutcome error(ErrorCode code, String message) {
        return new FieldOutcome(Status.ERROR, null, null, code, message, List.of());
    }
}
