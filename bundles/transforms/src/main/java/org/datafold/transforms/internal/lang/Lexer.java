package org.datafold.transforms.internal.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.datafold.transforms.internal.lang.Token.Kind;

/**
 * Turns logic text into tokens, by hand (no regular expressions). Whitespace and comments
 * ({@code // to end of line} and {@code /* ... *&#47;}) are skipped. Positions are 1-based; a tab
 * counts as one column.
 */
final class Lexer {
    private static final Map<String, Kind> KEYWORDS = Map.of(
            "let", Kind.LET, "if", Kind.IF, "else", Kind.ELSE, "return", Kind.RETURN,
            "true", Kind.TRUE, "false", Kind.FALSE, "null", Kind.NULL);

    private final String src;
    private int i;
    private int line = 1;
    private int col = 1;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new Lexer(src).run();
    }

    static boolean isKeyword(String word) {
        return KEYWORDS.containsKey(word);
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            Ast.Pos pos = new Ast.Pos(line, col);
            if (i >= src.length()) {
                out.add(new Token(Kind.EOF, "", 0, pos));
                return out;
            }
            char c = src.charAt(i);
            if (isDigit(c)) {
                out.add(number(pos));
            } else if (isIdentStart(c)) {
                int start = i;
                while (i < src.length() && isIdentPart(src.charAt(i))) {
                    advance();
                }
                String word = src.substring(start, i);
                out.add(new Token(KEYWORDS.getOrDefault(word, Kind.IDENT), word, 0, pos));
            } else if (c == '"' || c == '\'') {
                out.add(string(pos, c));
            } else {
                out.add(new Token(punctuation(pos, c), "", 0, pos));
            }
        }
    }

    private Kind punctuation(Ast.Pos pos, char c) {
        char next = i + 1 < src.length() ? src.charAt(i + 1) : '\0';
        Kind two = switch (c) {
            case '=' -> next == '=' ? Kind.EQ : null;
            case '!' -> next == '=' ? Kind.NE : null;
            case '<' -> next == '=' ? Kind.LE : null;
            case '>' -> next == '=' ? Kind.GE : null;
            case '&' -> next == '&' ? Kind.AND : null;
            case '|' -> next == '|' ? Kind.OR : null;
            default -> null;
        };
        if (two != null) {
            advance();
            advance();
            return two;
        }
        Kind one = switch (c) {
            case '(' -> Kind.LPAREN;
            case ')' -> Kind.RPAREN;
            case '{' -> Kind.LBRACE;
            case '}' -> Kind.RBRACE;
            case ',' -> Kind.COMMA;
            case ';' -> Kind.SEMICOLON;
            case '.' -> Kind.DOT;
            case '=' -> Kind.ASSIGN;
            case '+' -> Kind.PLUS;
            case '-' -> Kind.MINUS;
            case '*' -> Kind.STAR;
            case '/' -> Kind.SLASH;
            case '^' -> Kind.CARET;
            case '<' -> Kind.LT;
            case '>' -> Kind.GT;
            case '!' -> Kind.NOT;
            default -> null;
        };
        if (one == null) {
            String hint = c == '&' ? " (did you mean '&&'?)" : c == '|' ? " (did you mean '||'?)" : "";
            String shown = Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
            throw Errors.invalid(pos, "unexpected character '" + shown + "'" + hint);
        }
        advance();
        return one;
    }

    private Token number(Ast.Pos pos) {
        int start = i;
        digits();
        if (peek(0) == '.') {
            if (!isDigit(peek(1))) {
                throw Errors.invalid(new Ast.Pos(line, col + 1), "expected a digit after '.' in a number");
            }
            advance();
            digits();
        }
        if (peek(0) == 'e' || peek(0) == 'E') {
            int sign = peek(1) == '+' || peek(1) == '-' ? 1 : 0;
            if (isDigit(peek(1 + sign))) {
                advance();
                if (sign == 1) {
                    advance();
                }
                digits();
            }
        }
        if (i < src.length() && isIdentStart(src.charAt(i))) {
            throw Errors.invalid(new Ast.Pos(line, col), "unexpected '" + src.charAt(i) + "' after a number");
        }
        String text = src.substring(start, i);
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
            throw Errors.invalid(pos, "number " + text + " is too large");
        }
        return new Token(Kind.NUMBER, text, value, pos);
    }

    private Token string(Ast.Pos pos, char quote) {
        advance();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (i >= src.length() || src.charAt(i) == '\n') {
                throw Errors.invalid(pos, "unterminated string");
            }
            char c = src.charAt(i);
            if (c == quote) {
                advance();
                return new Token(Kind.STRING, sb.toString(), 0, pos);
            }
            if (c == '\\') {
                Ast.Pos escPos = new Ast.Pos(line, col);
                advance();
                if (i >= src.length()) {
                    throw Errors.invalid(pos, "unterminated string");
                }
                char e = src.charAt(i);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\', '"', '\'' -> sb.append(e);
                    case 'u' -> {
                        int code = 0;
                        for (int k = 1; k <= 4; k++) {
                            int d = Character.digit(peek(k), 16);
                            if (d < 0) {
                                throw Errors.invalid(escPos, "bad \\u escape: expected 4 hex digits");
                            }
                            code = code * 16 + d;
                        }
                        for (int k = 0; k < 4; k++) {
                            advance();
                        }
                        sb.append((char) code);
                    }
                    default -> throw Errors.invalid(escPos, "unknown escape '\\" + e + "'");
                }
                advance();
            } else {
                sb.append(c);
                advance();
            }
        }
    }

    private void skipSpaceAndComments() {
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                advance();
            } else if (c == '/' && peek(1) == '/') {
                while (i < src.length() && src.charAt(i) != '\n') {
                    advance();
                }
            } else if (c == '/' && peek(1) == '*') {
                Ast.Pos pos = new Ast.Pos(line, col);
                advance();
                advance();
                while (!(peek(0) == '*' && peek(1) == '/')) {
                    if (i >= src.length()) {
                        throw Errors.invalid(pos, "unterminated comment");
                    }
                    advance();
                }
                advance();
                advance();
            } else {
                return;
            }
        }
    }

    private void digits() {
        while (isDigit(peek(0))) {
            advance();
        }
    }

    private char peek(int ahead) {
        int k = i + ahead;
        return k < src.length() ? src.charAt(k) : '\0';
    }

    private void advance() {
        if (src.charAt(i) == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
        i++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || isDigit(c);
    }
}
