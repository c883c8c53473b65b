package org.datafold.transforms.internal.lang;

/** A lexical token. {@code text} is the identifier or the decoded string; {@code number} the numeric value. */
record Token(Kind kind, String text, double number, Ast.Pos pos) {

    enum Kind {
        NUMBER, STRING, IDENT,
        // keywords
        LET, IF, ELSE, RETURN, TRUE, FALSE, NULL,
        // punctuation and operators
        LPAREN("'('"), RPAREN("')'"), LBRACE("'{'"), RBRACE("'}'"), COMMA("','"), SEMICOLON("';'"), DOT("'.'"),
        ASSIGN("'='"), PLUS("'+'"), MINUS("'-'"), STAR("'*'"), SLASH("'/'"), CARET("'^'"),
        EQ("'=='"), NE("'!='"), LT("'<'"), LE("'<='"), GT("'>'"), GE("'>='"),
        AND("'&&'"), OR("'||'"), NOT("'!'"),
        EOF("end of input");

        /** How error messages name the kind when a token of it is expected. */
        final String description;

        Kind() {
            this.description = name().toLowerCase(java.util.Locale.ROOT);
        }

        Kind(String description) {
            this.description = description;
        }
    }

    /** How error messages name this token when it was found. */
    String describe() {
        return switch (kind) {
            case NUMBER -> "number " + Values.format(number);
            case STRING -> "string " + Values.quote(text);
            case IDENT -> "identifier '" + text + "'";
            case LET, IF, ELSE, RETURN, TRUE, FALSE, NULL -> "'" + kind.name().toLowerCase(java.util.Locale.ROOT) + "'";
            default -> kind.description;
        };
    }
}
