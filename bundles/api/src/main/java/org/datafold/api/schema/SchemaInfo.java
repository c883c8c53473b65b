package org.datafold.api.schema;

/**
 * A schema as known to the node.
 *
 * @param schema the definition (with data references once approved)
 * @param state  its lifecycle state
 * @param source where it came from ({@code file:...}, {@code bundle:<bsn>/<path>}, {@code api})
 */
public record SchemaInfo(Schema schema, SchemaState state, String source) {
}
