package org.datafold.transforms.internal.lang;

import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/**
 * A transform cannot run because one or more of its {@code Schema.field} inputs has no value. Code
 * {@link ErrorCode#TRANSFORM_FAILED}; callers tell it apart by its type (or the context entry
 * {@code reason=missing_input}) and report "does not run because input X has no value" instead of
 * writing anything.
 */
public final class MissingInputException extends FoldException {
    private static final long serialVersionUID = 1L;

    private final List<String> missing;

    MissingInputException(List<String> missing) {
        super(ErrorCode.TRANSFORM_FAILED,
                "transform does not run: input" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                        + (missing.size() == 1 ? " has" : " have") + " no value",
                Map.of("reason", "missing_input", "inputs", List.copyOf(missing)), null);
        this.missing = List.copyOf(missing);
    }

    /** The inputs without a value, in the order the logic first uses them. */
    public List<String> missing() {
        return missing;
    }
}
