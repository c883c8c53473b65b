package org.datafold.core.internal.command;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.datafold.json.NodeJson;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code fold:mutate}, {@code fold:query}, {@code fold:history}: the owner reads and writes data
 * from the shell, or see what another identity would ({@code --as}). Output is JSON.
 */
@Component(service = DataCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=mutate",
        "osgi.command.function=query",
        "osgi.command.function=history" })
public final class DataCommands {

    private final FoldNode node;
    private final PermissionService permissions;

    @Activate
    public DataCommands(@Reference FoldNode node, @Reference PermissionService permissions) {
        this.node = node;
        this.permissions = permissions;
    }

    /** The owner, or the identity named by {@code --as} (a key or a label). */
    private Caller caller(String as) {
        return as == null || as.isBlank() ? Caller.localOwner() : Caller.key(permissions.resolve(as));
    }

    @Descriptor("Write fields of a schema (all or nothing) and print the atoms written, as JSON")
    public String mutate(
            @Descriptor("evaluate as this identity would: a public key or a label of the trust table (default: the owner)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("schema name") String schema,
            @Descriptor("create, update or delete") String type,
            @Descriptor("JSON object of field values, e.g. '{\"title\": \"hi\"}'; for a range schema it includes the range key")
            String values) {
        Mutation mutation = new Mutation(schema, Mutation.Type.parse(type), values(values));
        return NodeJson.pretty(NodeJson.mutationResult(node.mutate(caller(as), mutation)));
    }

    @Descriptor("Read the latest values of fields, as JSON")
    public String query(
            @Descriptor("show each field's versions too, at most this many (0: none)")
            @Parameter(names = { "-h", "--history" }, absentValue = "0") int history,
            @Descriptor("evaluate as this identity would: a public key or a label of the trust table (default: the owner)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("run it at this node of the mesh: a node key or a label of the trust table (default: here)")
            @Parameter(names = { "--node" }, absentValue = "") String target,
            @Descriptor("schema name") String schema,
            @Descriptor("comma-separated field names") String fields) {
        return run(caller(as), schema, fields, null, history, target);
    }

    @Descriptor("Read the latest values of fields of the rows of a range schema selected by a filter, as JSON")
    public String query(
            @Descriptor("show each field's versions too, at most this many (0: none)")
            @Parameter(names = { "-h", "--history" }, absentValue = "0") int history,
            @Descriptor("evaluate as this identity would: a public key or a label of the trust table (default: the owner)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("run it at this node of the mesh: a node key or a label of the trust table (default: here)")
            @Parameter(names = { "--node" }, absentValue = "") String target,
            @Descriptor("schema name") String schema,
            @Descriptor("comma-separated field names") String fields,
            @Descriptor("range filter: {\"Key\": k}, {\"KeyPrefix\": p}, {\"KeyRange\": {\"start\": a, \"end\": b}}, {\"Keys\": [..]}, {\"KeyPattern\": \"a*\"}")
            String filter) {
        return run(caller(as), schema, fields, filter(filter), history, target);
    }

    private String run(Caller caller, String schema, String fields, RangeFilter filter, int history, String target) {
        List<String> names = Arrays.stream(fields.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name at least one field");
        }
        if (history < 0) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "--history must be >= 0");
        }
        QueryResult result = node.query(caller, new Query(schema, names, filter, history > 0, history), target);
        // A forwarded query's schema may be unknown here: its rows tell whether it is a range.
        boolean range = target.isBlank() ? node.schema(schema).schema().type().isRange()
                : result.rows().stream().anyMatch(r -> r.rangeKey() != null);
        return NodeJson.pretty(NodeJson.queryResult(result, range));
    }

    @Descriptor("Print the versions of a field, newest first, as a JSON array")
    public String history(
            @Descriptor("the most versions to print")
            @Parameter(names = { "-n", "--limit" }, absentValue = "100") int limit,
            @Descriptor("evaluate as this identity would: a public key or a label of the trust table (default: the owner)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("schema name") String schema,
            @Descriptor("field name") String field) {
        return NodeJson.pretty(NodeJson.history(node.history(caller(as), schema, field, null, limit)));
    }

    @Descriptor("Print the versions of a field of one row of a range schema, newest first, as a JSON array")
    public String history(
            @Descriptor("the most versions to print")
            @Parameter(names = { "-n", "--limit" }, absentValue = "100") int limit,
            @Descriptor("evaluate as this identity would: a public key or a label of the trust table (default: the owner)")
            @Parameter(names = { "--as" }, absentValue = "") String as,
            @Descriptor("schema name") String schema,
            @Descriptor("field name") String field,
            @Descriptor("range key of the row") String rangeKey) {
        return NodeJson.pretty(NodeJson.history(node.history(caller(as), schema, field, rangeKey, limit)));
    }

    /**
     * The values argument: a JSON object read strictly ({@link NodeJson#read(String, String, ErrorCode)}:
     * a byte-order mark, a key given twice in one object at any depth, or anything after the value is
     * refused, as the app socket refuses it in a frame).
     *
     * @throws FoldException {@code INVALID_ARGUMENT} saying what is wrong and where
     */
    static Map<String, Object> values(String text) {
        JsonNode node = NodeJson.read(text, "the values argument", ErrorCode.INVALID_ARGUMENT);
        if (!node.isObject()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT,
                    "the values argument must be a JSON object, e.g. '{\"title\": \"hi\"}'");
        }
        return NodeJson.values(node);
    }

    /** The filter argument, read strictly; see {@link NodeJson#filter}. */
    static RangeFilter filter(String text) {
        return NodeJson.filter(NodeJson.read(text, "the filter argument", ErrorCode.INVALID_ARGUMENT));
    }
}
