package org.datafold.schema.api;

import java.util.List;
import java.util.Optional;

import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Every schema the node knows, with its lifecycle state, persisted in storage. Reads are served
 * from memory (no lock, no storage round trip); changes are written through a storage transaction
 * and then published atomically.
 */
@ProviderType
public interface SchemaRegistry {

    /** Every known schema, by name. */
    List<SchemaInfo> all();

    Optional<SchemaInfo> find(String name);

    /** The schema, or {@code SCHEMA_NOT_FOUND}. */
    SchemaInfo get(String name);

    /**
     * The schema if it is approved, with every field's data reference assigned (a mapped field
     * carries the reference of the field it maps to); otherwise {@code SCHEMA_NOT_FOUND} or
     * {@code SCHEMA_NOT_APPROVED}. This is the engine's hot path: no storage access.
     */
    Schema approved(String name);

    /** Parses, validates and adds a schema as {@code Available} (idempotent for identical content). */
    SchemaInfo load(String json, String source);

    SchemaInfo approve(String name);

    SchemaInfo block(String name);

    SchemaInfo unload(String name);

    /** Scans the schema folder and the schema-carrying bundles again. */
    DiscoveryReport discover();

    DiscoveryReport lastDiscovery();

    /**
     * A number that changes whenever any schema or its state changes: consumers keeping views
     * derived from the schemas (the transforms) compare it to know when to rebuild them.
     */
    long generation();
}
