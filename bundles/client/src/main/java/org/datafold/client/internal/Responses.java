package org.datafold.client.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.datafold.client.DataFoldClientException.InvalidResponse;
import org.datafold.client.DataFoldClientException.OperationFailed;
import org.datafold.client.FieldValue;
import org.datafold.client.MutationResult;
import org.datafold.client.QueryResult;
import org.datafold.client.SchemaStatus;
import org.datafold.client.SchemaSummary;
import org.datafold.client.Version;

/** Reads the protocol's responses into the client's result types; anything unexpected is {@link InvalidResponse}. */
public final class Responses {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ABBREVIATE = 300;

    private Responses() {
    }

    /**
     * The {@code data} of a response.
     *
     * @throws OperationFailed  when its status is {@code error} or {@code payment_required}
     * @throws InvalidResponse  when it is not a response of the protocol
     */
    @SuppressWarnings("unchecked")
    public static JsonNode data(JsonNode response, String operation) {
        String status = response.path("status").asText(null);
        if ("ok".equals(status)) {
            JsonNode data = response.get("data");
            if (data == null || data.isNull()) {
                return JSON.createObjectNode();
            }
            return data;
        }
        if ("error".equals(status) || "payment_required".equals(status)) {
            JsonNode err = response.path("error");
            String code = err.path("code").asText(null);
            if (code == null || code.isBlank()) {
                if ("payment_required".equals(status)) {
                    code = "PAYMENT_REQUIRED";
                } else {
                    throw new InvalidResponse("an error response without error.code to " + operation + ": " + abbreviate(response), null);
                }
            }
            Map<String, Object> details = err.path("details").isObject()
                    ? JSON.convertValue(err.get("details"), Map.class) : Map.of();
            throw new OperationFailed(operation, code, err.path("message").asText(code), details);
        }
        throw new InvalidResponse("a response to " + operation + " with status " + response.get("status") + ": " + abbreviate(response), null);
    }

    public static List<SchemaSummary> schemas(JsonNode data) {
        JsonNode list = data.get("schemas");
        if (list == null || !list.isArray()) {
            throw new InvalidResponse("list_schemas answered without a schemas array: " + abbreviate(data), null);
        }
        List<SchemaSummary> out = new ArrayList<>();
        for (JsonNode s : list) {
            List<String> fields = new ArrayList<>();
            JsonNode f = s.path("fields");
            if (f.isArray()) {
                for (JsonNode x : f) {
                    fields.add(x.isTextual() ? x.asText() : x.path("name").asText());
                }
            } else if (f.isObject()) {
                f.fieldNames().forEachRemaining(fields::add);
            }
            out.add(new SchemaSummary(requireText(s, "name"), s.path("state").asText(null), fields));
        }
        return out;
    }

    public static SchemaStatus schemaStatus(JsonNode data) {
        return new SchemaStatus(requireText(data, "name"), data.path("state").asText(null));
    }

    public static QueryResult query(JsonNode data) {
        String schema = data.path("schema").asText(null);
        JsonNode fields = data.get("fields");
        JsonNode rows = data.get("rows");
        if (fields != null && fields.isObject()) {
            return new QueryResult(schema, outcomes(fields), Map.of(), data);
        }
        if (rows != null && rows.isObject()) {
            Map<String, Map<String, FieldValue>> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> row : rows.properties()) {
                if (!row.getValue().isObject()) {
                    throw new InvalidResponse("query row " + row.getKey() + " is not an object", null);
                }
                out.put(row.getKey(), outcomes(row.getValue()));
            }
            return new QueryResult(schema, Map.of(), out, data);
        }
        throw new InvalidResponse("query answered without fields or rows: " + abbreviate(data), null);
    }

    private static Map<String, FieldValue> outcomes(JsonNode fields) {
        Map<String, FieldValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : fields.properties()) {
            out.put(e.getKey(), outcome(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static FieldValue outcome(String name, JsonNode o) {
        if (!o.isObject()) {
            throw new InvalidResponse("the outcome of field " + name + " is not an object: " + abbreviate(o), null);
        }
        List<Version> history = o.has("history") ? versionList(o.get("history")) : List.of();
        if (o.has("value")) {
            return new FieldValue("OK", o.get("value"), o.path("atom_uuid").asText(null), null, null, history);
        }
        String status = o.path("status").asText(null);
        if (status == null) {
            throw new InvalidResponse("the outcome of field " + name + " has neither value nor status: " + abbreviate(o), null);
        }
        return new FieldValue(status, null, null, o.path("code").asText(null), o.path("message").asText(null), history);
    }

    public static MutationResult mutation(JsonNode data) {
        Map<String, String> atoms = new LinkedHashMap<>();
        JsonNode a = data.path("atoms");
        if (a.isObject()) {
            a.properties().forEach(e -> atoms.put(e.getKey(), e.getValue().asText()));
        }
        return new MutationResult(data.path("schema").asText(null),
                data.path("range_key").isTextual() ? data.get("range_key").asText() : null, atoms, data);
    }

    public static List<Version> versions(JsonNode data) {
        JsonNode v = data.get("versions");
        if (v == null) {
            throw new InvalidResponse("history answered without versions: " + abbreviate(data), null);
        }
        return versionList(v);
    }

    private static List<Version> versionList(JsonNode v) {
        if (!v.isArray()) {
            throw new InvalidResponse("versions is not an array: " + abbreviate(v), null);
        }
        List<Version> out = new ArrayList<>();
        for (JsonNode x : v) {
            out.add(new Version(x.path("uuid").asText(null), x.get("value"), x.path("status").asText(null),
                    x.path("created_at").isNull() ? null : x.path("created_at").asText(null),
                    x.path("source").asText(null), x.path("prev").isTextual() ? x.get("prev").asText() : null));
        }
        return out;
    }

    /** A member that must be a string. */
    public static String requireText(JsonNode node, String member) {
        JsonNode v = node.get(member);
        if (v == null || !v.isTextual()) {
            throw new InvalidResponse("missing " + member + " in " + abbreviate(node), null);
        }
        return v.asText();
    }

    /** A JSON text cut for messages. */
    public static String abbreviate(JsonNode node) {
        String s = String.valueOf(node);
        return s.length() <= ABBREVIATE ? s : s.substring(0, ABBREVIATE) + "...";
    }
}
