package org.datafold.transforms.internal.lang;

import java.util.LinkedHashMap;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/** Builds the transform errors: messages start with {@code line:column}, also in the context as {@code position}. */
final class Errors {
    private Errors() {
    }

    static FoldException invalid(Ast.Pos pos, String message) {
        return new FoldException(ErrorCode.TRANSFORM_INVALID, pos + ": " + message,
                Map.of("position", pos.toString()), null);
    }

    static FoldException failed(Ast.Pos pos, String message) {
        return new FoldException(ErrorCode.TRANSFORM_FAILED, pos + ": " + message,
                Map.of("position", pos.toString()), null);
    }

    static FoldException failed(Ast.Pos pos, String message, Map<String, ?> extra) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("position", pos.toString());
        ctx.putAll(extra);
        return new FoldException(ErrorCode.TRANSFORM_FAILED, pos + ": " + message, ctx, null);
    }
}
