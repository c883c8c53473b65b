package org.datafold.api.schema;

/** The kind of a field: {@code Single} (one value) or {@code Range} (one value per range key). */
public enum FieldType {
    SINGLE("Single"), RANGE("Range");

    private final String jsonName;

    FieldType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name used in schema files. */
    public String jsonName() {
        return jsonName;
    }
}
