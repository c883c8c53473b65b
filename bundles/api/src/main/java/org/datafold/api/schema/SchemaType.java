package org.datafold.api.schema;

/**
 * {@code "Single"}: one value per field; {@code {"Range": {"range_key": "f"}}}: one row per value
 * of the range key field.
 *
 * @param kind     single or range
 * @param rangeKey the range key field of a range schema, null for single
 */
public record SchemaType(Kind kind, String rangeKey) {
    public enum Kind { SINGLE, RANGE }

    public static final SchemaType SINGLE = new SchemaType(Kind.SINGLE, null);

    public static SchemaType range(String rangeKey) {
        return new SchemaType(Kind.RANGE, rangeKey);
    }

    public boolean isRange() {
        return kind == Kind.RANGE;
    }
}
