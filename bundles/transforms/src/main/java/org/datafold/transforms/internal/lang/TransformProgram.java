package org.datafold.transforms.internal.lang;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/**
 * A declarative transform's {@code logic}, parsed and checked. See {@code docs/transforms.md} for
 * the language. Immutable and thread-safe: one program may be evaluated concurrently.
 *
 * <pre>{@code
 * TransformProgram p = TransformProgram.parse("TransformBase.value1 + TransformBase.value2");
 * p.inputs();                                                        // [TransformBase.value1, TransformBase.value2]
 * p.evaluate(Map.of("TransformBase.value1", 2, "TransformBase.value2", 3)); // 5L
 * }</pre>
 */
public final class TransformProgram {
    private final String logic;
    private final Ast.Block block;
    private final Set<String> inputs;

    private TransformProgram(String logic, Ast.Block block, Set<String> inputs) {
        this.logic = logic;
        this.block = block;
        this.inputs = inputs;
    }

    /**
     * Parses and validates logic: syntax, known functions and their argument counts, and that every
     * variable is bound by a {@code let}.
     *
     * @throws FoldException {@link ErrorCode#TRANSFORM_INVALID}, message starting with {@code line:column}
     */
    public static TransformProgram parse(String logic) {
        Objects.requireNonNull(logic, "logic");
        Parser.Parsed parsed = Parser.parse(logic);
        return new TransformProgram(logic, parsed.block(), parsed.inputs());
    }

    /** The names of the built-in functions. */
    public static Set<String> functions() {
        Set<String> names = new java.util.TreeSet<>();
        for (Builtin b : Builtin.values()) {
            names.add(b.fnName());
        }
        return names;
    }

    /** The logic text as given. */
    public String logic() {
        return logic;
    }

    /** The {@code Schema.field} references the logic uses, in order of first use (unmodifiable). */
    public Set<String> inputs() {
        return inputs;
    }

    /**
     * Runs the program. {@code inputs} maps {@code Schema.field} to the field's value: a
     * {@link Number}, {@link String} or {@link Boolean}. Every input the logic references must be
     * present with a non-null value, otherwise the program does not run at all (even if the
     * reference sits in a branch that would not be taken).
     *
     * @return null, a {@link String}, a {@link Boolean}, a {@link Long} (integral numbers up to
     *         2^53 in magnitude) or a {@link Double}
     * @throws MissingInputException if an input has no value
     * @throws FoldException {@link ErrorCode#TRANSFORM_FAILED} on a type error, division by zero,
     *         failed conversion or non-finite result
     */
    public Object evaluate(Map<String, ?> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        List<String> missing = new ArrayList<>();
        Map<String, Object> values = new HashMap<>();
        for (String ref : this.inputs) {
            Object raw = inputs.get(ref);
            if (raw == null) {
                missing.add(ref);
            } else {
                values.put(ref, toValue(ref, raw));
            }
        }
        if (!missing.isEmpty()) {
            throw new MissingInputException(missing);
        }
        return Values.export(new Evaluator(values).run(block));
    }

    private static Object toValue(String ref, Object raw) {
        if (raw instanceof String || raw instanceof Boolean) {
            return raw;
        }
        if (raw instanceof Double || raw instanceof Float || raw instanceof Long || raw instanceof Integer
                || raw instanceof Short || raw instanceof Byte || raw instanceof BigDecimal
                || raw instanceof BigInteger) {
            double d = ((Number) raw).doubleValue();
            if (!Double.isFinite(d)) {
                throw new FoldException(ErrorCode.TRANSFORM_FAILED,
                        "input " + ref + " is not a finite number: " + raw, Map.of("input", ref), null);
            }
            return d;
        }
        throw new FoldException(ErrorCode.TRANSFORM_FAILED, "input " + ref + " has a value of type "
                + raw.getClass().getSimpleName() + "; transforms handle numbers, strings and booleans",
                Map.of("input", ref), null);
    }

    @Override
    public String toString() {
        return "TransformProgram[" + logic + "]";
    }
}
