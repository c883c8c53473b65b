package org.datafold.core.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.datafold.api.query.FieldChange;

/**
 * One field written by a committed mutation.
 *
 * @param schema   the schema written through
 * @param field    the field written through
 * @param rangeKey the row, null for a single schema
 * @param atomUuid the new atom
 * @param fieldRef the field's data reference (shared by mapped fields)
 * @param source   who wrote it
 * @param kind     {@code CREATE}, {@code UPDATE} or {@code DELETE}
 */
public record FieldChangeEvent(String schema, String field, String rangeKey, String atomUuid, String fieldRef,
        String source, String kind) {

    /** The event properties named in {@link FieldChange}; the range key is absent for single fields. */
    public Map<String, Object> properties() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(FieldChange.SCHEMA, schema);
        props.put(FieldChange.FIELD, field);
        if (rangeKey != null) {
            props.put(FieldChange.RANGE_KEY, rangeKey);
        }
        props.put(FieldChange.ATOM_UUID, atomUuid);
        props.put(FieldChange.FIELD_REF, fieldRef);
        props.put(FieldChange.SOURCE, source);
        props.put(FieldChange.KIND, kind);
        return props;
    }
}
