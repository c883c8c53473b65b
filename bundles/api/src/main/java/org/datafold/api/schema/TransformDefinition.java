package org.datafold.api.schema;

import java.util.List;

/**
 * A declarative transform computing a field from others.
 *
 * @param inputs {@code Schema.field} references (never the field itself)
 * @param logic  the expression in the DataFold transform language
 * @param output {@code Schema.field} of the field that carries the transform
 */
public record TransformDefinition(List<String> inputs, String logic, String output) {
    public TransformDefinition {
        inputs = List.copyOf(inputs);
    }
}
