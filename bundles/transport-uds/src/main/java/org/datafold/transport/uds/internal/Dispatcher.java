package org.datafold.transport.uds.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.datafold.json.NodeJson;
import org.datafold.api.schema.SchemaInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Executes one request frame of a connection and renders its response (docs/protocol.md). Stateless
 * apart from the connection's {@link Session}; called for one request of a connection at a time.
 */
final class Dispatcher {
    static final int PROTOCOL_VERSION = 1;
    static final String AUTH_CONTEXT = "datafold-auth-v1";
    static final Set<String> OPERATIONS = Set.of("hello", "authenticate", "list_schemas", "get_schema",
            "schema_state", "query", "mutate", "history", "load_schema", "approve_schema", "block_schema",
            "unload_schema");
    private static final Set<String> LIFECYCLE = Set.of("load_schema", "approve_schema", "block_schema",
            "unload_schema");

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    static final Logger SECURITY = LoggerFactory.getLogger("org.datafold.security");

    private final FoldNode node;
    private final PermissionService permissions;
    private final Supplier<String> nodeId;
    private final Stats stats;

    Dispatcher(FoldNode node, PermissionService permissions, Supplier<String> nodeId, Stats stats) {
        this.node = node;
        this.permissions = permissions;
        this.nodeId = nodeId;
        this.stats = stats;
    }

    /** What to send back, and whether to close the connection after sending it. */
    record Reply(byte[] frame, boolean close) {
    }

    /** The connection's authentication state; touched by one request at a time. */
    static final class Session {
        final String challenge;
        final String peer;
        /** The peer as security events are counted: its uid. */
        final String peerKey;
        volatile boolean challengeUsed;
        volatile Caller caller;
        volatile boolean owner;

        Session(String challenge, String peer) {
            this(challenge, peer, peer);
        }

        Session(String challenge, String peer, String peerKey) {
            this.challenge = challenge;
            this.peer = peer;
            this.peerKey = peerKey;
        }

        String fingerprint() {
            Caller c = caller;
            return c == null ? "-" : PublicKeys.fingerprint(c.publicKey());
        }
    }

    ObjectNode greeting(Session session) {
        ObjectNode data = NODES.objectNode();
        data.put("greeting", "datafold");
        data.putArray("protocol_versions").add(PROTOCOL_VERSION);
        data.put("node_id", nodeId.get());
        data.put("challenge", session.challenge);
        return ok(null, data);
    }

    /** A request frame parsed; {@link #failure} is set when it cannot run. */
    static final class Request {
        final long start = System.nanoTime();
        JsonNode requestId;
        String operation = "(malformed)";
        String name;
        JsonNode payload;
        FoldException failure;
    }

    /**
     * Whether a request takes one of the socket's {@code workers} permits: not a mutation (it mostly
     * waits for the group commit that makes it durable), nor {@code hello} and {@code authenticate}
     * (bounded by the limit of connections waiting to authenticate, and never queued behind the
     * requests of authenticated clients).
     */
    static boolean takesPermit(Request request) {
        return request.failure != null
                || !("mutate".equals(request.operation) || "hello".equals(request.operation)
                        || "authenticate".equals(request.operation));
    }

    /** Handles one frame: parses, checks, runs, and renders the response. Never throws. */
    Reply handle(Session session, byte[] frame) {
        return handle(session, parse(frame));
    }

    /**
     * Reads a frame's envelope strictly ({@link NodeJson#read(byte[], String, ErrorCode)}); errors are
     * kept in the request and answered by {@link #handle}, with the request_id when it could be read.
     */
    Request parse(byte[] frame) {
        Request r = new Request();
        try {
            JsonNode request;
            try {
                request = NodeJson.read(frame, "the frame", ErrorCode.MALFORMED_REQUEST);
            } catch (FoldException e) {
                r.requestId = requestIdBeforeFailure(frame);
                throw e;
            }
            if (!request.isObject()) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST, "a request is a JSON object");
            }
            JsonNode id = request.get("request_id");
            if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST, "request_id must be a string or an integer");
            }
            r.requestId = id;
            JsonNode op = request.get("operation_type");
            if (op == null || !op.isTextual()) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST, "operation_type must be a string");
            }
            JsonNode payload = request.get("payload");
            if (payload == null || payload.isNull()) {
                payload = NODES.objectNode();
            } else if (!payload.isObject()) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST, "payload must be a JSON object");
            }
            r.name = op.asText();
            r.operation = OPERATIONS.contains(r.name) ? r.name : "(unknown)";
            r.payload = payload;
        } catch (FoldException e) {
            r.failure = e;
        }
        return r;
    }

    /**
     * The request_id of a frame that could not be read strictly, when it came before the failure: a
     * pass over the members of the top-level object that stops at the first request_id (a string or an
     * integer, as given) and tolerates whatever follows it. Null when there is none to be found.
     */
    static JsonNode requestIdBeforeFailure(byte[] frame) {
        try (JsonParser parser = MAPPER.createParser(frame)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("request_id")) {
                    return value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT
                            ? MAPPER.readTree(parser) : null;
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    Reply handle(Session session, Request r) {
        JsonNode requestId = r.requestId;
        String operation = r.operation;
        long start = r.start;
        try {
            if (r.failure != null) {
                throw r.failure;
            }
            String name = r.name;
            JsonNode payload = r.payload;
            if (!OPERATIONS.contains(name)) {
                if (session.caller == null) {
                    throw unauthenticated(session, name);
                }
                throw new FoldException(ErrorCode.UNKNOWN_OPERATION, "unknown operation_type '" + shorten(name)
                        + "'", Map.of("known", new java.util.TreeSet<>(OPERATIONS)), null);
            }
            if (name.equals("authenticate")) {
                return authenticate(session, requestId, payload, start);
            }
            if (session.caller == null && !name.equals("hello")) {
                throw unauthenticated(session, name);
            }
            if (LIFECYCLE.contains(name) && !session.owner) {
                throw new FoldException(ErrorCode.PERMISSION_DENIED, name + " is for the node owner's key only");
            }
            JsonNode data = run(session, name, payload);
            stats.record(operation, System.nanoTime() - start, null);
            return new Reply(encode(ok(requestId, data)), false);
        } catch (FoldException e) {
            stats.record(operation, System.nanoTime() - start, e.code().name());
            return new Reply(encode(error(requestId, e.code(), e.getMessage(), e.context())), false);
        } catch (RuntimeException e) {
            LOG.error("App socket request {} ({}) failed", requestId, operation, e);
            stats.record(operation, System.nanoTime() - start, ErrorCode.INTERNAL.name());
            return new Reply(encode(error(requestId, ErrorCode.INTERNAL, "internal error: " + e, Map.of())), false);
        }
    }

    private FoldException unauthenticated(Session session, String op) {
        if (stats.events.admit(session.peerKey, "unauthenticated-request")) {
            SECURITY.warn("SECURITY app socket: {} refused before authentication ({})", shorten(op), session.peer);
        }
        return new FoldException(ErrorCode.UNAUTHENTICATED,
                "authenticate first: an unauthenticated connection may only send hello and authenticate");
    }

    private Reply authenticate(Session session, JsonNode requestId, JsonNode payload, long start) {
        String keyText = payload.path("public_key").isTextual() ? payload.get("public_key").asText() : null;
        String failure;
        String fingerprint = keyText == null ? "-" : PublicKeys.fingerprint(keyText);
        if (session.challengeUsed) {
            failure = session.caller != null ? "already authenticated: the challenge was used"
                    : "the challenge of this connection was already used";
        } else {
            session.challengeUsed = true;
            failure = verify(session, keyText, payload.path("signature"));
        }
        if (failure != null) {
            stats.authFailures.increment();
            stats.record("authenticate", System.nanoTime() - start, ErrorCode.AUTHENTICATION_FAILED.name());
            if (stats.events.admit(session.peerKey, "authentication-failed")) {
                SECURITY.warn("SECURITY app socket: authentication failed for key {} ({}): {}", fingerprint,
                        session.peer, failure);
            }
            return new Reply(encode(error(requestId, ErrorCode.AUTHENTICATION_FAILED,
                    "authentication failed: " + failure + "; the connection is closed", Map.of())), true);
        }
        String key = PublicKeys.normalize(keyText);
        Caller caller = Caller.key(key);
        session.owner = key.equals(PublicKeys.normalize(permissions.ownerKey()));
        session.caller = caller;
        stats.authSuccesses.increment();
        LOG.info("App socket: key {} authenticated ({}{})", PublicKeys.fingerprint(key), session.peer,
                session.owner ? ", node owner" : "");
        ObjectNode data = NODES.objectNode();
        data.put("public_key", key);
        int distance = permissions.distance(caller);
        if (distance == PermissionService.UNLIMITED) {
            data.putNull("trust_distance");
        } else {
            data.put("trust_distance", distance);
        }
        data.put("owner", session.owner);
        stats.record("authenticate", System.nanoTime() - start, null);
        return new Reply(encode(ok(requestId, data)), false);
    }

    /** Null when the signature is good, else why not. */
    private String verify(Session session, String keyText, JsonNode signatureNode) {
        if (keyText == null) {
            return "public_key missing";
        }
        try {
            PublicKeys.decode(keyText);
        } catch (FoldException e) {
            return "malformed public key: " + e.getMessage();
        }
        if (!signatureNode.isTextual()) {
            return "signature missing";
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureNode.asText());
        } catch (IllegalArgumentException e) {
            return "signature is not base64";
        }
        if (signature.length != PublicKeys.SIGNATURE_BYTES) {
            return "an Ed25519 signature has " + PublicKeys.SIGNATURE_BYTES + " bytes, this one has " + signature.length;
        }
        byte[] message = (AUTH_CONTEXT + "\n" + nodeId.get() + "\n" + session.challenge + "\n" + keyText)
                .getBytes(StandardCharsets.UTF_8);
        return PublicKeys.verify(keyText, message, signature) ? null : "bad signature";
    }

    private JsonNode run(Session session, String op, JsonNode p) {
        switch (op) {
            case "hello": {
                JsonNode versions = p.get("protocol_versions");
                if (versions == null || !versions.isArray()) {
                    throw new FoldException(ErrorCode.MALFORMED_REQUEST, "hello needs protocol_versions: [1]");
                }
                boolean supported = false;
                for (JsonNode v : versions) {
                    if (!v.isIntegralNumber()) {
                        throw new FoldException(ErrorCode.MALFORMED_REQUEST,
                                "payload.protocol_versions must be an array of integers, e.g. [1]");
                    }
                    supported |= v.canConvertToInt() && v.intValue() == PROTOCOL_VERSION;
                }
                if (supported) {
                    ObjectNode data = NODES.objectNode();
                    data.put("protocol_version", PROTOCOL_VERSION);
                    data.put("node_id", nodeId.get());
                    data.put("challenge", session.challenge);
                    return data;
                }
                throw new FoldException(ErrorCode.UNSUPPORTED_PROTOCOL, "this node speaks protocol version "
                        + PROTOCOL_VERSION + " only", Map.of("protocol_versions", List.of(PROTOCOL_VERSION)), null);
            }
            case "list_schemas": {
                ObjectNode data = NODES.objectNode();
                ArrayNode list = data.putArray("schemas");
                for (SchemaInfo s : node.schemas()) {
                    ObjectNode o = list.addObject();
                    o.put("name", s.schema().name());
                    o.put("state", s.state().displayName());
                    ArrayNode fields = o.putArray("fields");
                    s.schema().fields().keySet().forEach(fields::add);
                }
                return data;
            }
            case "get_schema":
                return NodeJson.schema(node.schema(text(p, "name")), false);
            case "schema_state":
                return state(node.schema(text(p, "name")));
            case "query":
                return query(session.caller, p);
            case "mutate":
                return mutate(session.caller, p);
            case "history": {
                int limit = optionalInteger(p, "limit", 1, Integer.MAX_VALUE, 100);
                String rangeKey = optionalText(p, "range_key");
                ObjectNode data = NODES.objectNode();
                data.set("versions", NodeJson.history(node.history(session.caller, text(p, "schema"), text(p, "field"),
                        rangeKey, limit)));
                return data;
            }
            case "load_schema":
                return state(node.loadSchema(text(p, "json"), "api"));
            case "approve_schema":
                return state(node.approve(text(p, "name")));
            case "block_schema":
                return state(node.block(text(p, "name")));
            case "unload_schema":
                return state(node.unload(text(p, "name")));
            default:
                throw new FoldException(ErrorCode.UNKNOWN_OPERATION, "unknown operation_type '" + op + "'");
        }
    }

    private JsonNode query(Caller caller, JsonNode p) {
        String schema = text(p, "schema");
        JsonNode fieldsNode = p.get("fields");
        if (fieldsNode == null || !fieldsNode.isArray() || fieldsNode.isEmpty()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "query needs fields: a non-empty array of field names");
        }
        List<String> fields = new ArrayList<>();
        for (JsonNode f : fieldsNode) {
            if (!f.isTextual()) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST, "fields must be strings");
            }
            fields.add(f.asText());
        }
        JsonNode filterNode = p.get("filter");
        RangeFilter filter = null;
        if (filterNode != null && !filterNode.isNull()) {
            if (!filterNode.isObject()) {
                throw new FoldException(ErrorCode.MALFORMED_REQUEST,
                        "payload.filter must be a JSON object, e.g. {\"Key\": \"k\"}");
            }
            filter = NodeJson.filter(filterNode);
        }
        boolean history = optionalBoolean(p, "include_history", false);
        int limit = optionalInteger(p, "history_limit", 1, Integer.MAX_VALUE, 10);
        String target = optionalText(p, "node");
        QueryResult result = node.query(caller, new Query(schema, fields, filter, history, history ? limit : 0), target);
        // A forwarded query's schema may be unknown here: its rows tell whether it is a range.
        boolean range = target == null || target.isBlank() ? node.schema(schema).schema().type().isRange()
                : result.rows().stream().anyMatch(r -> r.rangeKey() != null);
        return NodeJson.queryResult(result, range);
    }

    private JsonNode mutate(Caller caller, JsonNode p) {
        String schema = text(p, "schema");
        Mutation.Type type = Mutation.Type.parse(text(p, "mutation_type"));
        JsonNode values = p.get("values");
        if (values == null || !values.isObject()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "mutate needs values: a JSON object");
        }
        return NodeJson.mutationResult(node.mutate(caller, new Mutation(schema, type, NodeJson.values(values))));
    }

    private static ObjectNode state(SchemaInfo info) {
        ObjectNode out = NODES.objectNode();
        out.put("name", info.schema().name());
        out.put("state", info.state().displayName());
        return out;
    }

    private static String text(JsonNode p, String name) {
        JsonNode v = p.get(name);
        if (v == null || v.isNull()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "payload." + name + " is missing");
        }
        if (!v.isTextual()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "payload." + name + " must be a string");
        }
        return v.asText();
    }

    /** An optional string member: null when absent or null; any other type is malformed. */
    private static String optionalText(JsonNode p, String name) {
        JsonNode v = p.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "payload." + name + " must be a string");
        }
        return v.textValue();
    }

    /** An optional boolean member: {@code absent} when absent or null; any other type is malformed. */
    private static boolean optionalBoolean(JsonNode p, String name, boolean absent) {
        JsonNode v = p.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "payload." + name + " must be true or false");
        }
        return v.booleanValue();
    }

    /**
     * An optional integer member: {@code absent} when absent or null. Anything but an integer (a
     * string, 2.5) is malformed; an integer outside {@code [min, max]}, however large, is an invalid
     * argument naming the member and the range.
     */
    private static int optionalInteger(JsonNode p, String name, int min, int max, int absent) {
        JsonNode v = p.get(name);
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber()) {
            throw new FoldException(ErrorCode.MALFORMED_REQUEST, "payload." + name + " must be an integer");
        }
        if (!v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "payload." + name + " must be between " + min
                    + " and " + max + ", was " + shorten(v.asText()),
                    Map.of("member", "payload." + name, "min", min, "max", max), null);
        }
        return v.intValue();
    }

    /** At most 64 characters, control characters replaced: safe to log. */
    private static String shorten(String s) {
        String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    static ObjectNode ok(JsonNode requestId, JsonNode data) {
        ObjectNode out = NODES.objectNode();
        out.set("request_id", requestId == null ? NODES.nullNode() : requestId);
        out.put("status", "ok");
        out.set("data", data);
        return out;
    }

    static ObjectNode error(JsonNode requestId, ErrorCode code, String message, Map<String, ?> details) {
        ObjectNode out = NODES.objectNode();
        out.set("request_id", requestId == null ? NODES.nullNode() : requestId);
        out.put("status", "error");
        ObjectNode e = out.putObject("error");
        e.put("code", code.name());
        e.put("message", message);
        JsonNode d;
        try {
            d = MAPPER.valueToTree(details == null ? Map.of() : details);
        } catch (IllegalArgumentException ex) {
            d = NODES.objectNode();
        }
        e.set("details", d);
        return out;
    }

    /** A response frame: the 4-byte big-endian length, then the UTF-8 JSON. */
    static byte[] encode(JsonNode message) {
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        byte[] frame = new byte[4 + body.length];
        frame[0] = (byte) (body.length >>> 24);
        frame[1] = (byte) (body.length >>> 16);
        frame[2] = (byte) (body.length >>> 8);
        frame[3] = (byte) body.length;
        System.arraycopy(body, 0, frame, 4, body.length);
        return frame;
    }
}
