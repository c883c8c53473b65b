package org.datafold.transforms.internal.lang;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The built-in functions. Names and argument counts are checked at parse time; argument types at
 * run time. {@code maxArgs < 0} means "any number".
 */
enum Builtin {
    /** {@code min(n1, n2, ...)}: the smallest of one or more numbers. */
    MIN(1, -1),
    /** {@code max(n1, n2, ...)}: the largest of one or more numbers. */
    MAX(1, -1),
    /** {@code clamp(x, lo, hi)}: x limited to [lo, hi]; lo must not exceed hi. */
    CLAMP(3, 3),
    /** {@code concat(v1, v2, ...)}: the {@code to_string} of each argument, joined. */
    CONCAT(1, -1),
    /** {@code to_string(v)}: numbers without a needless ".0", booleans and null as words. */
    TO_STRING(1, 1),
    /** {@code to_number(v)}: numbers as is, numeric strings parsed, true/false as 1/0; else an error. */
    TO_NUMBER(1, 1),
    /** {@code to_boolean(v)}: booleans as is, "true"/"false", numbers (0 is false); else an error. */
    TO_BOOLEAN(1, 1);

    final int minArgs;
    final int maxArgs;

    Builtin(int minArgs, int maxArgs) {
        this.minArgs = minArgs;
        this.maxArgs = maxArgs;
    }

    /** The name as written in logic. */
    String fnName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Builtin> byName(String name) {
        return Arrays.stream(values()).filter(b -> b.fnName().equals(name)).findFirst();
    }

    static String allNames() {
        return Arrays.stream(values()).map(Builtin::fnName).sorted().collect(Collectors.joining(", "));
    }

    String arity() {
        if (maxArgs < 0) {
            return "at least " + minArgs + " argument" + (minArgs == 1 ? "" : "s");
        }
        return minArgs == maxArgs
                ? minArgs + " argument" + (minArgs == 1 ? "" : "s")
                : minArgs + " to " + maxArgs + " arguments";
    }

    Object apply(Ast.Pos pos, List<Object> args) {
        return switch (this) {
            case MIN, MAX -> {
                double best = number(pos, args, 0);
                for (int k = 1; k < args.size(); k++) {
                    double d = number(pos, args, k);
                    best = this == MIN ? Math.min(best, d) : Math.max(best, d);
                }
                yield best;
            }
            case CLAMP -> {
                double x = number(pos, args, 0);
                double lo = number(pos, args, 1);
                double hi = number(pos, args, 2);
                if (lo > hi) {
                    throw Errors.failed(pos, "clamp: lower bound " + Values.format(lo)
                            + " is greater than upper bound " + Values.format(hi));
                }
                yield Math.max(lo, Math.min(hi, x));
            }
            case CONCAT -> args.stream().map(Values::toText).collect(Collectors.joining());
            case TO_STRING -> Values.toText(args.get(0));
            case TO_NUMBER -> {
                Object v = args.get(0);
                if (v instanceof Double) {
                    yield v;
                }
                if (v instanceof Boolean b) {
                    yield b ? 1d : 0d;
                }
                if (v instanceof String s) {
                    Double d = Values.parseNumber(s);
                    if (d == null) {
                        throw Errors.failed(pos, "to_number: " + Values.quote(s) + " is not a number");
                    }
                    yield d;
                }
                throw Errors.failed(pos, "to_number: cannot convert " + Values.typeName(v) + " to a number");
            }
            case TO_BOOLEAN -> {
                Object v = args.get(0);
                if (v instanceof Boolean) {
                    yield v;
                }
                if (v instanceof Double d) {
                    yield d != 0d;
                }
                if ("true".equals(v)) {
                    yield true;
                }
                if ("false".equals(v)) {
                    yield false;
                }
                throw Errors.failed(pos, "to_boolean: cannot convert " + Values.show(v)
                        + " (" + Values.typeName(v) + ") to a boolean");
            }
        };
    }

    private double number(Ast.Pos pos, List<Object> args, int index) {
        Object v = args.get(index);
        if (v instanceof Double d) {
            return d;
        }
        throw Errors.failed(pos, fnName() + ": argument " + (index + 1) + " must be a number, not "
                + Values.typeName(v));
    }
}
