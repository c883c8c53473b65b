package org.datafold.transforms.internal.lang;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo.Kind;
import org.datafold.api.transform.TransformInfo.State;

/**
 * Every transform the node knows, resolved against the schemas: which run, which wait for a
 * schema, which are refused and why, and the field-reference graph between the active ones.
 * Immutable; rebuilt as a whole whenever the schemas or the registered transform services change.
 *
 * <p>Candidates are taken in a fixed order (declarative transforms by output name, then
 * {@link Transform} services in registration order) and each is checked against those accepted
 * before it, so the one refused for a conflict or a cycle is always the later one.
 */
public final class TransformGraph {

    /** The characters of a transform id. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:\\-]{1,128}");

    /** A field named {@code Schema.field}, resolved to its data reference. */
    public record Field(String name, String schema, String field, String ref, boolean range) {
    }

    /** Computes an output from the inputs' values ({@code Schema.field} to value). */
    @FunctionalInterface
    public interface Function {
        Object apply(Map<String, Object> inputs) throws Exception;
    }

    /** A Java transform service as registered, in registration order. */
    public record Registration(long order, Transform transform, String provider) {
    }

    /**
     * One transform: its definition, its state and, when active, its resolved fields.
     *
     * @param inputFields resolved inputs (active only)
     * @param outputField resolved output (active only)
     */
    public record Node(String id, Kind kind, List<String> inputs, String output, String provider, State state,
            String problem, Function function, List<Field> inputFields, Field outputField, Registration registration) {

        public boolean active() {
            return state == State.ACTIVE;
        }

        /** Whether it runs once per row (its output is a range field). */
        public boolean perRow() {
            return outputField != null && outputField.range();
        }

        Node refused(String why) {
            return new Node(id, kind, inputs, output, provider, State.INVALID, why, function, List.of(), null,
                    registration);
        }

        Node waiting(String why) {
            return new Node(id, kind, inputs, output, provider, State.WAITING, why, function, List.of(), null,
                    registration);
        }
    }

    private static final TransformGraph EMPTY = new TransformGraph(Map.of(), Map.of(), Map.of());

    private final Map<String, Node> byId;
    private final Map<String, List<Node>> byInputRef;
    private final Map<String, Node> byOutputRef;

    private TransformGraph(Map<String, Node> byId, Map<String, List<Node>> byInputRef, Map<String, Node> byOutputRef) {
        this.byId = byId;
        this.byInputRef = byInputRef;
        this.byOutputRef = byOutputRef;
    }

    public static TransformGraph empty() {
        return EMPTY;
    }

    /** Every transform, active or not, in resolution order. */
    public Iterable<Node> all() {
        return byId.values();
    }

    public Node get(String id) {
        return byId.get(id);
    }

    /** The active transforms reading the field with this data reference. */
    public List<Node> readers(String fieldRef) {
        return byInputRef.getOrDefault(fieldRef, List.of());
    }

    /** The active transform writing the field with this data reference, or null. */
    public Node writer(String fieldRef) {
        return byOutputRef.get(fieldRef);
    }

    /**
     * Resolves the declarative transforms of the approved schemas and the registered services.
     *
     * @param schemas       every schema the node knows
     * @param registrations the {@link Transform} services
     */
    public static TransformGraph resolve(List<SchemaInfo> schemas, List<Registration> registrations) {
        Map<String, SchemaInfo> byName = new HashMap<>();
        for (SchemaInfo info : schemas) {
            byName.put(info.schema().name(), info);
        }
        List<Node> candidates = new ArrayList<>();
        List<SchemaInfo> sorted = new ArrayList<>(schemas);
        sorted.sort((a, b) -> a.schema().name().compareTo(b.schema().name()));
        for (SchemaInfo info : sorted) {
            if (info.state() != SchemaState.APPROVED) {
                continue;
            }
            Schema schema = info.schema();
            List<String> names = new ArrayList<>(schema.fields().keySet());
            Collections.sort(names);
            for (String name : names) {
                TransformDefinition def = schema.fields().get(name).transform();
                if (def != null) {
                    candidates.add(declarative(schema.name(), name, def));
                }
            }
        }
        List<Registration> regs = new ArrayList<>(registrations);
        regs.sort((a, b) -> Long.compare(a.order(), b.order()));
        for (Registration reg : regs) {
            candidates.add(java(reg));
        }

        Map<String, Node> byId = new LinkedHashMap<>();
        Map<String, List<Node>> byInputRef = new HashMap<>();
        Map<String, Node> byOutputRef = new HashMap<>();
        for (Node candidate : candidates) {
            Node node = candidate.state() == State.INVALID ? candidate : place(candidate, byName, byInputRef, byOutputRef);
            if (byId.containsKey(node.id())) {
                String id = node.id() + "#" + node.provider();
                byId.put(id, node.refused("id " + node.id() + " is already used by " + byId.get(node.id()).provider()));
                continue;
            }
            byId.put(node.id(), node);
            if (node.active()) {
                byOutputRef.put(node.outputField().ref(), node);
                for (Field in : node.inputFields()) {
                    byInputRef.computeIfAbsent(in.ref(), k -> new ArrayList<>()).add(node);
                }
            }
        }
        Map<String, List<Node>> readers = new HashMap<>();
        byInputRef.forEach((ref, nodes) -> readers.put(ref, List.copyOf(nodes)));
        return new TransformGraph(Collections.unmodifiableMap(byId), Map.copyOf(readers), Map.copyOf(byOutputRef));
    }

    /** A declarative transform: the logic parsed and checked against the declared inputs and output. */
    static Node declarative(String schema, String field, TransformDefinition def) {
        String id = schema + "." + field;
        List<String> inputs = def.inputs();
        String provider = "schema " + schema;
        Node node = new Node(id, Kind.DECLARATIVE, inputs, def.output(), provider, State.ACTIVE, null, null, List.of(),
                null, null);
        String problem = checkDeclarative(id, def);
        if (problem != null) {
            return node.refused(problem);
        }
        TransformProgram program = TransformProgram.parse(def.logic());
        return new Node(id, Kind.DECLARATIVE, inputs, def.output(), provider, State.ACTIVE, null, program::evaluate,
                List.of(), null, null);
    }

    /**
     * Why a declarative transform of field {@code id} ({@code Schema.field}) is refused, or null.
     * Checked at approval and again when the transforms are resolved.
     */
    public static String checkDeclarative(String id, TransformDefinition def) {
        if (!id.equals(def.output())) {
            return "its output must be the field that carries it (" + id + "), not " + def.output();
        }
        if (def.inputs().isEmpty()) {
            return "it declares no inputs";
        }
        TransformProgram program;
        try {
            program = TransformProgram.parse(def.logic());
        } catch (FoldException e) {
            return "its logic is invalid: " + e.getMessage();
        }
        for (String used : program.inputs()) {
            if (!def.inputs().contains(used)) {
                return "its logic reads " + used + ", which is not among its inputs " + def.inputs();
            }
        }
        if (def.inputs().contains(id)) {
            return "it reads its own output " + id;
        }
        return null;
    }

    /** A Java transform: its id, inputs and output read once, defensively. */
    static Node java(Registration reg) {
        Transform t = reg.transform();
        String id;
        List<String> inputs;
        String output;
        try {
            output = t.output();
            id = t.id();
            inputs = t.inputs() == null ? null : List.copyOf(t.inputs());
        } catch (RuntimeException e) {
            String fallback = "service." + reg.order();
            return new Node(fallback, Kind.JAVA, List.of(), "?", reg.provider(), State.INVALID,
                    "its id, inputs or output could not be read: " + e, null, List.of(), null, reg);
        }
        String safeId = id == null || !ID.matcher(id).matches() ? "service." + reg.order() : id;
        Node node = new Node(safeId, Kind.JAVA, inputs == null ? List.of() : inputs, String.valueOf(output),
                reg.provider(), State.ACTIVE, null, t::apply, List.of(), null, reg);
        if (!safeId.equals(id)) {
            return node.refused("its id '" + id + "' is not 1-128 of A-Z a-z 0-9 _ . : -");
        }
        if (output == null) {
            return node.refused("it names no output");
        }
        if (inputs == null || inputs.isEmpty()) {
            return node.refused("it declares no inputs");
        }
        if (new LinkedHashSet<>(inputs).size() != inputs.size()) {
            return node.refused("it lists an input twice");
        }
        return node;
    }

    /** Resolves a candidate's fields and checks it against the transforms accepted so far. */
    private static Node place(Node node, Map<String, SchemaInfo> schemas, Map<String, List<Node>> byInputRef,
            Map<String, Node> byOutputRef) {
        List<Field> inputs = new ArrayList<>();
        Field output;
        try {
            output = field(node.output(), schemas);
            for (String in : node.inputs()) {
                inputs.add(field(in, schemas));
            }
        } catch (Waiting w) {
            return node.waiting(w.getMessage());
        } catch (IllegalArgumentException e) {
            return node.refused(e.getMessage());
        }
        FieldDefinition outDef = schemas.get(output.schema()).schema().field(output.field());
        if (node.kind() == Kind.JAVA && outDef.transform() != null) {
            return node.refused("its output " + node.output() + " is computed by the declarative transform of its schema");
        }
        for (Field in : inputs) {
            if (in.range() != output.range()) {
                return node.refused(output.range()
                        ? "its output " + output.name() + " is a range field, so every input must be one; "
                                + in.name() + " is not"
                        : "its output " + output.name() + " is a single field, so no input may be a range field; "
                                + in.name() + " is one");
            }
            if (in.ref().equals(output.ref())) {
                return node.refused("it reads its own output " + output.name()
                        + (in.name().equals(output.name()) ? "" : " (through " + in.name() + ")"));
            }
        }
        Node writer = byOutputRef.get(output.ref());
        if (writer != null) {
            return node.refused("its output " + output.name() + " is already computed by transform " + writer.id());
        }
        List<String> cycle = cycle(node.id(), output.ref(), inputs, byInputRef);
        if (cycle != null) {
            return node.refused("it would close a cycle of transforms: " + String.join(" -> ", cycle));
        }
        return new Node(node.id(), node.kind(), node.inputs(), node.output(), node.provider(), State.ACTIVE, null,
                node.function(), List.copyOf(inputs), output, node.registration());
    }

    /**
     * The transforms a change of {@code outputRef} would run, followed until one of them writes a
     * field in {@code inputs}: that path plus the new transform is a cycle. Null when there is none.
     */
    private static List<String> cycle(String id, String outputRef, List<Field> inputs, Map<String, List<Node>> byInputRef) {
        Set<String> targets = new HashSet<>();
        for (Field in : inputs) {
            targets.add(in.ref());
        }
        // Breadth-first over field references, remembering which transform led to each.
        Map<String, List<String>> pathTo = new HashMap<>();
        pathTo.put(outputRef, List.of(id));
        Deque<String> todo = new ArrayDeque<>(List.of(outputRef));
        while (!todo.isEmpty()) {
            String ref = todo.poll();
            for (Node reader : byInputRef.getOrDefault(ref, List.of())) {
                String next = reader.outputField().ref();
                if (pathTo.containsKey(next)) {
                    continue;
                }
                List<String> path = new ArrayList<>(pathTo.get(ref));
                path.add(reader.id());
                if (targets.contains(next)) {
                    path.add(id);
                    return path;
                }
                pathTo.put(next, path);
                todo.add(next);
            }
        }
        return null;
    }

    /** A referenced schema is not approved (yet). */
    private static final class Waiting extends Exception {
        private static final long serialVersionUID = 1L;

        Waiting(String message) {
            super(message, null, false, false);
        }
    }

    private static Field field(String name, Map<String, SchemaInfo> schemas) throws Waiting {
        Objects.requireNonNull(name);
        int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1 || name.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("'" + name + "' is not a field name of the form Schema.field");
        }
        String schemaName = name.substring(0, dot);
        String fieldName = name.substring(dot + 1);
        SchemaInfo info = schemas.get(schemaName);
        if (info == null) {
            throw new Waiting("schema " + schemaName + " (of " + name + ") is not loaded");
        }
        if (info.state() != SchemaState.APPROVED) {
            throw new Waiting("schema " + schemaName + " (of " + name + ") is " + info.state().displayName());
        }
        FieldDefinition def = info.schema().field(fieldName);
        if (def == null) {
            throw new IllegalArgumentException("schema " + schemaName + " has no field '" + fieldName + "'");
        }
        if (def.refAtomUuid() == null) {
            throw new Waiting("field " + name + " has no data reference yet");
        }
        return new Field(name, schemaName, fieldName, def.refAtomUuid(), info.schema().type().isRange());
    }
}
