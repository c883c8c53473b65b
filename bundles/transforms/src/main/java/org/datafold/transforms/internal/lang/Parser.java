package org.datafold.transforms.internal.lang;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.datafold.transforms.internal.lang.Ast.BinaryOp;
import org.datafold.transforms.internal.lang.Ast.Block;
import org.datafold.transforms.internal.lang.Ast.Expr;
import org.datafold.transforms.internal.lang.Ast.Pos;
import org.datafold.transforms.internal.lang.Token.Kind;

/**
 * Recursive-descent parser for the transform language (grammar in {@code docs/transforms.md}).
 * Names are resolved while parsing: an unknown function or variable, a wrong number of arguments
 * or a {@code let} that redeclares a name of the same block is a {@code TRANSFORM_INVALID} error
 * with its position.
 */
final class Parser {
    private final List<Token> tokens;
    private int p;
    /** Names bound by {@code let}, innermost block first. */
    private final Deque<Set<String>> scopes = new ArrayDeque<>();
    private final Set<String> inputs = new LinkedHashSet<>();
    /** Parentheses, unary operators, calls and blocks nested this deep are refused (bounds the parser's recursion). */
    static final int MAX_NESTING = 100;
    /** Syntax trees deeper than this are refused (bounds the evaluator's recursion, e.g. on long operator chains). */
    static final int MAX_DEPTH = 1000;
    private int nesting;
    private final Map<Expr, Integer> depths = new IdentityHashMap<>();

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** The parsed program and the {@code Schema.field} references it uses, in source order. */
    record Parsed(Block block, Set<String> inputs) {
    }

    static Parsed parse(String src) {
        Parser parser = new Parser(Lexer.tokenize(src));
        Block block = parser.block(Kind.EOF);
        parser.expect(Kind.EOF, "end of input");
        return new Parsed(block, Collections.unmodifiableSet(new LinkedHashSet<>(parser.inputs)));
    }

    // block := { "let" IDENT "=" expr ";" } ( ifElse | [ "return" ] expr [ ";" ] )
    private Block block(Kind closer) {
        Pos start = peek().pos();
        enter();
        scopes.push(new HashSet<>());
        try {
            List<Ast.Let> lets = new ArrayList<>();
            while (peek().kind() == Kind.LET) {
                Token let = next();
                Token name = expect(Kind.IDENT, "a variable name");
                if (scopes.peek().contains(name.text())) {
                    throw Errors.invalid(name.pos(), "'" + name.text() + "' is already defined in this block");
                }
                expect(Kind.ASSIGN, "'='");
                Expr value = expression();
                expect(Kind.SEMICOLON, "';'");
                // bound only after its own value, so "let x = x + 1;" refers to an outer x
                scopes.peek().add(name.text());
                lets.add(new Ast.Let(let.pos(), name.text(), value));
            }
            Ast.Result result;
            if (peek().kind() == Kind.IF) {
                result = ifElse();
            } else {
                Token first = peek();
                boolean explicitReturn = first.kind() == Kind.RETURN;
                if (explicitReturn) {
                    next();
                }
                Expr e = expression();
                if (peek().kind() == Kind.SEMICOLON) {
                    next();
                }
                result = new Ast.Yield(first.pos(), e, explicitReturn);
            }
            if (peek().kind() != closer) {
                throw Errors.invalid(peek().pos(), "expected " + closer.description + " but found "
                        + peek().describe() + " (the result of a block must be its last part)");
            }
            return new Block(start, lets, result);
        } finally {
            scopes.pop();
            nesting--;
        }
    }

    // ifElse := "if" "(" expr ")" "{" block "}" "else" ( ifElse | "{" block "}" )
    private Ast.IfElse ifElse() {
        Token ifTok = expect(Kind.IF, "'if'");
        expect(Kind.LPAREN, "'('");
        Expr cond = expression();
        expect(Kind.RPAREN, "')'");
        Block then = braced();
        if (peek().kind() != Kind.ELSE) {
            throw Errors.invalid(peek().pos(), "expected 'else' but found " + peek().describe()
                    + " (an if needs an else: both branches must give a value)");
        }
        Token elseTok = next();
        Block otherwise;
        if (peek().kind() == Kind.IF) {
            enter();
            try {
                Ast.IfElse nested = ifElse();
                otherwise = new Block(elseTok.pos(), List.of(), nested);
            } finally {
                nesting--;
            }
        } else {
            otherwise = braced();
        }
        return new Ast.IfElse(ifTok.pos(), cond, then, otherwise);
    }

    private Block braced() {
        expect(Kind.LBRACE, "'{'");
        Block b = block(Kind.RBRACE);
        expect(Kind.RBRACE, "'}'");
        return b;
    }

    // expr := or ; or := and { "||" and } ; and := equality { "&&" equality }
    private Expr expression() {
        enter();
        try {
            return or();
        } finally {
            nesting--;
        }
    }

    private void enter() {
        if (++nesting > MAX_NESTING) {
            throw Errors.invalid(peek().pos(), "nested too deeply (more than " + MAX_NESTING + " levels)");
        }
    }

    /** Records the depth of a new node and refuses trees deeper than {@link #MAX_DEPTH}. */
    private <E extends Expr> E sized(E node, Expr... children) {
        int d = 0;
        for (Expr c : children) {
            d = Math.max(d, depths.getOrDefault(c, 1));
        }
        if (d + 1 > MAX_DEPTH) {
            throw Errors.invalid(node.pos(), "expression too deep (more than " + MAX_DEPTH + " levels)");
        }
        depths.put(node, d + 1);
        return node;
    }

    private Expr or() {
        Expr left = and();
        while (peek().kind() == Kind.OR) {
            Token op = next();
            left = binary(op.pos(), BinaryOp.OR, left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = equality();
        while (peek().kind() == Kind.AND) {
            Token op = next();
            left = binary(op.pos(), BinaryOp.AND, left, equality());
        }
        return left;
    }

    // equality := comparison { ("==" | "!=") comparison }
    private Expr equality() {
        Expr left = comparison();
        while (peek().kind() == Kind.EQ || peek().kind() == Kind.NE) {
            Token op = next();
            left = binary(op.pos(), op.kind() == Kind.EQ ? BinaryOp.EQ : BinaryOp.NE, left, comparison());
        }
        return left;
    }

    // comparison := additive { ("<" | "<=" | ">" | ">=") additive }
    private Expr comparison() {
        Expr left = additive();
        while (true) {
            BinaryOp op = switch (peek().kind()) {
                case LT -> BinaryOp.LT;
                case LE -> BinaryOp.LE;
                case GT -> BinaryOp.GT;
                case GE -> BinaryOp.GE;
                default -> null;
            };
            if (op == null) {
                return left;
            }
            Token t = next();
            left = binary(t.pos(), op, left, additive());
        }
    }

    // additive := multiplicative { ("+" | "-") multiplicative }
    private Expr additive() {
        Expr left = multiplicative();
        while (peek().kind() == Kind.PLUS || peek().kind() == Kind.MINUS) {
            Token op = next();
            left = binary(op.pos(), op.kind() == Kind.PLUS ? BinaryOp.ADD : BinaryOp.SUB, left, multiplicative());
        }
        return left;
    }

    // multiplicative := unary { ("*" | "/") unary }
    private Expr multiplicative() {
        Expr left = unary();
        while (peek().kind() == Kind.STAR || peek().kind() == Kind.SLASH) {
            Token op = next();
            left = binary(op.pos(), op.kind() == Kind.STAR ? BinaryOp.MUL : BinaryOp.DIV, left, unary());
        }
        return left;
    }

    // unary := ("-" | "!") unary | power
    private Expr unary() {
        if (peek().kind() == Kind.MINUS || peek().kind() == Kind.NOT) {
            Token op = next();
            enter();
            try {
                return unaryNode(op, unary());
            } finally {
                nesting--;
            }
        }
        return power();
    }

    // power := primary { "^" powerOperand }   (left associative: 2 ^ 3 ^ 2 = (2 ^ 3) ^ 2)
    private Expr power() {
        Expr left = primary();
        while (peek().kind() == Kind.CARET) {
            Token op = next();
            left = binary(op.pos(), BinaryOp.POW, left, powerOperand());
        }
        return left;
    }

    // powerOperand := ("-" | "!") powerOperand | primary   (so 2 ^ -1 works, -2 ^ 2 = -(2 ^ 2))
    private Expr powerOperand() {
        if (peek().kind() == Kind.MINUS || peek().kind() == Kind.NOT) {
            Token op = next();
            enter();
            try {
                return unaryNode(op, powerOperand());
            } finally {
                nesting--;
            }
        }
        return primary();
    }

    // primary := NUMBER | STRING | "true" | "false" | "null" | "(" expr ")"
    //          | IDENT "." IDENT | IDENT "(" [ expr { "," expr } ] ")" | IDENT
    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                next();
                return new Ast.NumberLit(t.pos(), t.number());
            }
            case STRING -> {
                next();
                return new Ast.StringLit(t.pos(), t.text());
            }
            case TRUE, FALSE -> {
                next();
                return new Ast.BoolLit(t.pos(), t.kind() == Kind.TRUE);
            }
            case NULL -> {
                next();
                return new Ast.NullLit(t.pos());
            }
            case LPAREN -> {
                next();
                Expr inner = expression();
                expect(Kind.RPAREN, "')'");
                return inner;
            }
            case IDENT -> {
                next();
                if (peek().kind() == Kind.DOT) {
                    next();
                    Token field = expect(Kind.IDENT, "a field name after '" + t.text() + ".'");
                    Ast.FieldRef ref = new Ast.FieldRef(t.pos(), t.text(), field.text());
                    inputs.add(ref.ref());
                    return ref;
                }
                if (peek().kind() == Kind.LPAREN) {
                    return call(t);
                }
                for (Set<String> scope : scopes) {
                    if (scope.contains(t.text())) {
                        return new Ast.Var(t.pos(), t.text());
                    }
                }
                String hint = Builtin.byName(t.text()).isPresent()
                        ? " (" + t.text() + " is a function: call it with parentheses)"
                        : " (variables are defined with 'let'; inputs are written Schema.field)";
                throw Errors.invalid(t.pos(), "unknown variable '" + t.text() + "'" + hint);
            }
            default -> throw Errors.invalid(t.pos(), "expected an expression but found " + t.describe());
        }
    }

    private Expr call(Token name) {
        Builtin fn = Builtin.byName(name.text()).orElseThrow(() -> Errors.invalid(name.pos(),
                "unknown function '" + name.text() + "' (known functions: " + Builtin.allNames() + ")"));
        expect(Kind.LPAREN, "'('");
        List<Expr> args = new ArrayList<>();
        if (peek().kind() != Kind.RPAREN) {
            args.add(expression());
            while (peek().kind() == Kind.COMMA) {
                next();
                args.add(expression());
            }
        }
        expect(Kind.RPAREN, "')'");
        if (args.size() < fn.minArgs || (fn.maxArgs >= 0 && args.size() > fn.maxArgs)) {
            throw Errors.invalid(name.pos(), fn.fnName() + " takes " + fn.arity() + " but was given "
                    + args.size());
        }
        return sized(new Ast.Call(name.pos(), fn, args), args.toArray(new Expr[0]));
    }

    private Expr binary(Pos pos, BinaryOp op, Expr left, Expr right) {
        return sized(new Ast.Binary(pos, op, left, right), left, right);
    }

    private Expr unaryNode(Token op, Expr operand) {
        return sized(new Ast.Unary(op.pos(), op.kind() == Kind.MINUS ? Ast.UnaryOp.NEG : Ast.UnaryOp.NOT, operand),
                operand);
    }

    private Token peek() {
        return tokens.get(p);
    }

    private Token next() {
        Token t = tokens.get(p);
        if (t.kind() != Kind.EOF) {
            p++;
        }
        return t;
    }

    private Token expect(Kind kind, String what) {
        Token t = peek();
        if (t.kind() != kind) {
            throw Errors.invalid(t.pos(), "expected " + what + " but found " + t.describe());
        }
        return next();
    }
}
