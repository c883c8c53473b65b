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
import org.datafold.storage.api.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The data engine: reads and writes versioned field values of approved schemas.
 *
 * <h2>Data model</h2>
 * Two repositories. {@code atoms} holds every {@link Atom} (immutable versions) by uuid;
 * {@code atom_refs} holds the head of each field's history ({@link AtomRef}) under the field's
 * data reference ({@code refAtomUuid} of its approved definition), or {@code <ref>/<rangeKey>}
 * for a row of a range schema. Keying by the reference rather than by schema and field names
 * makes mapped fields, which carry the reference of the field they map to, read and write the
 * same data.
 *
 * <h2>Mutations</h2>
 * Everything that can be checked without storage is checked first: the schema is approved, every
 * field exists, may be written (not {@code writable: false}, not computed by a transform, allowed
 * by the {@link FieldAccessPolicy}) and its value fits ({@link JsonValues}); a range mutation has
 * its range key field with a value that keys a row. Then the whole mutation runs as one storage
 * transaction: the heads of every field are read with a write lock ({@code getForUpdate}, in key
 * order so that mutations of several fields cannot deadlock), {@code UPDATE} and {@code DELETE}
 * fail with {@code NO_VALUE} on a field that was never written, and each field gets a new atom
 * whose {@code prevAtomUuid} is the previous head. Concurrent mutations of one field therefore
 * queue on its head and form one linear history. Mutations are committed in groups
 * ({@link GroupCommit}): concurrent mutations are applied one after another in one transaction
 * that commits (and reaches the disk) once for all of them, and each caller returns once the
 * commit holding its mutation is done. Field-change events are published after the commit.
 *
 * <p>Semantics where the API leaves room:
 * <ul>
 * <li>{@code CREATE} writes whether or not the field has a value (it does not fail on an existing
 * value); only {@code UPDATE} and {@code DELETE} need one.</li>
 * <li>A field "has a value" once any atom was written for it, a {@code Deleted} one included: a
 * deleted field can be updated or deleted again.</li>
 * <li>In a range mutation the range key field is also a field of the row: the first
 * {@code CREATE} or {@code UPDATE} of the row writes it (its value as given, so a number stays a
 * number; the row is keyed by its string form). Later mutations of the row leave it alone, since
 * it can only hold the row's key, unless it was deleted with the whole row. An {@code UPDATE} of
 * a row that was never created fails with {@code NO_VALUE} on the range key field. A mutation
 * whose only field is the range key of an existing row writes nothing.</li>
 * <li>In a range {@code DELETE} the range key only selects the row and is not deleted itself,
 * unless it is the only field given: then the whole row is deleted (every field of the row that
 * has a value and that the caller may write, the range key field included; fields that are not
 * writable keep their values); {@code NO_VALUE} if the row has none.</li>
 * <li>Range keys are at most {@value #MAX_RANGE_KEY_BYTES} bytes in UTF-8.</li>
 * </ul>
 *
 * <h2>Queries and history</h2>
 * Reads take no transaction of their own: each field's head and atom are read with one storage
 * read each, so readers never wait for writers of other fields. A query returns the latest
 * committed value of each field; it is not a snapshot across fields (a query running while a
 * mutation of two fields commits may see one field before and the other after it). Schema
 * lookups are served from the registry's memory.
 */
public final class FoldEngine implements FieldStore {

    static final RepositoryDescriptor<Atom> ATOMS = new RepositoryDescriptor<>("atoms", Atom.class);
    static final RepositoryDescriptor<AtomRef> ATOM_REFS = new RepositoryDescriptor<>("atom_refs", AtomRef.class);

    /** The longest range key, in UTF-8 bytes. */
    public static final int MAX_RANGE_KEY_BYTES = 512;

    private static final Logger LOG = LoggerFactory.getLogger(FoldEngine.class);

    /** Listens to nothing. */
    private static final CommitListener NO_LISTENER = new CommitListener() {
        @Override
        public void committing(List<FieldChangeEvent> changes, int depth) {
        }

        @Override
        public void committed() {
        }
    };

    private final Storage storage;
    private final SchemaRegistry registry;
    private final FieldChangePublisher publisher;
    private final FieldAccessPolicy accessPolicy;
    private final CommitListener commits;
    private final WriteGuard guard;
    private final GroupCommit group;
    private final Repository<Atom> atoms;
    private final Repository<AtomRef> refs;
    private final FieldReader reader;

    /** An engine that lets every caller read and write every field. */
    public FoldEngine(Storage storage, SchemaRegistry registry, FieldChangePublisher publisher) {
        this(storage, registry, publisher, FieldAccessPolicy.ALLOW_ALL);
    }

    public FoldEngine(Storage storage, SchemaRegistry registry, FieldChangePublisher publisher,
            FieldAccessPolicy accessPolicy) {
        this(storage, registry, publisher, accessPolicy, NO_LISTENER, fieldRef -> null);
    }

    /**
     * @param commits told of the changes of every commit, inside its unit of work and after it
     * @param guard   asked about every field a mutation writes
     */
    public FoldEngine(Storage storage, SchemaRegistry registry, FieldChangePublisher publisher,
            FieldAccessPolicy accessPolicy, CommitListener commits, WriteGuard guard) {
        this.commits = Objects.requireNonNull(commits, "commits");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
        this.group = new GroupCommit(storage);
        this.atoms = storage.repository(ATOMS);
        this.refs = storage.repository(ATOM_REFS);
        this.reader = new FieldReader(registry, accessPolicy, atoms, refs, storage);
    }

    // ================================================================ mutations

    /** When a planned write happens, given the field's current head. */
    private enum Condition {
        /** Always. */
        ALWAYS,
        /** Only if the field has a value (whole-row deletes skip fields the row never had). */
        IF_ANY_VALUE,
        /** Only if the field has no value or a deleted one (the range key field of a row). */
        IF_NO_LIVE_VALUE
    }

    /**
     * One field write of a mutation, planned before the transaction.
     *
     * @param needsValue fail with {@code NO_VALUE} if the field was never written
     */
    private record FieldWrite(String field, String ref, String refKey, JsonNode content,
            AtomVersion.Status status, boolean needsValue, Condition condition) {

        boolean happens(AtomRef head) {
            return switch (condition) {
                case ALWAYS -> true;
                case IF_ANY_VALUE -> head != null;
                case IF_NO_LIVE_VALUE -> head == null || head.deleted();
            };
        }
    }

    /** A checked mutation, ready to be written. */
    private record Plan(Schema schema, Mutation.Type type, String rangeKey, String sourceKey, List<FieldWrite> writes) {
    }

    /** What the transaction produced. */
    private record Committed(MutationResult result, List<FieldChangeEvent> events) {
    }

    /**
     * Writes the fields of a mutation, all or nothing.
     *
     * @throws FoldException {@code SCHEMA_NOT_FOUND}, {@code SCHEMA_NOT_APPROVED},
     *         {@code FIELD_NOT_FOUND}, {@code FIELD_NOT_WRITABLE}, {@code PERMISSION_DENIED},
     *         {@code INVALID_VALUE}, {@code NO_VALUE}, or a storage error; nothing is written then
     */
    public MutationResult mutate(Caller caller, Mutation mutation) {
        EngineChecks.requireArgument(caller != null, "caller must not be null");
        EngineChecks.requireArgument(mutation != null, "mutation must not be null");
        Schema schema = registry.approved(mutation.schema());
        Plan plan = plan(caller, schema, mutation);
        Committed committed = group.submit(() -> {
            Committed c = cleanly(plan);
            if (!c.events().isEmpty()) {
                commits.committing(c.events(), 1);
            }
            return c;
        });
        publish(committed.events());
        commits.committed();
        return committed.result();
    }

    /**
     * Writes a computed value (the output of a transform run): one field (of one row), as a new atom whose source is
     * {@code source}, bypassing the checks that protect computed fields from callers. The write,
     * {@code alsoInTransaction} and the {@link CommitListener}'s work (at
     * {@code depth + 1}) commit together.
     *
     * @param rangeKey the row, for a range schema; else null
     * @throws FoldException {@code SCHEMA_NOT_APPROVED}, {@code FIELD_NOT_FOUND},
     *         {@code INVALID_VALUE}, or a storage error; nothing is written then
     */
    @Override
    public MutationResult writeComputed(String schemaName, String field, String rangeKey, Object value,
            String source, int depth, Runnable alsoInTransaction) {
        Schema schema = registry.approved(schemaName);
        FieldDefinition def = EngineChecks.knownField(schema, field);
        String ref = EngineChecks.requireRef(schema, field, def);
        String refKey;
        if (schema.type().isRange()) {
            EngineChecks.requireArgument(rangeKey != null && !rangeKey.isBlank(), schemaName + " is a range schema: the output of a"
                    + " transform needs a row key");
            refKey = AtomKey.of(ref, checkedRangeKey(schemaName, field,
                    com.fasterxml.jackson.databind.node.TextNode.valueOf(rangeKey))).storageKey();
        } else {
            EngineChecks.requireArgument(rangeKey == null, schemaName + " is a single schema: it has no rows");
            refKey = ref;
        }
        JsonNode content = JsonValues.toJson(value, schemaName, field);
        Plan plan = new Plan(schema, Mutation.Type.UPDATE, rangeKey, source, List.of(new FieldWrite(field, ref, refKey,
                content, AtomVersion.Status.ACTIVE, false, Condition.ALWAYS)));
        Committed committed = group.submit(() -> {
            alsoInTransaction.run();
            Committed c = write(plan);
            commits.committing(c.events(), depth + 1);
            return c;
        });
        publish(committed.events());
        commits.committed();
        return committed.result();
    }

    /**
     * The current value of a field (of one row) by its data reference, as the Java value a query
     * returns; empty when it was never written, is deleted, or holds null.
     */
    @Override
    public Optional<Object> currentValue(String fieldRef, String rangeKey) {
        return reader.currentValue(fieldRef, rangeKey);
    }

    /**
     * The latest value of each requested field: one row for a single schema, one row per
     * selected range key (in key order) for a range schema (see {@link FieldReader#query}).
     */
    public QueryResult query(Caller caller, Query query) {
        return reader.query(caller, query);
    }

    /**
     * The versions of one field (of one row, for a range schema), newest first, at most
     * {@code limit}; empty when the field was never written (see {@link FieldReader#history}).
     */
    public List<AtomVersion> history(Caller caller, String schemaName, String field, String rangeKey, int limit) {
        return reader.history(caller, schemaName, field, rangeKey, limit);
    }

    private Plan plan(Caller caller, Schema schema, Mutation mutation) {
        Map<String, Object> values = mutation.values();
        String name = schema.name();
        if (values.isEmpty()) {
            throw new FoldException(ErrorCode.INVALID_VALUE, "a mutation of " + name + " needs at least one field",
                    Map.of("schema", name), null);
        }
        String rangeKey = null;
        JsonNode rangeKeyValue = null;
        String keyField = schema.type().isRange() ? schema.type().rangeKey() : null;
        if (keyField != null) {
            if (!values.containsKey(keyField)) {
                throw new FoldException(ErrorCode.INVALID_VALUE, "a mutation of range schema " + name
                        + " needs its range key field '" + keyField + "' with a non-blank value",
                        Map.of("schema", name, "field", keyField), null);
            }
            rangeKeyValue = JsonValues.toJson(values.get(keyField), name, keyField);
            rangeKey = checkedRangeKey(name, keyField, rangeKeyValue);
        }

        List<FieldWrite> writes = new ArrayList<>(values.size());
        boolean wholeRow = mutation.type() == Mutation.Type.DELETE && keyField != null && values.size() == 1;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            String field = e.getKey();
            boolean isKeyField = field != null && field.equals(keyField);
            if (isKeyField && mutation.type() == Mutation.Type.DELETE) {
                // Selects the row; deleted only with the whole row (below).
                continue;
            }
            FieldDefinition def = writableField(caller, schema, field);
            String ref = def.refAtomUuid();
            String refKey = AtomKey.of(ref, rangeKey).storageKey();
            switch (mutation.type()) {
                case CREATE, UPDATE -> {
                    JsonNode content = isKeyField ? rangeKeyValue : JsonValues.toJson(e.getValue(), name, field);
                    writes.add(new FieldWrite(field, ref, refKey, content, AtomVersion.Status.ACTIVE,
                            mutation.type() == Mutation.Type.UPDATE,
                            isKeyField ? Condition.IF_NO_LIVE_VALUE : Condition.ALWAYS));
                }
                case DELETE -> writes.add(deletion(field, ref, refKey, Condition.ALWAYS));
            }
        }
        if (wholeRow) {
            // Deleting a whole row: every writable field of the schema that has a value in it.
            for (Map.Entry<String, FieldDefinition> f : schema.fields().entrySet()) {
                FieldDefinition def = f.getValue();
                if (isWritable(def) && accessPolicy.denial(caller, schema, f.getKey(), Access.WRITE).isEmpty()) {
                    String ref = EngineChecks.requireRef(schema, f.getKey(), def);
                    writes.add(deletion(f.getKey(), ref, AtomKey.of(ref, rangeKey).storageKey(), Condition.IF_ANY_VALUE));
                }
            }
        }
        return new Plan(schema, mutation.type(), rangeKey, caller.sourceKey(), writes);
    }

    private static FieldWrite deletion(String field, String ref, String refKey, Condition condition) {
        return new FieldWrite(field, ref, refKey, NullNode.getInstance(), AtomVersion.Status.DELETED,
                condition == Condition.ALWAYS, condition);
    }

    private static String checkedRangeKey(String schema, String keyField, JsonNode value) {
        String key = JsonValues.rangeKeyText(value);
        Map<String, Object> context = Map.of("schema", schema, "field", keyField);
        if (key == null) {
            throw new FoldException(ErrorCode.INVALID_VALUE, "the range key " + schema + "." + keyField
                    + " must be a string, a number or a boolean, not " + describe(value), context, null);
        }
        if (key.isBlank()) {
            throw new FoldException(ErrorCode.INVALID_VALUE, "the range key " + schema + "." + keyField
                    + " must not be blank", context, null);
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_RANGE_KEY_BYTES) {
            throw new FoldException(ErrorCode.INVALID_VALUE, "the range key " + schema + "." + keyField + " is "
                    + bytes + " bytes long in UTF-8; at most " + MAX_RANGE_KEY_BYTES + " are allowed", context, null);
        }
        return key;
    }

    private static String describe(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        return value.isArray() ? "a list" : value.isObject() ? "a map" : value.getNodeType().name().toLowerCase();
    }

    private FieldDefinition writableField(Caller caller, Schema schema, String field) {
        FieldDefinition def = EngineChecks.knownField(schema, field);
        Map<String, Object> context = Map.of("schema", schema.name(), "field", field);
        Set<FieldRules.Refusal> refusals = FieldRules.refusals(def);
        if (refusals.contains(FieldRules.Refusal.COMPUTED)) {
            throw new FoldException(ErrorCode.FIELD_NOT_WRITABLE, "field " + schema.name() + "." + field
                    + " is computed by a transform and cannot be written", context, null);
        }
        if (refusals.contains(FieldRules.Refusal.NOT_WRITABLE)) {
            throw new FoldException(ErrorCode.FIELD_NOT_WRITABLE, "field " + schema.name() + "." + field
                    + " is not writable", context, null);
        }
        String refusal = def.refAtomUuid() == null ? null : guard.refusal(def.refAtomUuid());
        if (refusal != null) {
            throw new FoldException(ErrorCode.FIELD_NOT_WRITABLE, "field " + schema.name() + "." + field
                    + " is " + refusal + " and cannot be written", context, null);
        }
        Optional<String> denial = accessPolicy.denial(caller, schema, field, Access.WRITE);
        if (denial.isPresent()) {
            throw new FoldException(ErrorCode.PERMISSION_DENIED, denial.get(), context, null);
        }
        EngineChecks.requireRef(schema, field, def);
        return def;
    }

    private boolean isWritable(FieldDefinition def) {
        return FieldRules.writable(def)
                && (def.refAtomUuid() == null || guard.refusal(def.refAtomUuid()) == null);
    }

    private Committed write(Plan plan) {
        // Lock every head in key order first, so that mutations sharing fields queue instead of
        // deadlocking, then check, then write. Re-run from scratch on a storage conflict retry.
        TreeMap<String, AtomRef> heads = new TreeMap<>();
        for (FieldWrite w : plan.writes()) {
            heads.put(w.refKey(), null);
        }
        for (Map.Entry<String, AtomRef> head : heads.entrySet()) {
            head.setValue(refs.getForUpdate(head.getKey()).orElse(null));
        }
        Schema schema = plan.schema();
        for (FieldWrite w : plan.writes()) {
            if (w.needsValue() && heads.get(w.refKey()) == null) {
                throw noValue(schema.name(), w.field(), plan.rangeKey());
            }
        }

        Instant now = Instant.now();
        Map<String, String> written = new LinkedHashMap<>();
        List<FieldChangeEvent> events = new ArrayList<>(plan.writes().size());
        Set<String> changed = new LinkedHashSet<>();
        for (FieldWrite w : plan.writes()) {
            AtomRef head = heads.get(w.refKey());
            if (!w.happens(head)) {
                continue;
            }
            String uuid = AtomIds.next();
            atoms.put(uuid, new Atom(uuid, schema.name(), w.field(), plan.rangeKey(), plan.sourceKey(), now,
                    head == null ? null : head.atomUuid(), w.content(), w.status()));
            heads.put(w.refKey(), new AtomRef(uuid, head == null ? 1 : head.versions() + 1,
                    w.status() == AtomVersion.Status.DELETED));
            changed.add(w.refKey());
            written.put(w.field(), uuid);
            events.add(new FieldChangeEvent(schema.name(), w.field(), plan.rangeKey(), uuid, w.ref(),
                    plan.sourceKey(), plan.type().name()));
        }
        if (written.isEmpty() && plan.type() == Mutation.Type.DELETE) {
            // A whole-row delete of a row that has no value at all.
            throw new FoldException(ErrorCode.NO_VALUE, "row '" + plan.rangeKey() + "' of " + schema.name()
                    + " has no value to delete", Map.of("schema", schema.name(), "rangeKey", plan.rangeKey()), null);
        }
        for (String refKey : changed) {
            refs.put(refKey, heads.get(refKey));
        }
        return new Committed(new MutationResult(schema.name(), plan.rangeKey(), written), events);
    }

    /**
     * {@link #write} for a mutation in a group commit: its own failures (it checks every head
     * before it writes anything) fail it alone, not its batch; the storage's abort the batch.
     */
    private Committed cleanly(Plan plan) {
        try {
            return write(plan);
        } catch (StorageException e) {
            throw e;
        } catch (FoldException e) {
            throw new GroupCommit.CleanFailure(e);
        }
    }

    /** Group commits so far: commits, mutations they held, batches applied again one by one. */
    public long[] groupCommitCounts() {
        return group.counts();
    }

    /** Mutations waiting for the next group commit. */
    int queuedWrites() {
        return group.queued();
    }

    private static FoldException noValue(String schema, String field, String rangeKey) {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("schema", schema);
        context.put("field", field);
        if (rangeKey != null) {
            context.put("rangeKey", rangeKey);
        }
        return new FoldException(ErrorCode.NO_VALUE, "field " + schema + "." + field
                + (rangeKey == null ? "" : " of row '" + rangeKey + "'") + " has no value yet", context, null);
    }

    private void publish(List<FieldChangeEvent> events) {
        try {
            publisher.publish(events);
        } catch (RuntimeException e) {
            // The mutation is committed; a failing subscriber path must not turn it into an error.
            LOG.warn("could not publish {} field change(s) of {}: {}", events.size(),
                    events.isEmpty() ? "?" : events.get(0).schema(), e.toString());
        }
    }

}
