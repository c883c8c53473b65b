package org.datafold.json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads range filters from JSON and writes query results, field versions and mutation results as
 * JSON, in the one form the shell prints and the app socket protocol carries.
 */
public final class NodeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private NodeJson() {
    }

    /**
     * A range filter: {@code {"Key": "k"}}, {@code {"KeyPrefix": "p"}},
     * {@code {"KeyRange": {"start": "a", "end": "b"}}}, {@code {"Keys": ["a", "b"]}} or
     * {@code {"KeyPattern": "a*"}}; keys may be strings, numbers or booleans.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} naming what is wrong
     */
    public static RangeFilter filter(JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            throw badFilter("a filter is an object with exactly one of Key, KeyPrefix, KeyRange, Keys, KeyPattern");
        }
        Map.Entry<String, JsonNode> e = node.fields().next();
        JsonNode v = e.getValue();
        return switch (e.getKey()) {
            case "Key" -> new RangeFilter.Key(text(v, "Key"));
            case "KeyPrefix" -> new RangeFilter.KeyPrefix(text(v, "KeyPrefix"));
            case "KeyPattern" -> new RangeFilter.KeyPattern(text(v, "KeyPattern"));
            case "KeyRange" -> {
                if (!v.isObject() || !v.has("start") || !v.has("end")) {
                    throw badFilter("KeyRange needs {\"start\": ..., \"end\": ...}");
                }
                yield new RangeFilter.KeyRange(text(v.get("start"), "KeyRange.start"), text(v.get("end"), "KeyRange.end"));
            }
            case "Keys" -> {
                if (!v.isArray()) {
                    throw badFilter("Keys needs an array of keys");
                }
                List<String> keys = new ArrayList<>();
                for (Iterator<JsonNode> it = v.elements(); it.hasNext();) {
                    keys.add(text(it.next(), "Keys[]"));
                }
                yield new RangeFilter.Keys(keys);
            }
            default -> throw badFilter("unknown filter '" + e.getKey()
                    + "' (use Key, KeyPrefix, KeyRange, Keys or KeyPattern)");
        };
    }

    /**
     * A query result: {@code {"schema", "fields": {name: outcome}}} for a single schema, or
     * {@code {"schema", "rows": {range key: {name: outcome}}}} for a range schema.
     */
    public static ObjectNode queryResult(QueryResult result, boolean range) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("schema", result.schema());
        if (range) {
            ObjectNode rows = out.putObject("rows");
            for (QueryResult.Row row : result.rows()) {
                rows.set(row.rangeKey(), outcomes(row.fields()));
            }
        } else {
            out.set("fields", result.rows().isEmpty() ? MAPPER.createObjectNode()
                    : outcomes(result.rows().get(0).fields()));
        }
        return out;
    }

    /**
     * Field outcomes: {@code {"value", "atom_uuid"}} when the field has a value,
     * {@code {"status": "NO_VALUE"}} when it was never written, {@code {"status", "code", "message"}}
     * when denied or failed; plus {@code "history"} when versions were asked for.
     */
    public static ObjectNode outcomes(Map<String, FieldOutcome> fields) {
        ObjectNode out = MAPPER.createObjectNode();
        for (Map.Entry<String, FieldOutcome> e : fields.entrySet()) {
            FieldOutcome o = e.getValue();
            ObjectNode f = out.putObject(e.getKey());
            switch (o.status()) {
                case OK -> {
                    f.set("value", MAPPER.valueToTree(o.value()));
                    f.put("atom_uuid", o.atomUuid());
                }
                case NO_VALUE -> f.put("status", "NO_VALUE");
                case DENIED, ERROR -> {
                    f.put("status", o.status().name());
                    f.put("code", o.code() == null ? null : o.code().name());
                    f.put("message", o.message());
                }
            }
            if (!o.history().isEmpty()) {
                f.set("history", history(o.history()));
            }
        }
        return out;
    }

    /** Versions, newest first: {@code [{"uuid", "value", "status", "created_at", "source", "prev", "range_key"?}]}. */
    public static ArrayNode history(List<AtomVersion> versions) {
        ArrayNode out = MAPPER.createArrayNode();
        for (AtomVersion v : versions) {
            ObjectNode a = out.addObject();
            a.put("uuid", v.uuid());
            a.set("value", MAPPER.valueToTree(v.content()));
            a.put("status", v.status().name());
            a.put("created_at", v.createdAt() == null ? null : v.createdAt().toString());
            a.put("source", v.sourceKey());
            a.put("prev", v.prevAtomUuid());
            if (v.rangeKey() != null) {
                a.put("range_key", v.rangeKey());
            }
        }
        return out;
    }

    /** What a mutation wrote: {@code {"schema", "range_key"?, "atoms": {field: atom uuid}}}. */
    public static ObjectNode mutationResult(MutationResult r) {
        ObjectNode out = MAPPER.createObjectNode();
        out.put("schema", r.schema());
        if (r.rangeKey() != null) {
            out.put("range_key", r.rangeKey());
        }
        ObjectNode atoms = out.putObject("atoms");
        r.atoms().forEach(atoms::put);
        return out;
    }

    private static String text(JsonNode v, String what) {
        if (v == null || v.isNull() || v.isContainerNode()) {
            throw badFilter(what + " must be a string, number or boolean");
        }
        return v.asText();
    }

    private static FoldException badFilter(String message) {
        return new FoldException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
