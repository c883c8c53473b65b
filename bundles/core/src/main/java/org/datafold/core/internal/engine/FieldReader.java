package org.datafold.core.internal.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldRules;
import org.datafold.api.schema.Schema;
import org.datafold.core.api.CommitListener;
import org.datafold.core.api.FieldChangeEvent;
import org.datafold.core.api.FieldStore;
import org.datafold.core.api.WriteGuard;
import org.datafold.core.internal.engine.FieldAccessPolicy.Access;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The read side of the engine: queries and histories. Reads take no transaction of their own:
 * each field's head and atom are read with one storage read each, so readers never wait for
 * writers of other fields. A query returns the latest committed value of each field; it is not a
 * snapshot across fields.
 */
final class FieldReader {
    private final SchemaRegistry registry;
    private final FieldAccessPolicy accessPolicy;
    private final Repository<Atom> atoms;
    private final Repository<AtomRef> refs;
    private final Storage storage;
    /** Atoms are immutable: read ones are kept (small ones, a bounded number) and never go stale. */
    private final AtomCache cache = new AtomCache(CACHED_ATOMS);

    /** Slots of the atom cache (at most {@value #CACHED_ATOMS} atoms of up to 2,048 characters each). */
    static final int CACHED_ATOMS = 8192;

    FieldReader(SchemaRegistry registry, FieldAccessPolicy accessPolicy, Repository<Atom> atoms,
            Repository<AtomRef> refs, Storage storage) {
        this.registry = registry;
        this.accessPolicy = accessPolicy;
        this.atoms = atoms;
        this.refs = refs;
        this.storage = storage;
    }

    /** Atom cache hits and misses so far. */
    long[] cacheCounts() {
        return new long[] { cache.hits(), cache.misses() };
    }

    /** The current value of a field (of one row), or empty (never written, deleted, or null). */
    Optional<Object> currentValue(String fieldRef, String rangeKey) {
        Optional<AtomRef> head = refs.get(AtomKey.of(fieldRef, rangeKey).storageKey());
        if (head.isEmpty() || head.get().deleted()) {
            return Optional.empty();
        }
        JsonNode content = atom(head.get().atomUuid()).content();
        return content == null || content.isNull() ? Optional.empty() : Optional.of(JsonValues.toJava(content));
    }


    /** A requested field: its data reference, or the outcome it gets without reading. */
    private record Requested(String name, String ref, FieldOutcome fixed) {
    }

    /**
     * The latest value of each requested field: one row for a single schema, one row per
     * selected range key (in key order) for a range schema. An unknown or denied field gets its
     * own outcome; only an unknown or unapproved schema, or a malformed query, fails the call.
     */
    QueryResult query(Caller caller, Query query) {
        EngineChecks.requireArgument(caller != null, "caller must not be null");
        EngineChecks.requireArgument(query != null, "query must not be null");
        Schema schema = registry.approved(query.schema());
        EngineChecks.requireArgument(!query.fields().isEmpty(), "a query of " + schema.name() + " needs at least one field");
        EngineChecks.requireArgument(!query.includeHistory() || query.historyLimit() >= 1,
                "historyLimit must be at least 1 when includeHistory is set (was " + query.historyLimit() + ")");
        int historyLimit = query.includeHistory() ? query.historyLimit() : 0;

        List<Requested> requested = new ArrayList<>(query.fields().size());
        Set<String> seen = new LinkedHashSet<>();
        for (String name : query.fields()) {
            EngineChecks.requireArgument(name != null, "field names must not be null");
            if (seen.add(name)) {
                requested.add(resolve(caller, schema, name));
            }
        }

        if (!schema.type().isRange()) {
            EngineChecks.requireArgument(query.filter() == null, schema.name() + " is a single schema: a range filter does not apply");
            Map<String, FieldOutcome> fields = new LinkedHashMap<>();
            for (Requested r : requested) {
                fields.put(r.name(), r.fixed() != null ? r.fixed() : read(refs.get(r.ref()).orElse(null), historyLimit));
            }
            return new QueryResult(schema.name(), List.of(new QueryResult.Row(null, fields)));
        }

        TreeMap<String, Map<String, AtomRef>> rows = findRows(schema, requested, RowSelection.of(query.filter()));
        List<QueryResult.Row> result = new ArrayList<>(rows.size());
        for (Map.Entry<String, Map<String, AtomRef>> row : rows.entrySet()) {
            Map<String, FieldOutcome> fields = new LinkedHashMap<>();
            for (Requested r : requested) {
                fields.put(r.name(), r.fixed() != null ? r.fixed() : read(row.getValue().get(r.ref()), historyLimit));
            }
            result.add(new QueryResult.Row(row.getKey(), fields));
        }
        return new QueryResult(schema.name(), result);
    }

    private Requested resolve(Caller caller, Schema schema, String name) {
        FieldDefinition def = schema.field(name);
        if (def == null) {
            return new Requested(name, null, FieldOutcome.error(ErrorCode.FIELD_NOT_FOUND,
                    "schema " + schema.name() + " has no field '" + name + "'"));
        }
        // The one place where a per-field read decision is made.
        Optional<String> denial = accessPolicy.denial(caller, schema, name, Access.READ);
        if (denial.isPresent()) {
            return new Requested(name, null, FieldOutcome.denied(denial.get()));
        }
        return new Requested(name, EngineChecks.requireRef(schema, name, def), null);
    }

    /**
     * The selected rows of a range schema, in key order, each with the heads found for the range
     * key field and the readable requested fields. A row exists when any of them has a value in it.
     */
    private TreeMap<String, Map<String, AtomRef>> findRows(Schema schema, List<Requested> requested,
            RowSelection selection) {
        Set<String> rowRefs = new LinkedHashSet<>();
        String keyField = schema.type().rangeKey();
        FieldDefinition keyDef = keyField == null ? null : schema.field(keyField);
        if (keyDef != null && keyDef.refAtomUuid() != null) {
            rowRefs.add(keyDef.refAtomUuid());
        }
        for (Requested r : requested) {
            if (r.ref() != null) {
                rowRefs.add(r.ref());
            }
        }
        TreeMap<String, Map<String, AtomRef>> rows = new TreeMap<>(RowSelection.KEY_ORDER);
        if (selection.isExact()) {
            for (String key : selection.exactKeys()) {
                if (!isStorableKeyPart(key)) {
                    continue; // no row can have it
                }
                for (String ref : rowRefs) {
                    AtomRef head = refs.get(AtomKey.of(ref, key).storageKey()).orElse(null);
                    if (head != null) {
                        rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(ref, head);
                    }
                }
            }
            return rows;
        }
        if (!isStorableKeyPart(selection.scanPrefix())) {
            return rows;
        }
        for (String ref : rowRefs) {
            for (Repository.Entry<AtomRef> e : refs.scanPrefix(AtomKey.rowPrefix(ref) + selection.scanPrefix())) {
                String key = AtomKey.rangeKeyOf(ref, e.key());
                if (selection.matches(key)) {
                    rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(ref, e.value());
                }
            }
        }
        return rows;
    }

    /** Whether a range key (or a prefix of one) could be part of a stored key. */
    private static boolean isStorableKeyPart(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return key.length() <= FoldEngine.MAX_RANGE_KEY_BYTES
                && key.getBytes(StandardCharsets.UTF_8).length <= FoldEngine.MAX_RANGE_KEY_BYTES;
    }

    /** The outcome of one field from its head: its latest value, with its history if asked. */
    private FieldOutcome read(AtomRef head, int historyLimit) {
        if (head == null) {
            return FieldOutcome.noValue();
        }
        try {
            Atom atom = atom(head.atomUuid());
            List<AtomVersion> history = historyLimit > 0 ? walk(atom, historyLimit) : List.of();
            return FieldOutcome.ok(JsonValues.toJava(atom.content()), atom.uuid(), history);
        } catch (FoldException e) {
            if (e.code() == ErrorCode.STORAGE_CORRUPTED) {
                return FieldOutcome.error(e.code(), e.getMessage());
            }
            throw e;
        }
    }

    // ================================================================ history

    /**
     * The versions of one field (of one row, for a range schema), newest first, at most
     * {@code limit}; empty when the field was never written.
     */
    List<AtomVersion> history(Caller caller, String schemaName, String field, String rangeKey, int limit) {
        EngineChecks.requireArgument(caller != null, "caller must not be null");
        EngineChecks.requireArgument(schemaName != null, "schema must not be null");
        EngineChecks.requireArgument(field != null, "field must not be null");
        EngineChecks.requireArgument(limit >= 1, "limit must be at least 1 (was " + limit + ")");
        Schema schema = registry.approved(schemaName);
        FieldDefinition def = EngineChecks.knownField(schema, field);
        Optional<String> denial = accessPolicy.denial(caller, schema, field, Access.READ);
        if (denial.isPresent()) {
            throw new FoldException(ErrorCode.PERMISSION_DENIED, denial.get(),
                    Map.of("schema", schema.name(), "field", field), null);
        }
        String ref = EngineChecks.requireRef(schema, field, def);
        String refKey;
        if (schema.type().isRange()) {
            if (rangeKey == null || rangeKey.isBlank()) {
                throw new FoldException(ErrorCode.INVALID_VALUE, "the history of " + schema.name() + "." + field
                        + " needs a non-blank range key (" + schema.name() + " is a range schema)",
                        Map.of("schema", schema.name(), "field", field), null);
            }
            if (!isStorableKeyPart(rangeKey)) {
                return List.of();
            }
            refKey = AtomKey.of(ref, rangeKey).storageKey();
        } else {
            EngineChecks.requireArgument(rangeKey == null, schema.name() + " is a single schema: it has no range key");
            refKey = ref;
        }
        Optional<AtomRef> head = refs.get(refKey);
        return head.isEmpty() ? List.of() : walk(atom(head.get().atomUuid()), limit);
    }

    /** The chain of versions from {@code newest}, following {@code prevAtomUuid}, at most {@code limit}. */
    private List<AtomVersion> walk(Atom newest, int limit) {
        List<AtomVersion> versions = new ArrayList<>(Math.min(limit, 16));
        Atom atom = newest;
        while (true) {
            versions.add(atom.toVersion());
            if (versions.size() >= limit || atom.prevAtomUuid() == null) {
                return versions;
            }
            atom = atom(atom.prevAtomUuid());
        }
    }

    private Atom atom(String uuid) {
        Atom cached = cache.get(uuid);
        if (cached != null) {
            return cached;
        }
        Atom atom = atoms.get(uuid).orElseThrow(() -> new FoldException(ErrorCode.STORAGE_CORRUPTED,
                "atom " + uuid + " is referenced but missing", Map.of("repository", FoldEngine.ATOMS.name(), "key", uuid), null));
        // Inside a transaction the atom may be one it wrote and may still abort: not kept.
        if (!storage.hasThreadTransaction()) {
            cache.put(atom);
        }
        return atom;
    }

}
