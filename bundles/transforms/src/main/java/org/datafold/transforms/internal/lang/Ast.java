package org.datafold.transforms.internal.lang;

import java.util.List;

/** The syntax tree of a transform program. Every node knows where it starts in the source. */
final class Ast {
    private Ast() {
    }

    /** A 1-based position in the logic text, printed {@code line:column}. */
    record Pos(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    /**
     * A block: {@code let} bindings evaluated in order, then its result (an expression, or an
     * {@code if/else} whose taken branch gives the result).
     */
    record Block(Pos pos, List<Let> lets, Result result) {
        Block {
            lets = List.copyOf(lets);
        }
    }

    /** {@code let name = value;} */
    record Let(Pos pos, String name, Expr value) {
    }

    /** What a block evaluates to. */
    sealed interface Result permits Yield, IfElse {
        Pos pos();
    }

    /** The final expression of a block, optionally written with a leading {@code return}. */
    record Yield(Pos pos, Expr expr, boolean explicitReturn) implements Result {
    }

    /** {@code if (condition) { then } else { otherwise }}; {@code else if} nests another IfElse. */
    record IfElse(Pos pos, Expr condition, Block then, Block otherwise) implements Result {
    }

    /** An expression. */
    sealed interface Expr permits NumberLit, StringLit, BoolLit, NullLit, FieldRef, Var, Unary, Binary, Call {
        Pos pos();
    }

    record NumberLit(Pos pos, double value) implements Expr {
    }

    record StringLit(Pos pos, String value) implements Expr {
    }

    record BoolLit(Pos pos, boolean value) implements Expr {
    }

    record NullLit(Pos pos) implements Expr {
    }

    /** {@code Schema.field}: an input of the transform. */
    record FieldRef(Pos pos, String schema, String field) implements Expr {
        String ref() {
            return schema + "." + field;
        }
    }

    /** A {@code let}-bound name (resolved at parse time, so it always exists at run time). */
    record Var(Pos pos, String name) implements Expr {
    }

    enum UnaryOp {
        NEG("-"), NOT("!");

        final String symbol;

        UnaryOp(String symbol) {
            this.symbol = symbol;
        }
    }

    record Unary(Pos pos, UnaryOp op, Expr operand) implements Expr {
    }

    enum BinaryOp {
        OR("||"), AND("&&"), EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="),
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), POW("^");

        final String symbol;

        BinaryOp(String symbol) {
            this.symbol = symbol;
        }
    }

    /** A binary operation; {@code pos} is the position of the operator. */
    record Binary(Pos pos, BinaryOp op, Expr left, Expr right) implements Expr {
    }

    /** A call of a built-in function (checked to exist, with a valid argument count, at parse time). */
    record Call(Pos pos, Builtin function, List<Expr> args) implements Expr {
        Call {
            args = List.copyOf(args);
        }
    }
}
