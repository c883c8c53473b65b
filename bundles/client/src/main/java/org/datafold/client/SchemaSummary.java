package org.datafold.client;

import java.util.List;

/**
 * A schema as {@code list_schemas} describes it.
 *
 * @param name   the name
 * @param state  {@code Available}, {@code Approved} or {@code Blocked}
 * @param fields the field names
 */
public record SchemaSummary(String name, String state, List<String> fields) {
    public SchemaSummary {
        fields = fields == null ? List.of() : List.copyOf(fields);
    }
}
