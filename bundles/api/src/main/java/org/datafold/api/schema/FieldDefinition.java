package org.datafold.api.schema;

import java.util.Map;

/**
 * One field of a schema.
 *
 * @param fieldType    single or range
 * @param permissions  read/write policies and explicit key lists
 * @param payment      the field's price configuration
 * @param fieldMappers {@code {"OtherSchema": "other_field"}}: this field reads and writes the data
 *                     of that field (applied at approval)
 * @param transform    the transform computing this field, or null
 * @param writable     false: every write is refused
 * @param refAtomUuid  the field's data reference, assigned by the node at approval (null before)
 */
public record FieldDefinition(FieldType fieldType, PermissionPolicy permissions, FieldPaymentConfig payment,
        Map<String, String> fieldMappers, TransformDefinition transform, boolean writable, String refAtomUuid) {
    public FieldDefinition {
        fieldMappers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fieldMappers));
    }

    /** A copy with the given data reference. */
    public FieldDefinition withRef(String ref) {
        return new FieldDefinition(fieldType, permissions, payment, fieldMappers, transform, writable, ref);
    }
}
