package org.datafold.schema.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.DiscoveryReport.Outcome;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.json.NodeJson;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.schema.internal.SchemaSource.SchemaDocument;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry: every known schema with its state, data references and mappings, kept in
 * two storage repositories and served from an immutable in-memory snapshot.
 *
 * <p>Changes are serialized by one lock: each runs one storage transaction, and once it has
 * committed the snapshot is replaced by a new one. Reads ({@link #find}, {@link #approved}...)
 * only read the current snapshot: they never lock and never touch storage.
 *
 * <p>Repositories:
 * <ul>
 * <li>{@value #SCHEMAS_REPOSITORY}: schema name to {@link SchemaRecord} (definition, hash, state,
 * source, data references, resolved mappings);</li>
 * <li>{@value #HASHES_REPOSITORY}: content hash to the name that owns it
 * ({@link SchemaHashRecord}), so that one content is known under one name only.</li>
 * </ul>
 */
public final class SchemaRegistryCore implements SchemaRegistry {

    static final String SCHEMAS_REPOSITORY = "schemas";
    static final String HASHES_REPOSITORY = "schemas.by_hash";
    static final RepositoryDescriptor<SchemaRecord> SCHEMAS =
            new RepositoryDescriptor<>(SCHEMAS_REPOSITORY, SchemaRecord.class);
    static final RepositoryDescriptor<SchemaHashRecord> HASHES =
            new RepositoryDescriptor<>(HASHES_REPOSITORY, SchemaHashRecord.class);

    /** The source of schemas loaded through {@link #load} without one. */
    static final String API_SOURCE = "api";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryCore.class);

    private final Storage storage;
    private final Repository<SchemaRecord> schemas;
    private final Repository<SchemaHashRecord> hashes;
    private final FolderSchemaSource folder;
    private final Supplier<List<SchemaSource>> bundleSources;
    /** Serializes changes, so that snapshots are published in commit order. */
    private final Object writeLock = new Object();
    /** Serializes updates of {@link #lastDiscovery} and {@link #arrivals}. */
    private final Object reportLock = new Object();
    /** Source id to entries of each source discovered on its own since the last full pass began. */
    private final Map<String, List<DiscoveryReport.Entry>> arrivals = new LinkedHashMap<>();
    private volatile Snapshot snapshot;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    private volatile DiscoveryReport lastDiscovery;

    /** A registry over {@code storage} that discovers schema files in {@code folder} only. */
    public SchemaRegistryCore(Storage storage, Path folder) {
        this(storage, folder, List::of);
    }

    /**
     * Reads every stored schema into the first snapshot.
     *
     * @param storage       the node's storage
     * @param folder        the schema folder discovered by {@link #discover()}
     * @param bundleSources the schema-carrying bundles at the time {@link #discover()} runs
     * @throws FoldException {@code INTERNAL} when a stored schema cannot be read back
     */
    public SchemaRegistryCore(Storage storage, Path folder, Supplier<List<SchemaSource>> bundleSources) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.folder = new FolderSchemaSource(folder);
        this.bundleSources = Objects.requireNonNull(bundleSources, "bundleSources");
        this.schemas = storage.repository(SCHEMAS);
        this.hashes = storage.repository(HASHES);
        this.snapshot = readSnapshot();
        this.lastDiscovery = new DiscoveryReport(Instant.now(), List.of());
        LOG.info("{} schemas known ({} approved)", snapshot.all().size(),
                snapshot.all().stream().filter(i -> i.state() == SchemaState.APPROVED).count());
    }

    private Snapshot readSnapshot() {
        Map<String, Known> known = new TreeMap<>();
        for (Repository.Entry<SchemaRecord> entry : schemas.list(Integer.MAX_VALUE)) {
            SchemaRecord record = entry.value();
            Schema definition;
            try {
                definition = SchemaParser.parse(record.definition(), "stored schema " + record.name());
            } catch (FoldException e) {
                throw new FoldException(ErrorCode.INTERNAL, "the stored schema \"" + record.name()
                        + "\" cannot be read back: " + e.getMessage(), Map.of("schema", record.name()), e);
            }
            if (!definition.hash().equals(record.hash())) {
                LOG.warn("stored schema {} has hash {} but its content hashes to {}; the stored hash is kept",
                        record.name(), record.hash(), definition.hash());
                definition = withHash(definition, record.hash());
            }
            known.put(record.name(), Known.of(record, definition));
        }
        return Snapshot.of(known);
    }

    private static Schema withHash(Schema schema, String hash) {
        return new Schema(schema.name(), schema.type(), schema.fields(), schema.payment(), hash);
    }

    /** The schema folder this registry discovers. */
    public Path folder() {
        return folder.folder();
    }

    // ---------------------------------------------------------------- reads (snapshot only)

    @Override
    public List<SchemaInfo> all() {
        return snapshot.all();
    }

    @Override
    public Optional<SchemaInfo> find(String name) {
        Known known = name == null ? null : snapshot.byName().get(name);
        return known == null ? Optional.empty() : Optional.of(known.info());
    }

    @Override
    public SchemaInfo get(String name) {
        return known(snapshot, name).info();
    }

    @Override
    public Schema approved(String name) {
        Known known = known(snapshot, name);
        if (known.record().state() != SchemaState.APPROVED) {
            throw new FoldException(ErrorCode.SCHEMA_NOT_APPROVED, "schema \"" + name + "\" is "
                    + known.record().state().displayName() + ", not Approved",
                    Map.of("schema", name, "state", known.record().state().displayName()), null);
        }
        return known.info().schema();
    }

    private static Known known(Snapshot snapshot, String name) {
        Known known = name == null ? null : snapshot.byName().get(name);
        if (known == null) {
            throw notFound(name);
        }
        return known;
    }

    private static FoldException notFound(String name) {
        return new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema named \"" + name + "\"",
                Map.of("schema", String.valueOf(name)), null);
    }

    // ---------------------------------------------------------------- load

    @Override
    public SchemaInfo load(String json, String source) {
        String src = source == null || source.isBlank() ? API_SOURCE : source;
        Registration registration = register(SchemaParser.parse(json, src), src);
        if (registration.conflict() != null) {
            throw registration.conflict();
        }
        return registration.info();
    }

    /** What adding a parsed schema did; {@code conflict} is set for DIFFERS and FAILED. */
    private record Registration(Outcome outcome, SchemaInfo info, FoldException conflict) {
    }

    private Registration register(Schema schema, String source) {
        synchronized (writeLock) {
            Snapshot current = snapshot;
            Instant now = Instant.now();
            SchemaRecord created = new SchemaRecord(schema.name(), NodeJson.schema(schema, false).toString(),
                    schema.hash(), SchemaState.AVAILABLE, source, Map.of(), Map.of(), now, now);
            Registration registration = storage.inTransaction(() -> {
                SchemaRecord sameName = schemas.getForUpdate(schema.name()).orElse(null);
                if (sameName != null) {
                    SchemaInfo info = known(current, schema.name()).info();
                    return sameName.hash().equals(schema.hash())
                            ? new Registration(Outcome.UNCHANGED, info, null)
                            : new Registration(Outcome.DIFFERS, info, differs(schema, source, sameName));
                }
                SchemaHashRecord sameContent = hashes.getForUpdate(schema.hash()).orElse(null);
                if (sameContent != null) {
                    SchemaInfo other = known(current, sameContent.name()).info();
                    return new Registration(Outcome.FAILED, other, sameContent(schema, source, other));
                }
                schemas.put(schema.name(), created);
                hashes.put(schema.hash(), new SchemaHashRecord(schema.name()));
                return new Registration(Outcome.LOADED, null, null);
            });
            if (registration.outcome() != Outcome.LOADED) {
                return registration;
            }
            Known known = Known.of(created, schema);
            snapshot = current.with(known);
            generation.incrementAndGet();
            LOG.info("schema {} loaded from {} as Available ({} fields, hash {})", schema.name(), source,
                    schema.fields().size(), schema.hash());
            return new Registration(Outcome.LOADED, known.info(), null);
        }
    }

    private static FoldException differs(Schema schema, String source, SchemaRecord known) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("schema", schema.name());
        context.put("source", source);
        context.put("knownSource", known.source());
        context.put("hash", schema.hash());
        context.put("knownHash", known.hash());
        return new FoldException(ErrorCode.SCHEMA_CONFLICT, "schema \"" + schema.name() + "\" from " + source
                + " differs from the known schema \"" + known.name() + "\" (from " + known.source()
                + "); the known schema is kept", context, null);
    }

    private static FoldException sameContent(Schema schema, String source, SchemaInfo other) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("schema", schema.name());
        context.put("source", source);
        context.put("knownSchema", other.schema().name());
        context.put("knownSource", other.source());
        context.put("hash", schema.hash());
        return new FoldException(ErrorCode.SCHEMA_CONFLICT, "schema \"" + schema.name() + "\" from " + source
                + " has the same content as the known schema \"" + other.schema().name() + "\" (from "
                + other.source() + ")", context, null);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public SchemaInfo approve(String name) {
        synchronized (writeLock) {
            Snapshot current = snapshot;
            Known known = known(current, name);
            if (known.record().state() == SchemaState.APPROVED) {
                return known.info();
            }
            SchemaRecord updated = storage.inTransaction(() -> {
                SchemaRecord record = schemas.getForUpdate(name).orElseThrow(() -> notFound(name));
                Map<String, String> refs = new LinkedHashMap<>(record.refs());
                Map<String, String> mappings = new LinkedHashMap<>(record.mappings());
                for (Map.Entry<String, FieldDefinition> field : known.definition().fields().entrySet()) {
                    String fieldName = field.getKey();
                    if (refs.containsKey(fieldName)) {
                        continue;
                    }
                    if (field.getValue().fieldMappers().isEmpty()) {
                        refs.put(fieldName, UUID.randomUUID().toString());
                    } else {
                        FieldRef target = mappingTarget(current, name, fieldName, field.getValue());
                        SchemaRecord targetRecord = schemas.get(target.schema())
                                .orElseThrow(() -> notFound(target.schema()));
                        String ref = targetRecord.refs().get(target.field());
                        if (ref == null) {
                            throw new FoldException(ErrorCode.INTERNAL, "approved schema \"" + target.schema()
                                    + "\" has no data reference for its field " + target.field(),
                                    Map.of("schema", target.schema(), "field", target.field()), null);
                        }
                        refs.put(fieldName, ref);
                        mappings.put(fieldName, target.toString());
                    }
                }
                SchemaRecord approved = record.approved(refs, mappings, Instant.now());
                schemas.put(name, approved);
                return approved;
            });
            Known result = Known.of(updated, known.definition());
            snapshot = current.with(result);
            generation.incrementAndGet();
            LOG.info("schema {} approved ({} fields, {} mapped)", name, updated.refs().size(),
                    updated.mappings().size());
            return result.info();
        }
    }

    /** {@code Schema.field}. */
    private record FieldRef(String schema, String field) {
        @Override
        public String toString() {
            return schema + "." + field;
        }
    }

    /**
     * The field a mapped field takes its data reference from, after checking the whole chain of
     * mappings from it: every schema and field on it is known, there is no cycle, the field types
     * agree, and the schema mapped to is approved.
     */
    private static FieldRef mappingTarget(Snapshot current, String schemaName, String fieldName,
            FieldDefinition field) {
        FieldRef start = new FieldRef(schemaName, fieldName);
        List<FieldRef> chain = new ArrayList<>(List.of(start));
        Set<FieldRef> seen = new LinkedHashSet<>(chain);
        FieldDefinition at = field;
        while (!at.fieldMappers().isEmpty()) {
            Map.Entry<String, String> mapping = at.fieldMappers().entrySet().iterator().next();
            FieldRef next = new FieldRef(mapping.getKey(), mapping.getValue());
            chain.add(next);
            Known target = current.byName().get(next.schema());
            if (target == null) {
                throw mappingInvalid(start, chain, "no schema \"" + next.schema() + "\" is known");
            }
            FieldDefinition targetField = target.definition().field(next.field());
            if (targetField == null) {
                throw mappingInvalid(start, chain, "schema \"" + next.schema() + "\" has no field \""
                        + next.field() + "\"");
            }
            if (!seen.add(next)) {
                throw mappingInvalid(start, chain, "the mappings form a cycle");
            }
            at = targetField;
        }

        FieldRef target = chain.get(1);
        Known targetSchema = current.byName().get(target.schema());
        FieldDefinition targetField = targetSchema.definition().field(target.field());
        List<FieldRef> firstHop = chain.subList(0, 2);
        if (targetField.fieldType() != field.fieldType()) {
            throw mappingInvalid(start, firstHop, "the field types differ (" + field.fieldType().jsonName()
                    + " and " + targetField.fieldType().jsonName() + ")");
        }
        SchemaState state = targetSchema.record().state();
        if (state != SchemaState.APPROVED) {
            throw mappingInvalid(start, firstHop, "schema \"" + target.schema() + "\" is " + state.displayName()
                    + "; approve it first");
        }
        return target;
    }

    private static FoldException mappingInvalid(FieldRef start, List<FieldRef> chain, String problem) {
        List<String> names = chain.stream().map(FieldRef::toString).toList();
        String path = String.join(" -> ", names);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("schema", start.schema());
        context.put("field", start.field());
        context.put("mapping", path);
        return new FoldException(ErrorCode.MAPPING_INVALID, "cannot approve \"" + start.schema() + "\": mapping "
                + path + ": " + problem, context, null);
    }

    @Override
    public SchemaInfo block(String name) {
        return changeState(name, SchemaState.BLOCKED);
    }

    @Override
    public SchemaInfo unload(String name) {
        return changeState(name, SchemaState.AVAILABLE);
    }

    private SchemaInfo changeState(String name, SchemaState target) {
        synchronized (writeLock) {
            Snapshot current = snapshot;
            Known known = known(current, name);
            if (known.record().state() == target) {
                return known.info();
            }
            SchemaRecord updated = storage.inTransaction(() -> {
                SchemaRecord record = schemas.getForUpdate(name).orElseThrow(() -> notFound(name));
                SchemaRecord changed = record.withState(target, Instant.now());
                schemas.put(name, changed);
                return changed;
            });
            Known result = Known.of(updated, known.definition());
            snapshot = current.with(result);
            generation.incrementAndGet();
            LOG.info("schema {} is now {} (was {})", name, target.displayName(), known.record().state().displayName());
            return result.info();
        }
    }

    // ---------------------------------------------------------------- discovery

    /**
     * Scans the schema folder and every schema-carrying bundle; the report replaces the last one.
     * A bundle that arrives while the pass runs, and that the pass did not cover, keeps its
     * entries in the new report.
     */
    @Override
    public DiscoveryReport discover() {
        synchronized (reportLock) {
            arrivals.clear();
        }
        List<SchemaSource> sources = new ArrayList<>();
        sources.add(folder);
        sources.addAll(bundleSources.get());
        List<DiscoveryReport.Entry> entries = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (SchemaSource source : sources) {
            entries.addAll(scan(source));
            covered.add(source.id());
        }
        DiscoveryReport report;
        synchronized (reportLock) {
            arrivals.forEach((id, found) -> {
                if (!covered.contains(id)) {
                    entries.addAll(found);
                }
            });
            arrivals.clear();
            report = new DiscoveryReport(Instant.now(), entries);
            lastDiscovery = report;
        }
        logSummary("schema discovery", report.entries());
        return report;
    }

    /**
     * Scans one source (a bundle that just arrived); its entries replace that source's entries in
     * the last report.
     */
    DiscoveryReport discover(SchemaSource source) {
        List<DiscoveryReport.Entry> found = scan(source);
        logSummary("schema discovery in " + source.id(), found);
        synchronized (reportLock) {
            arrivals.put(source.id(), found);
            List<DiscoveryReport.Entry> merged = new ArrayList<>();
            for (DiscoveryReport.Entry entry : lastDiscovery.entries()) {
                if (!belongsTo(entry.source(), source)) {
                    merged.add(entry);
                }
            }
            merged.addAll(found);
            lastDiscovery = new DiscoveryReport(Instant.now(), merged);
            return lastDiscovery;
        }
    }

    private static boolean belongsTo(String entrySource, SchemaSource source) {
        return entrySource.equals(source.id()) || entrySource.startsWith(source.id() + "/");
    }

    @Override
    public DiscoveryReport lastDiscovery() {
        return lastDiscovery;
    }

    private List<DiscoveryReport.Entry> scan(SchemaSource source) {
        List<SchemaDocument> documents;
        try {
            documents = source.documents();
        } catch (IOException | RuntimeException e) {
            String error = ErrorCode.SCHEMA_INVALID + ": cannot list " + source.id() + ": " + e;
            LOG.warn("schema discovery: {}", error);
            return List.of(new DiscoveryReport.Entry(null, source.id(), Outcome.FAILED, error));
        }
        List<DiscoveryReport.Entry> entries = new ArrayList<>();
        for (SchemaDocument document : documents) {
            entries.add(scan(document));
        }
        return entries;
    }

    /** One document: never throws, whatever is wrong with it. */
    private DiscoveryReport.Entry scan(SchemaDocument document) {
        String source = document.source();
        String text;
        try {
            text = document.read();
        } catch (IOException | RuntimeException e) {
            return failed(null, source, ErrorCode.SCHEMA_INVALID + ": " + source + ": cannot read: "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        String name = SchemaParser.nameOf(text);
        try {
            Schema schema = SchemaParser.parse(text, source);
            Registration registration = register(schema, source);
            return switch (registration.outcome()) {
                case LOADED, UNCHANGED -> new DiscoveryReport.Entry(name, source, registration.outcome(), null);
                case DIFFERS -> {
                    String error = registration.conflict().code() + ": " + registration.conflict().getMessage();
                    LOG.warn("schema discovery: {}", error);
                    yield new DiscoveryReport.Entry(name, source, Outcome.DIFFERS, error);
                }
                case FAILED -> failed(name, source, registration.conflict().code() + ": "
                        + registration.conflict().getMessage());
            };
        } catch (FoldException e) {
            return failed(name, source, e.code() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("schema discovery: unexpected failure on {}", source, e);
            return failed(name, source, ErrorCode.INTERNAL + ": " + e);
        }
    }

    private static DiscoveryReport.Entry failed(String name, String source, String error) {
        LOG.warn("schema discovery: {}", error);
        return new DiscoveryReport.Entry(name, source, Outcome.FAILED, error);
    }

    private static void logSummary(String what, List<DiscoveryReport.Entry> entries) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (DiscoveryReport.Entry entry : entries) {
            counts.merge(entry.outcome(), 1, Integer::sum);
        }
        LOG.info("{}: {} sources, {} loaded, {} unchanged, {} differ, {} failed", what, entries.size(),
                counts.getOrDefault(Outcome.LOADED, 0), counts.getOrDefault(Outcome.UNCHANGED, 0),
                counts.getOrDefault(Outcome.DIFFERS, 0), counts.getOrDefault(Outcome.FAILED, 0));
    }

    @Override
    public long generation() {
        return generation.get();
    }

    // ---------------------------------------------------------------- snapshot

    /**
     * One known schema: its stored record, its definition (without data references) and what
     * callers see (the definition with the references assigned so far).
     */
    private record Known(SchemaRecord record, Schema definition, SchemaInfo info) {
        static Known of(SchemaRecord record, Schema definition) {
            Map<String, FieldDefinition> fields = new LinkedHashMap<>();
            definition.fields().forEach((name, field) -> fields.put(name, field.withRef(record.refs().get(name))));
            Schema withRefs = new Schema(definition.name(), definition.type(), fields, definition.payment(),
                    definition.hash());
            return new Known(record, definition, new SchemaInfo(withRefs, record.state(), record.source()));
        }
    }

    /** An immutable view of every known schema; replaced as a whole after each change. */
    private record Snapshot(Map<String, Known> byName, List<SchemaInfo> all) {
        static Snapshot of(Map<String, Known> sorted) {
            List<SchemaInfo> all = new ArrayList<>();
            sorted.values().forEach(known -> all.add(known.info()));
            return new Snapshot(Collections.unmodifiableMap(sorted), List.copyOf(all));
        }

        Snapshot with(Known known) {
            Map<String, Known> next = new TreeMap<>(byName);
            next.put(known.record().name(), known);
            return of(next);
        }
    }
}
