package org.datafold.api.query;

/**
 * The event published (OSGi EventAdmin, asynchronously) after a mutation commits, once per field
 * written. Transforms and apps subscribe to {@link #TOPIC}.
 */
public final class FieldChange {
    /** The event topic. */
    public static final String TOPIC = "org/datafold/field/CHANGED";
    /** Event property: the schema name. */
    public static final String SCHEMA = "schema";
    /** Event property: the field name. */
    public static final String FIELD = "field";
    /** Event property: the range key, absent for single fields. */
    public static final String RANGE_KEY = "rangeKey";
    /** Event property: the uuid of the new atom. */
    public static final String ATOM_UUID = "atomUuid";
    /** Event property: the field's data reference (shared by mapped fields). */
    public static final String FIELD_REF = "fieldRef";
    /** Event property: who wrote it. */
    public static final String SOURCE = "source";
    /** Event property: {@code CREATE}, {@code UPDATE} or {@code DELETE}. */
    public static final String KIND = "kind";

    private FieldChange() {
    }
}
