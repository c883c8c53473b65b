package org.datafold.api.schema;

import java.util.Map;
import java.util.Objects;

/**
 * A schema: a named set of fields. Immutable; {@code fields} keeps the order of the definition.
 *
 * @param name     the schema name (unique on a node)
 * @param type     {@code Single}, or {@code Range} with the name of its range key field
 * @param fields   field name to definition, in definition order
 * @param payment  the schema-level payment configuration
 * @param hash     the content hash (hex SHA-256 of the canonical content), computed by the node
 */
public record Schema(String name, SchemaType type, Map<String, FieldDefinition> fields,
        SchemaPaymentConfig payment, String hash) {
    public Schema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        fields = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    /** The field definition, or null. */
    public FieldDefinition field(String fieldName) {
        return fields.get(fieldName);
    }
}
