package org.datafold.api.schema;

/** Lifecycle of a schema on a node. Only {@code APPROVED} schemas can be queried or written. */
public enum SchemaState {
    /** Known (loaded from a file, a bundle or a call) but not usable yet. */
    AVAILABLE("Available"),
    /** Usable: its fields have data references and mappings are applied. */
    APPROVED("Approved"),
    /** Refused by the owner; its data is kept. */
    BLOCKED("Blocked");

    private final String displayName;

    SchemaState(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return displayName;
    }
}
