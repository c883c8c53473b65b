package org.datafold.mesh.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.Access;
import org.datafold.api.permission.Decision;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.Schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Forwarded queries: the request a node sends on behalf of a caller, and how the target answers it.
 *
 * <p>The request names the caller's key (null for the origin's owner), the caller's trust distance
 * at the origin, the query, the hops left and the nodes it has visited. The target runs the query
 * as the forwarding node (its grants and explicit lists apply to that node), then denies every
 * field whose read policy is a distance below the caller's effective distance: the distance at the
 * origin plus the distance the target assigns to the forwarding node. A forwarded caller is never
 * more trusted at the target than the forwarding node, nor than at the origin.
 */
public final class QueryForwarding {

    /** Hops a request may take (a direct request takes one). */
    static final int MAX_HOPS = 4;
    /** Fields per forwarded query, at most. */
    static final int MAX_FIELDS = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FoldNode node;
    private final PermissionService permissions;
    private final String ownKey;

    QueryForwarding(FoldNode node, PermissionService permissions, String ownKey) {
        this.node = node;
        this.permissions = permissions;
        this.ownKey = PublicKeys.normalize(ownKey);
    }

    /** The distance of a caller at this node, for the request. */
    int distanceAtOrigin(Caller caller) {
        return caller.isOwner() ? 0 : permissions.distance(caller);
    }

    /**
     * The request for a query forwarded on behalf of {@code caller}.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} for what cannot be forwarded
     */
    byte[] request(Caller caller, Query query) {
        if (query.filter() != null) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT,
                    "a range filter cannot be forwarded to another node; query a single schema or the whole range");
        }
        if (query.fields().isEmpty() || query.fields().size() > MAX_FIELDS) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a forwarded query names 1 to " + MAX_FIELDS + " fields");
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("caller", caller.isOwner() ? null : PublicKeys.normalize(caller.publicKey()));
        r.put("distance", distanceAtOrigin(caller));
        r.put("hops", MAX_HOPS - 1);
        r.putArray("visited").add(ownKey);
        r.put("schema", query.schema());
        ArrayNode fields = r.putArray("fields");
        query.fields().forEach(fields::add);
        return write(r);
    }

    /**
     * Answers a request from {@code forwarderKey} (already verified as a trusted member): the reply,
     * a result or an error with a stable code, never an exception.
     */
    byte[] handle(String forwarderKey, byte[] request) {
        ObjectNode reply = JSON.createObjectNode();
        try {
            QueryResult result = run(forwarderKey, request);
            reply.set("result", encode(result));
        } catch (FoldException e) {
            ObjectNode err = reply.putObject("error");
            err.put("code", e.code().name());
            err.put("message", e.getMessage());
        } catch (RuntimeException e) {
            ObjectNode err = reply.putObject("error");
            err.put("code", ErrorCode.INTERNAL.name());
            err.put("message", "the target failed: " + e.getClass().getSimpleName());
        }
        return write(reply);
    }

    private QueryResult run(String forwarderKey, byte[] request) {
        JsonNode r = read(request);
        int hops = r.path("hops").asInt(-1);
        JsonNode visited = r.path("visited");
        if (hops < 0 || !visited.isArray() || visited.size() > MAX_HOPS) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "the request has used up its hops");
        }
        for (JsonNode v : visited) {
            if (ownKey.equals(v.asText())) {
                throw new FoldException(ErrorCode.INVALID_ARGUMENT, "the request already visited this node (a loop)");
            }
        }
        String schema = r.path("schema").asText(null);
        JsonNode fieldsNode = r.path("fields");
        if (schema == null || !fieldsNode.isArray() || fieldsNode.isEmpty() || fieldsNode.size() > MAX_FIELDS) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "a forwarded query needs a schema and 1 to "
                    + MAX_FIELDS + " fields");
        }
        List<String> fields = new ArrayList<>();
        fieldsNode.forEach(f -> fields.add(f.asText()));
        int atOrigin = r.path("distance").asInt(-1);
        if (atOrigin < 0) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "the request has no caller distance");
        }
        Integer forwarderDistance = permissions.keys().stream().filter(e -> e.key().equals(forwarderKey))
                .map(e -> e.distance()).findFirst().orElse(null);
        if (forwarderDistance == null) {
            throw new FoldException(ErrorCode.PERMISSION_DENIED, "the forwarding node is not in the trust table");
        }
        int effective = saturatedAdd(atOrigin, forwarderDistance);
        Caller asForwarder = Caller.key(forwarderKey);
        QueryResult local = node.query(asForwarder, Query.of(schema, fields));
        Schema definition = node.schema(schema).schema();
        return restrict(local, definition, asForwarder, effective);
    }

    /** Denies the fields that a caller at {@code effective} distance may not read. */
    QueryResult restrict(QueryResult result, Schema schema, Caller asForwarder, int effective) {
        List<QueryResult.Row> rows = new ArrayList<>();
        for (QueryResult.Row row : result.rows()) {
            Map<String, FieldOutcome> out = new LinkedHashMap<>();
            row.fields().forEach((name, outcome) -> out.put(name, restrict(name, outcome, schema, asForwarder,
                    effective)));
            rows.add(new QueryResult.Row(row.rangeKey(), out));
        }
        return new QueryResult(result.schema(), rows);
    }

    private FieldOutcome restrict(String name, FieldOutcome outcome, Schema schema, Caller asForwarder, int effective) {
        if (outcome.status() == FieldOutcome.Status.DENIED || outcome.status() == FieldOutcome.Status.ERROR) {
            return outcome;
        }
        FieldDefinition def = schema.fields().get(name);
        if (def == null) {
            return outcome;
        }
        PermissionPolicy.Policy read = def.permissions().read();
        if (read.kind() != PermissionPolicy.Policy.Kind.DISTANCE || effective <= read.distance()) {
            return outcome;
        }
        // Allowed by the distance rule for the forwarding node, not for the caller behind it. A grant or
        // an explicit list naming the forwarding node still counts.
        Decision d = permissions.decide(asForwarder, schema, name, Access.READ);
        if (d.allowed() && !d.rule().startsWith("Distance")) {
            return outcome;
        }
        return FieldOutcome.denied("field " + schema.name() + "." + name + " needs distance " + read.distance()
                + "; the forwarded caller is at distance " + effective + " here");
    }

    static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }

    /**
     * The result of a reply.
     *
     * @throws FoldException the target's error (its code), or {@code MALFORMED_REQUEST} for a reply
     *         that cannot be read
     */
    static QueryResult result(byte[] reply) {
        JsonNode r = read(reply);
        JsonNode err = r.get("error");
        if (err != null) {
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(err.path("code").asText());
            } catch (IllegalArgumentException e) {
                code = ErrorCode.INTERNAL;
            }
            throw new FoldException(code, "the target node: " + err.path("message").asText());
        }
        JsonNode res = r.get("result");
        if (res == null || !res.path("rows").isArray()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "the target's reply has no result");
        }
        List<QueryResult.Row> rows = new ArrayList<>();
        for (JsonNode row : res.get("rows")) {
            Map<String, FieldOutcome> fields = new LinkedHashMap<>();
            row.path("fields").fields().forEachRemaining(e -> fields.put(e.getKey(), outcome(e.getValue())));
            rows.add(new QueryResult.Row(row.path("range_key").isNull() ? null : row.path("range_key").asText(null),
                    fields));
        }
        return new QueryResult(res.path("schema").asText(), rows);
    }

    private static FieldOutcome outcome(JsonNode f) {
        FieldOutcome.Status status = FieldOutcome.Status.valueOf(f.path("status").asText("ERROR"));
        ErrorCode code = f.hasNonNull("code") ? ErrorCode.valueOf(f.get("code").asText()) : null;
        Object value = f.has("value") ? JSON.convertValue(f.get("value"), Object.class) : null;
        return new FieldOutcome(status, value, f.path("atom_uuid").asText(null), code, f.path("message").asText(null),
                List.of());
    }

    /** The JSON of a result (the reply of a target, and what mesh:query prints). */
    public static JsonNode encode(QueryResult result) {
        ObjectNode out = JSON.createObjectNode();
        out.put("schema", result.schema());
        ArrayNode rows = out.putArray("rows");
        for (QueryResult.Row row : result.rows()) {
            ObjectNode r = rows.addObject();
            r.put("range_key", row.rangeKey());
            ObjectNode fields = r.putObject("fields");
            row.fields().forEach((name, o) -> {
                ObjectNode f = fields.putObject(name);
                f.put("status", o.status().name());
                if (o.status() == FieldOutcome.Status.OK) {
                    f.set("value", JSON.valueToTree(o.value()));
                    f.put("atom_uuid", o.atomUuid());
                }
                if (o.code() != null) {
                    f.put("code", o.code().name());
                    f.put("message", o.message());
                }
            });
        }
        return out;
    }

    private static JsonNode read(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST, "not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "not JSON");
        }
    }

    private static byte[] write(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
