package org.datafold.core.internal.engine;

import java.util.LinkedHashMap;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.Schema;

/** Argument and schema checks shared by the engine's read and write sides. */
final class EngineChecks {
    private EngineChecks() {
    }

    static FieldDefinition knownField(Schema schema, String field) {
        FieldDefinition def = field == null ? null : schema.field(field);
        if (def == null) {
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("schema", schema.name());
            context.put("field", String.valueOf(field));
            throw new FoldException(ErrorCode.FIELD_NOT_FOUND,
                    "schema " + schema.name() + " has no field '" + field + "'", context, null);
        }
        return def;
    }

    static String requireRef(Schema schema, String field, FieldDefinition def) {
        String ref = def.refAtomUuid();
        if (ref == null || ref.isEmpty()) {
            throw new FoldException(ErrorCode.INTERNAL, "approved field " + schema.name() + "." + field
                    + " has no data reference", Map.of("schema", schema.name(), "field", field), null);
        }
        return ref;
    }

    static void requireArgument(boolean condition, String message) {
        if (!condition) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, message);
        }
    }
}
