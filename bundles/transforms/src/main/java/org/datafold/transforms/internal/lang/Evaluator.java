package org.datafold.transforms.internal.lang;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.datafold.transforms.internal.lang.Ast.Binary;
import org.datafold.transforms.internal.lang.Ast.Block;
import org.datafold.transforms.internal.lang.Ast.Expr;
import org.datafold.transforms.internal.lang.Ast.Pos;

/**
 * Runs a parsed program. Values are {@code null}, {@link Double} (always finite), {@link String}
 * and {@link Boolean}. Every failure is a {@code TRANSFORM_FAILED} {@code FoldException} whose
 * message starts with the position of the operator or call that failed.
 */
final class Evaluator {
    /** Input values by {@code Schema.field}, already converted to language values. */
    private final Map<String, Object> inputs;

    Evaluator(Map<String, Object> inputs) {
        this.inputs = inputs;
    }

    /** A chain of {@code let} scopes. */
    private record Env(Env parent, Map<String, Object> vars) {
        Object lookup(String name) {
            for (Env e = this; e != null; e = e.parent) {
                if (e.vars.containsKey(name)) {
                    return e.vars.get(name);
                }
            }
            // the parser resolved every name, so this is a bug
            throw new IllegalStateException("unresolved variable " + name);
        }
    }

    Object run(Block block) {
        return block(block, null);
    }

    private Object block(Block block, Env parent) {
        Env env = new Env(parent, new HashMap<>());
        for (Ast.Let let : block.lets()) {
            env.vars.put(let.name(), eval(let.value(), env));
        }
        if (block.result() instanceof Ast.IfElse ie) {
            Object cond = eval(ie.condition(), env);
            if (!(cond instanceof Boolean b)) {
                throw Errors.failed(ie.condition().pos(), "the condition of 'if' must be a boolean, not "
                        + Values.typeName(cond));
            }
            return block(b ? ie.then() : ie.otherwise(), env);
        }
        return eval(((Ast.Yield) block.result()).expr(), env);
    }

    private Object eval(Expr e, Env env) {
        if (e instanceof Ast.NumberLit n) {
            return n.value();
        } else if (e instanceof Ast.StringLit s) {
            return s.value();
        } else if (e instanceof Ast.BoolLit b) {
            return b.value();
        } else if (e instanceof Ast.NullLit) {
            return null;
        } else if (e instanceof Ast.FieldRef f) {
            return inputs.get(f.ref());
        } else if (e instanceof Ast.Var v) {
            return env.lookup(v.name());
        } else if (e instanceof Ast.Unary u) {
            return unary(u, eval(u.operand(), env));
        } else if (e instanceof Binary b) {
            return binary(b, env);
        } else if (e instanceof Ast.Call c) {
            List<Object> args = new ArrayList<>(c.args().size());
            for (Expr a : c.args()) {
                args.add(eval(a, env));
            }
            return finite(c.pos(), c.function().apply(c.pos(), args));
        }
        throw new IllegalStateException("unknown node " + e);
    }

    private Object unary(Ast.Unary u, Object v) {
        return switch (u.op()) {
            case NEG -> {
                if (v instanceof Double d) {
                    yield d == 0d ? 0d : -d;
                }
                throw Errors.failed(u.pos(), "cannot apply unary '-' to " + Values.typeName(v));
            }
            case NOT -> {
                if (v instanceof Boolean b) {
                    yield !b;
                }
                throw Errors.failed(u.pos(), "cannot apply '!' to " + Values.typeName(v)
                        + " (it needs a boolean)");
            }
        };
    }

    private Object binary(Binary b, Env env) {
        Object left = eval(b.left(), env);
        switch (b.op()) {
            case AND, OR -> {
                if (!(left instanceof Boolean l)) {
                    throw Errors.failed(b.pos(), "left side of '" + b.op().symbol + "' must be a boolean, not "
                            + Values.typeName(left));
                }
                if (b.op() == Ast.BinaryOp.AND ? !l : l) {
                    return l; // short circuit: the right side is not evaluated
                }
                Object right = eval(b.right(), env);
                if (!(right instanceof Boolean)) {
                    throw Errors.failed(b.pos(), "right side of '" + b.op().symbol + "' must be a boolean, not "
                            + Values.typeName(right));
                }
                return right;
            }
            default -> {
                return binary(b, left, eval(b.right(), env));
            }
        }
    }

    private Object binary(Binary b, Object left, Object right) {
        Pos pos = b.pos();
        switch (b.op()) {
            case EQ:
                return equal(left, right);
            case NE:
                return !equal(left, right);
            case LT, LE, GT, GE: {
                int c;
                if (left instanceof Double l && right instanceof Double r) {
                    c = Double.compare(l, r);
                } else if (left instanceof String l && right instanceof String r) {
                    c = l.compareTo(r);
                } else {
                    throw typeError(b, left, right, " (only two numbers or two strings can be ordered)");
                }
                return switch (b.op()) {
                    case LT -> c < 0;
                    case LE -> c <= 0;
                    case GT -> c > 0;
                    default -> c >= 0;
                };
            }
            case ADD:
                if (left instanceof String l && right instanceof String r) {
                    return l + r;
                }
                if (left instanceof String || right instanceof String) {
                    throw typeError(b, left, right, " (use concat(...) or to_string(...) to join text and values)");
                }
                break;
            default:
                break;
        }
        if (!(left instanceof Double l) || !(right instanceof Double r)) {
            throw typeError(b, left, right, "");
        }
        double result = switch (b.op()) {
            case ADD -> l + r;
            case SUB -> l - r;
            case MUL -> l * r;
            case DIV -> {
                if (r == 0d) {
                    throw Errors.failed(pos, "division by zero");
                }
                yield l / r;
            }
            case POW -> {
                double d = Math.pow(l, r);
                if (Double.isNaN(d)) {
                    throw Errors.failed(pos, Values.format(l) + " ^ " + Values.format(r) + " is not a real number");
                }
                if (l == 0d && r < 0d) {
                    throw Errors.failed(pos, "division by zero (0 raised to a negative power)");
                }
                yield d;
            }
            default -> throw new IllegalStateException(b.op().name());
        };
        return finite(pos, result);
    }

    private static Object finite(Pos pos, Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) {
            throw Errors.failed(pos, "number out of range (the result is not finite)");
        }
        return v;
    }

    /** Values of different types are never equal (and comparing them is not an error); null equals only null. */
    private static boolean equal(Object left, Object right) {
        if (left instanceof Double l && right instanceof Double r) {
            return l.doubleValue() == r.doubleValue();
        }
        return left == null ? right == null : left.equals(right);
    }

    private static RuntimeException typeError(Binary b, Object left, Object right, String hint) {
        return Errors.failed(b.pos(), "cannot apply '" + b.op().symbol + "' to " + Values.typeName(left) + " and "
                + Values.typeName(right) + hint);
    }
}
