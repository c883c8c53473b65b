package org.datafold.transforms.internal.lang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TransformProgramTest {

    private static Object eval(String logic) {
        return TransformProgram.parse(logic).evaluate(Map.of());
    }

    private static Object eval(String logic, Map<String, ?> inputs) {
        return TransformProgram.parse(logic).evaluate(inputs);
    }

    static Stream<Arguments> values() {
        return Stream.of(
                // literals
                Arguments.of("42", 42L),
                Arguments.of("3.5", 3.5),
                Arguments.of("1e3", 1000L),
                Arguments.of("2.5E-1", 0.25),
                Arguments.of("\"hi\"", "hi"),
                Arguments.of("'single'", "single"),
                Arguments.of("\"a\\\"b\\\\c\\n\\u0041\"", "a\"b\\c\nA"),
                Arguments.of("true", true),
                Arguments.of("false", false),
                Arguments.of("null", null),
                // arithmetic and precedence
                Arguments.of("1 + 2 * 3", 7L),
                Arguments.of("(1 + 2) * 3", 9L),
                Arguments.of("10 - 4 - 3", 3L),
                Arguments.of("100 / 10 / 5", 2L),
                Arguments.of("7 / 2", 3.5),
                Arguments.of("2 * 3 + 4 * 5", 26L),
                Arguments.of("2 ^ 3", 8L),
                Arguments.of("2 ^ 3 ^ 2", 64L),
                Arguments.of("2 ^ (3 ^ 2)", 512L),
                Arguments.of("2 * 3 ^ 2", 18L),
                Arguments.of("2 ^ -1", 0.5),
                Arguments.of("4 ^ 0.5", 2L),
                Arguments.of("0 ^ 0", 1L),
                Arguments.of("1 - 2 + 3", 2L),
                Arguments.of("0.1 + 0.2", 0.1 + 0.2),
                // unary minus
                Arguments.of("-5", -5L),
                Arguments.of("--5", 5L),
                Arguments.of("-2 ^ 2", -4L),
                Arguments.of("(-2) ^ 2", 4L),
                Arguments.of("3 - -2", 5L),
                Arguments.of("-(1 + 2) * 2", -6L),
                Arguments.of("-0", 0L),
                // comparisons
                Arguments.of("1 < 2", true),
                Arguments.of("2 < 1", false),
                Arguments.of("2 <= 2", true),
                Arguments.of("3 > 2", true),
                Arguments.of("2 >= 3", false),
                Arguments.of("1 + 1 == 2", true),
                Arguments.of("1 != 1", false),
                Arguments.of("\"a\" < \"b\"", true),
                Arguments.of("\"abc\" >= \"abd\"", false),
                Arguments.of("\"x\" == \"x\"", true),
                Arguments.of("\"1\" == 1", false),
                Arguments.of("\"1\" != 1", true),
                Arguments.of("null == null", true),
                Arguments.of("null == 0", false),
                Arguments.of("true == true", true),
                Arguments.of("1 < 2 == true", true),
                // logic
                Arguments.of("true && false", false),
                Arguments.of("true && true", true),
                Arguments.of("false || true", true),
                Arguments.of("false || false", false),
                Arguments.of("!true", false),
                Arguments.of("!!true", true),
                Arguments.of("!(1 > 2)", true),
                Arguments.of("true || false && false", true),
                Arguments.of("(true || false) && false", false),
                Arguments.of("1 < 2 && 3 < 4", true),
                // short circuit: the right side would fail
                Arguments.of("false && 1 / 0 == 1", false),
                Arguments.of("true || to_number(\"x\") == 1", true),
                // strings
                Arguments.of("\"foo\" + \"bar\"", "foobar"),
                Arguments.of("\"a\" + \"b\" + \"c\"", "abc"),
                // built-ins
                Arguments.of("min(3, 1, 2)", 1L),
                Arguments.of("min(5)", 5L),
                Arguments.of("max(3, 1, 2)", 3L),
                Arguments.of("max(-1.5, -2)", -1.5),
                Arguments.of("clamp(5, 0, 10)", 5L),
                Arguments.of("clamp(-5, 0, 10)", 0L),
                Arguments.of("clamp(15, 0, 10)", 10L),
                Arguments.of("clamp(3, 3, 3)", 3L),
                Arguments.of("concat(\"a\", 1, true, null, 2.5)", "a1truenull2.5"),
                Arguments.of("concat(\"x\")", "x"),
                Arguments.of("to_string(7)", "7"),
                Arguments.of("to_string(7.25)", "7.25"),
                Arguments.of("to_string(-3)", "-3"),
                Arguments.of("to_string(false)", "false"),
                Arguments.of("to_string(null)", "null"),
                Arguments.of("to_string(\"s\")", "s"),
                Arguments.of("to_number(\"42\")", 42L),
                Arguments.of("to_number(\" -1.5e1 \")", -15L),
                Arguments.of("to_number(\".5\")", 0.5),
                Arguments.of("to_number(3)", 3L),
                Arguments.of("to_number(true)", 1L),
                Arguments.of("to_number(false)", 0L),
                Arguments.of("to_boolean(true)", true),
                Arguments.of("to_boolean(\"true\")", true),
                Arguments.of("to_boolean(\"false\")", false),
                Arguments.of("to_boolean(0)", false),
                Arguments.of("to_boolean(-2)", true),
                Arguments.of("max(1, 2) + min(3, 4) * clamp(10, 0, 2)", 8L),
                Arguments.of("to_number(to_string(12)) + 1", 13L),
                // return, let, if
                Arguments.of("return 1 + 1", 2L),
                Arguments.of("return 1 + 1;", 2L),
                Arguments.of("1 + 1;", 2L),
                Arguments.of("let x = 2; let y = x * 3; x + y", 8L),
                Arguments.of("let x = 2; return x ^ x;", 4L),
                Arguments.of("let s = \"a\"; let t = s + \"b\"; concat(t, s)", "aba"),
                Arguments.of("if (1 < 2) { \"yes\" } else { \"no\" }", "yes"),
                Arguments.of("if (1 > 2) { \"yes\" } else { \"no\" }", "no"),
                Arguments.of("if (true) { return 1; } else { return 2; }", 1L),
                Arguments.of("let n = 5; if (n < 0) { \"neg\" } else if (n == 0) { \"zero\" } else { \"pos\" }", "pos"),
                Arguments.of("let n = 0; if (n < 0) { \"neg\" } else if (n == 0) { \"zero\" } else { \"pos\" }", "zero"),
                Arguments.of("let n = -1; if (n < 0) { \"neg\" } else if (n == 0) { \"zero\" } else { \"pos\" }", "neg"),
                // only the taken branch runs
                Arguments.of("if (true) { 1 } else { 1 / 0 }", 1L),
                Arguments.of("if (false) { to_number(\"bad\") } else { 2 }", 2L),
                // shadowing: an inner block may rebind an outer name; the outer binding is untouched
                Arguments.of("let x = 1; if (true) { let x = x + 10; x } else { 0 }", 11L),
                Arguments.of("let x = 1; if (true) { let y = x * 5; let x = y + 1; x + y } else { 0 }", 11L),
                Arguments.of("let x = 2; if (x > 1) { let y = 3; if (y > x) { x * y } else { 0 } } else { -1 }", 6L),
                // comments and whitespace
                Arguments.of("// a comment\nlet a = 1; /* block\ncomment */ a + 1 // trailing", 2L),
                Arguments.of("  \n\t 5 \n", 5L));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("values")
    void evaluates(String logic, Object expected) {
        assertThat(eval(logic)).isEqualTo(expected);
    }

    static Stream<Arguments> runtimeErrors() {
        return Stream.of(
                Arguments.of("1 / 0", "1:3: division by zero"),
                Arguments.of("let z = 0; 5 / z", "1:14: division by zero"),
                Arguments.of("1 / (2 - 2)", "1:3: division by zero"),
                Arguments.of("0 ^ -1", "1:3: division by zero"),
                Arguments.of("(-8) ^ 0.5", "is not a real number"),
                Arguments.of("10 ^ 400", "not finite"),
                Arguments.of("1 + \"a\"", "1:3: cannot apply '+' to number and string (use concat"),
                Arguments.of("\"a\" + 1", "cannot apply '+' to string and number"),
                Arguments.of("\"a\" - \"b\"", "cannot apply '-' to string and string"),
                Arguments.of("true * 2", "cannot apply '*' to boolean and number"),
                Arguments.of("null + 1", "cannot apply '+' to null and number"),
                Arguments.of("2 ^ \"x\"", "cannot apply '^' to number and string"),
                Arguments.of("1 < \"2\"", "cannot apply '<' to number and string (only two numbers or two strings"),
                Arguments.of("true > false", "cannot apply '>' to boolean and boolean"),
                Arguments.of("-\"a\"", "1:1: cannot apply unary '-' to string"),
                Arguments.of("!1", "1:1: cannot apply '!' to number"),
                Arguments.of("1 && true", "left side of '&&' must be a boolean, not number"),
                Arguments.of("true && 1", "right side of '&&' must be a boolean, not number"),
                Arguments.of("null || true", "left side of '||' must be a boolean, not null"),
                Arguments.of("false || \"x\"", "right side of '||' must be a boolean, not string"),
                Arguments.of("if (1) { 1 } else { 2 }", "1:5: the condition of 'if' must be a boolean, not number"),
                Arguments.of("min(1, \"2\")", "min: argument 2 must be a number, not string"),
                Arguments.of("max(null)", "max: argument 1 must be a number, not null"),
                Arguments.of("clamp(\"5\", 0, 10)", "clamp: argument 1 must be a number, not string"),
                Arguments.of("clamp(5, 0, true)", "clamp: argument 3 must be a number, not boolean"),
                Arguments.of("clamp(5, 10, 0)", "clamp: lower bound 10 is greater than upper bound 0"),
                Arguments.of("to_number(\"abc\")", "1:1: to_number: \"abc\" is not a number"),
                Arguments.of("to_number(\"\")", "to_number: \"\" is not a number"),
                Arguments.of("to_number(\"1e\")", "to_number: \"1e\" is not a number"),
                Arguments.of("to_number(\"NaN\")", "to_number: \"NaN\" is not a number"),
                Arguments.of("to_number(\"1e999\")", "to_number: \"1e999\" is not a number"),
                Arguments.of("to_number(null)", "to_number: cannot convert null to a number"),
                Arguments.of("to_boolean(\"yes\")", "to_boolean: cannot convert \"yes\" (string) to a boolean"),
                Arguments.of("to_boolean(null)", "to_boolean: cannot convert null (null) to a boolean"));
    }

    @ParameterizedTest(name = "{0} fails: {1}")
    @MethodSource("runtimeErrors")
    void runtimeErrorsFail(String logic, String message) {
        TransformProgram program = TransformProgram.parse(logic); // parses fine...
        assertThatThrownBy(() -> program.evaluate(Map.of())) // ...but fails when run
                .isInstanceOf(FoldException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.TRANSFORM_FAILED));
    }

    static Stream<Arguments> parseErrors() {
        return Stream.of(
                Arguments.of("min(1, 2", "1:9: expected ')' but found end of input"),
                Arguments.of("(1 + 2", "1:7: expected ')' but found end of input"),
                Arguments.of("1 +", "1:4: expected an expression but found end of input"),
                Arguments.of("", "1:1: expected an expression but found end of input"),
                Arguments.of("return", "1:7: expected an expression but found end of input"),
                Arguments.of("1 2", "1:3: expected end of input but found number 2"),
                Arguments.of("1 +\n  * 2", "2:3: expected an expression but found '*'"),
                Arguments.of("let = 3; 1", "1:5: expected a variable name but found '='"),
                Arguments.of("let x 3; x", "1:7: expected '=' but found number 3"),
                Arguments.of("let x = 3 x", "1:11: expected ';' but found identifier 'x'"),
                Arguments.of("let x = 1;", "1:11: expected an expression but found end of input"),
                Arguments.of("let x = 1; let x = 2; x", "1:16: 'x' is already defined in this block"),
                Arguments.of("let if = 1; 1", "1:5: expected a variable name but found 'if'"),
                Arguments.of("if (true) { 1 }", "1:16: expected 'else' but found end of input"),
                Arguments.of("if true { 1 } else { 2 }", "1:4: expected '(' but found 'true'"),
                Arguments.of("if (true) { 1 } else { 2 } 3", "1:28: expected end of input but found number 3"),
                Arguments.of("if (true) { } else { 2 }", "1:13: expected an expression but found '}'"),
                Arguments.of("if (true) { 1; 2 } else { 3 }", "1:16: expected '}' but found number 2"),
                Arguments.of("1; 2", "1:4: expected end of input but found number 2"),
                Arguments.of("x + 1", "1:1: unknown variable 'x'"),
                Arguments.of("let a = 1;\nb * a", "2:1: unknown variable 'b'"),
                Arguments.of("let x = x + 1; x", "1:9: unknown variable 'x'"),
                Arguments.of("if (true) { let y = 1; y } else { y }", "1:35: unknown variable 'y'"),
                Arguments.of("min + 1", "1:1: unknown variable 'min' (min is a function"),
                Arguments.of("foo(1)", "1:1: unknown function 'foo' (known functions: clamp, concat, max, min, "
                        + "to_boolean, to_number, to_string)"),
                Arguments.of("1 + sqrt(4)", "1:5: unknown function 'sqrt'"),
                Arguments.of("clamp(1, 2)", "1:1: clamp takes 3 arguments but was given 2"),
                Arguments.of("clamp(1, 2, 3, 4)", "1:1: clamp takes 3 arguments but was given 4"),
                Arguments.of("min()", "1:1: min takes at least 1 argument but was given 0"),
                Arguments.of("concat()", "concat takes at least 1 argument but was given 0"),
                Arguments.of("to_string(1, 2)", "to_string takes 1 argument but was given 2"),
                Arguments.of("to_number()", "to_number takes 1 argument but was given 0"),
                Arguments.of("to_boolean()", "to_boolean takes 1 argument but was given 0"),
                Arguments.of("Schema.", "1:8: expected a field name after 'Schema.' but found end of input"),
                Arguments.of("Schema.1", "1:8: expected a field name after 'Schema.' but found number 1"),
                Arguments.of("\"abc", "1:1: unterminated string"),
                Arguments.of("1 + 'x\n'", "1:5: unterminated string"),
                Arguments.of("\"\\q\"", "1:2: unknown escape '\\q'"),
                Arguments.of("\"\\u12\"", "1:2: bad \\u escape"),
                Arguments.of("1 & 2", "1:3: unexpected character '&' (did you mean '&&'?)"),
                Arguments.of("1 | 2", "1:3: unexpected character '|' (did you mean '||'?)"),
                Arguments.of("1 # 2", "1:3: unexpected character '#'"),
                Arguments.of("1.", "1:3: expected a digit after '.' in a number"),
                Arguments.of("12abc", "1:3: unexpected 'a' after a number"),
                Arguments.of("1 = 1", "1:3: expected end of input but found '='"),
                Arguments.of("/* open", "1:1: unterminated comment"),
                Arguments.of("1e999", "1:1: number 1e999 is too large"),
                Arguments.of("f(1,)", "unknown function 'f'"),
                Arguments.of("min(1,)", "1:7: expected an expression but found ')'"));
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @MethodSource("parseErrors")
    void parseErrorsAreRefusedWithPosition(String logic, String message) {
        FoldException e = catchThrowableOfType(FoldException.class, () -> TransformProgram.parse(logic));
        assertThat(e).as("parse of %s", logic).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.TRANSFORM_INVALID);
        assertThat(e.getMessage()).contains(message);
        assertThat(e.context()).containsKey("position");
    }

    @Test
    void positionIsInContext() {
        FoldException e = catchThrowableOfType(FoldException.class, () -> TransformProgram.parse("1 +\n (2"));
        assertThat(e.getMessage()).isEqualTo("2:4: expected ')' but found end of input");
        assertThat(e.context()).containsEntry("position", "2:4");
    }

    // ---- inputs ------------------------------------------------------------------------------

    @Test
    void referenceTransformSchemaLogicParsesAndEvaluates() {
        // logic of TransformSchema.result in the original project
        TransformProgram p = TransformProgram.parse("TransformBase.value1 + TransformBase.value2");
        assertThat(p.inputs()).containsExactly("TransformBase.value1", "TransformBase.value2");
        assertThat(p.evaluate(Map.of("TransformBase.value1", 2, "TransformBase.value2", 40))).isEqualTo(42L);
        assertThat(p.evaluate(Map.of("TransformBase.value1", 1.5, "TransformBase.value2", 1L))).isEqualTo(2.5);
        assertThat(p.evaluate(Map.of("TransformBase.value1", "ab", "TransformBase.value2", "cd"))).isEqualTo("abcd");
        assertThatThrownBy(() -> p.evaluate(Map.of("TransformBase.value1", "ab", "TransformBase.value2", 1)))
                .isInstanceOf(FoldException.class)
                .hasMessageContaining("1:22: cannot apply '+' to string and number");
    }

    @Test
    void referenceUserScoresLogicIsRefusedForItsUndefinedFunction() {
        // logic of UserScores.ranking_data in the original project: calls a function that does not exist
        FoldException e = catchThrowableOfType(FoldException.class,
                () -> TransformProgram.parse("return calculate_rank_from_scores(game_scores)"));
        assertThat(e.code()).isEqualTo(ErrorCode.TRANSFORM_INVALID);
        assertThat(e.getMessage()).startsWith("1:8: unknown function 'calculate_rank_from_scores'");
    }

    @Test
    void inputsAreListedOnceInOrderOfFirstUse() {
        TransformProgram p = TransformProgram.parse(
                "let a = S.b * 2; if (T.c > a) { S.b } else { concat(U.d, S.b, T.c) }");
        assertThat(p.inputs()).containsExactly("S.b", "T.c", "U.d");
        assertThat(TransformProgram.parse("1 + 2").inputs()).isEmpty();
        assertThatThrownBy(() -> p.inputs().add("X.y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void inputsOfEveryType() {
        Map<String, Object> in = new HashMap<>();
        in.put("S.n", new BigDecimal("2.5"));
        in.put("S.s", "x");
        in.put("S.b", true);
        assertThat(eval("if (S.b) { concat(S.s, S.n * 2) } else { \"no\" }", in)).isEqualTo("x5");
        assertThat(eval("S.n > 2 && S.b", in)).isEqualTo(true);
    }

    @Test
    void missingInputsStopTheRunAndAreNamed() {
        TransformProgram p = TransformProgram.parse("if (A.x > 0) { A.x } else { B.y + C.z }");
        MissingInputException e = catchThrowableOfType(MissingInputException.class,
                () -> p.evaluate(Map.of("A.x", 1)));
        assertThat(e.code()).isEqualTo(ErrorCode.TRANSFORM_FAILED);
        assertThat(e.missing()).containsExactly("B.y", "C.z");
        assertThat(e.getMessage()).isEqualTo("transform does not run: inputs B.y, C.z have no value");
        assertThat(e.context()).containsEntry("reason", "missing_input");

        Map<String, Object> withNull = new HashMap<>();
        withNull.put("A.x", null);
        withNull.put("B.y", 1);
        withNull.put("C.z", 2);
        MissingInputException one = catchThrowableOfType(MissingInputException.class, () -> p.evaluate(withNull));
        assertThat(one.missing()).containsExactly("A.x");
        assertThat(one.getMessage()).isEqualTo("transform does not run: input A.x has no value");

        assertThat(p.evaluate(Map.of("A.x", -1, "B.y", 1, "C.z", 2))).isEqualTo(3L);
    }

    @Test
    void unsupportedOrNonFiniteInputValuesFail() {
        assertThatThrownBy(() -> eval("A.x", Map.of("A.x", List.of(1))))
                .isInstanceOf(FoldException.class)
                .hasMessageContaining("input A.x has a value of type");
        assertThatThrownBy(() -> eval("A.x", Map.of("A.x", Double.NaN)))
                .isInstanceOf(FoldException.class)
                .hasMessageContaining("input A.x is not a finite number");
    }

    @Test
    void resultTypes() {
        assertThat(eval("2 ^ 60")).isEqualTo(Math.pow(2, 60)); // beyond 2^53: stays a double
        assertThat(eval("2 ^ 53")).isEqualTo(9_007_199_254_740_992L);
        assertThat(eval("1 / 3")).isInstanceOf(Double.class);
        assertThat(eval("to_string(2 ^ 60)")).isEqualTo("1.15292150460684698E18");
        assertThat(eval("to_string(0.1 + 0.2)")).isEqualTo("0.30000000000000004");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String parens = "(".repeat(5000) + "1" + ")".repeat(5000);
        assertThatThrownBy(() -> TransformProgram.parse(parens))
                .isInstanceOf(FoldException.class)
                .hasMessageContaining("nested too deeply");
        assertThatThrownBy(() -> TransformProgram.parse("-".repeat(5000) + "1"))
                .hasMessageContaining("nested too deeply");
        String elseIfs = "if (false) { 0 } else ".repeat(5000) + "{ 1 }";
        assertThatThrownBy(() -> TransformProgram.parse(elseIfs)).hasMessageContaining("nested too deeply");
        String chain = "1" + " + 1".repeat(5000);
        assertThatThrownBy(() -> TransformProgram.parse(chain))
                .isInstanceOf(FoldException.class)
                .hasMessageContaining("expression too deep");
        // realistic sizes are fine
        assertThat(eval("(".repeat(50) + "1" + ")".repeat(50))).isEqualTo(1L);
        assertThat(eval("0" + " + 1".repeat(500))).isEqualTo(500L);
        assertThat(eval("if (false) { 0 } else ".repeat(40) + "{ 1 }")).isEqualTo(1L);
    }

    static Stream<Arguments> documentedMessages() {
        // the exact messages shown in docs/transforms.md
        return Stream.of(
                Arguments.of("min(1, 2", "1:9: expected ')' but found end of input"),
                Arguments.of("1 +\n  * 2", "2:3: expected an expression but found '*'"),
                Arguments.of("return calculate_rank_from_scores(game_scores)",
                        "1:8: unknown function 'calculate_rank_from_scores' (known functions: clamp, concat, max, min, "
                                + "to_boolean, to_number, to_string)"),
                Arguments.of("x + 1",
                        "1:1: unknown variable 'x' (variables are defined with 'let'; inputs are written Schema.field)"),
                Arguments.of("clamp(1, 2)", "1:1: clamp takes 3 arguments but was given 2"),
                Arguments.of("let x = 1; let x = 2; x", "1:16: 'x' is already defined in this block"),
                Arguments.of("if (true) { 1 }",
                        "1:16: expected 'else' but found end of input (an if needs an else: both branches must give a value)"),
                Arguments.of("\"abc", "1:1: unterminated string"),
                Arguments.of("1 & 2", "1:3: unexpected character '&' (did you mean '&&'?)"),
                Arguments.of("1 / 0", "1:3: division by zero"),
                Arguments.of("1 + \"a\"",
                        "1:3: cannot apply '+' to number and string (use concat(...) or to_string(...) to join text and values)"),
                Arguments.of("1 < \"2\"",
                        "1:3: cannot apply '<' to number and string (only two numbers or two strings can be ordered)"),
                Arguments.of("1 && true", "1:3: left side of '&&' must be a boolean, not number"),
                Arguments.of("if (1) { 1 } else { 2 }", "1:5: the condition of 'if' must be a boolean, not number"),
                Arguments.of("to_number(\"abc\")", "1:1: to_number: \"abc\" is not a number"),
                Arguments.of("clamp(5, 10, 0)", "1:1: clamp: lower bound 10 is greater than upper bound 0"),
                Arguments.of("(-8) ^ 0.5", "1:6: -8 ^ 0.5 is not a real number"),
                Arguments.of("10 ^ 400", "1:4: number out of range (the result is not finite)"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("documentedMessages")
    void documentedMessagesAreExact(String logic, String message) {
        assertThatThrownBy(() -> eval(logic)).isInstanceOf(FoldException.class).hasMessage(message);
    }

    @Test
    void documentedExampleRuns() {
        String logic = """
                let total = Orders.price * Orders.quantity;
                let discounted = total - total * clamp(Customer.discount, 0, 0.5);
                if (discounted >= 100) {
                    return concat("big order: ", discounted);
                } else if (discounted > 0) {
                    "order: " + to_string(discounted)
                } else {
                    "nothing to pay"
                }
                """;
        TransformProgram p = TransformProgram.parse(logic);
        assertThat(p.inputs()).containsExactly("Orders.price", "Orders.quantity", "Customer.discount");
        assertThat(p.evaluate(Map.of("Orders.price", 50, "Orders.quantity", 4, "Customer.discount", 0.1)))
                .isEqualTo("big order: 180");
        assertThat(p.evaluate(Map.of("Orders.price", 2.5, "Orders.quantity", 3, "Customer.discount", 0.9)))
                .isEqualTo("order: 3.75");
        assertThat(p.evaluate(Map.of("Orders.price", 0, "Orders.quantity", 3, "Customer.discount", 0)))
                .isEqualTo("nothing to pay");
    }

    @Test
    void functionsAreListed() {
        assertThat(TransformProgram.functions()).containsExactly(
                "clamp", "concat", "max", "min", "to_boolean", "to_number", "to_string");
    }

    @Test
    void aProgramIsReusable() {
        TransformProgram p = TransformProgram.parse("let d = A.x * 2; d + 1");
        assertThat(p.evaluate(Map.of("A.x", 1))).isEqualTo(3L);
        assertThat(p.evaluate(Map.of("A.x", 10))).isEqualTo(21L);
        assertThat(p.logic()).isEqualTo("let d = A.x * 2; d + 1");
    }
}
