package org.datafold.api.query;

import java.util.Map;
import java.util.Objects;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/**
 * Writes fields of a schema, all or nothing. For a range schema, {@code values} must hold the
 * range key field with a non-blank value (strings; numbers and booleans are stringified); it
 * selects the row. For {@code DELETE} the values of the listed fields are ignored: each listed field
 * gets a {@code Deleted} atom with null content.
 *
 * @param schema the schema name
 * @param type   create, update (fails on fields without a value) or delete
 * @param values field name to JSON value
 */
public record Mutation(String schema, Type type, Map<String, Object> values) {
    /** The kind of a mutation; written {@code create}, {@code update} or {@code delete} by the shell and the protocol. */
    public enum Type {
        CREATE, UPDATE, DELETE;

        /**
         * The type written {@code create}, {@code update} or {@code delete}, in any case, as the shell
         * and the app socket take it.
         *
         * @throws FoldException {@code INVALID_ARGUMENT} naming the text, for anything else
         */
        public static Type parse(String text) {
            if (text != null) {
                for (Type t : values()) {
                    if (t.name().equalsIgnoreCase(text)) {
                        return t;
                    }
                }
            }
            throw new FoldException(ErrorCode.INVALID_ARGUMENT,
                    "mutation type must be create, update or delete, was '" + text + "'");
        }
    }

    public Mutation {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(type, "type");
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }
}
