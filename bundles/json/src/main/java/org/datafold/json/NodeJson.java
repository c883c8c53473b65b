package org.datafold.json;

import java.io.IOException;
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

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Reads JSON documents strictly and range filters from JSON, and writes query results, field
 * versions and mutation results as JSON, in the one form the shell prints and the app socket
 * protocol carries.
 */
public final class NodeJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * Strict reading: a key given twice in one object, at any depth, is refused (it would otherwise
     * silently replace the first), and so is anything but white space after the value.
     */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Jackson's words for a key given twice (the duplicate detection raises no type of its own). */
    private static final String DUPLICATE_PROBLEM = "Duplicate field ";

    private NodeJson() {
    }

    /**
     * Reads one JSON document of UTF-8 bytes strictly. Refused: a byte-order mark, bytes that start
     * like UTF-16 or UTF-32 (a 0x00, 0xFE or 0xFF byte among the first four, which UTF-8 JSON never
     * has), a key given twice in one object at any depth, anything but white space after the value,
     * an empty document, and anything else that is not JSON.
     *
     * @param json the bytes
     * @param what names the document at the start of every message, e.g. {@code "the frame"}
     * @param code the code of the refusal
     * @return the value, never null
     * @throws FoldException with {@code code}, saying what is wrong and where
     */
    public static JsonNode read(byte[] json, String what, ErrorCode code) {
        if (json.length >= 3 && json[0] == (byte) 0xEF && json[1] == (byte) 0xBB && json[2] == (byte) 0xBF) {
            throw new FoldException(code, what + " starts with a byte-order mark (EF BB BF): send UTF-8 JSON"
                    + " without one");
        }
        for (int i = 0; i < Math.min(4, json.length); i++) {
            if (json[i] == 0 || json[i] == (byte) 0xFE || json[i] == (byte) 0xFF) {
                throw new FoldException(code, what + " is not UTF-8 JSON: byte " + (i + 1) + " is 0x"
                        + String.format("%02X", json[i] & 0xFF) + " (UTF-16 or UTF-32 text?)");
            }
        }
        try (JsonParser parser = STRICT.createParser(json)) {
            return read(parser, what, code);
        } catch (IOException e) {
            // Reading from memory performs no I/O; kept for the checked signature.
            throw new FoldException(code, what + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one JSON document strictly, as {@link #read(byte[], String, ErrorCode)} does; a leading
     * byte-order mark (U+FEFF) is refused too.
     *
     * @param json the text; null reads as an empty document
     */
    public static JsonNode read(String json, String what, ErrorCode code) {
        if (json == null) {
            throw new FoldException(code, what + " is empty: a JSON value is expected");
        }
        if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
            throw new FoldException(code, what + " starts with a byte-order mark (U+FEFF): give the JSON without one");
        }
        try (JsonParser parser = STRICT.createParser(json)) {
            return read(parser, what, code);
        } catch (IOException e) {
            // Reading from a string performs no I/O; kept for the checked signature.
            throw new FoldException(code, what + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(JsonParser parser, String what, ErrorCode code) throws IOException {
        JsonNode value;
        try {
            value = STRICT.readTree(parser);
        } catch (JsonProcessingException e) {
            throw refusal(parser, e, what, code);
        }
        if (value == null || value.isMissingNode()) {
            throw new FoldException(code, what + " is empty: a JSON value is expected");
        }
        return value;
    }

    /** Says which rule a failed strict read broke, and where. */
    private static FoldException refusal(JsonParser parser, JsonProcessingException e, String what, ErrorCode code) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        JsonStreamContext context = parser.getParsingContext();
        String problem = String.valueOf(e.getOriginalMessage());
        if (problem.startsWith(DUPLICATE_PROBLEM)) {
            return new FoldException(code, what + " has the key '" + context.getCurrentName()
                    + "' twice in one object, at " + context.pathAsPointer() + where, e);
        }
        if (pastTheValue(context)) {
            return new FoldException(code, what + " has data after the end of its JSON value" + where, e);
        }
        return new FoldException(code, what + " is not valid JSON: " + problem + where, e);
    }

    /**
     * Whether the parser had finished the document's value when it failed: the top level then
     * counts a second entry, whether or not that one could be read.
     */
    private static boolean pastTheValue(JsonStreamContext context) {
        JsonStreamContext root = context;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getEntryCount() > 1;
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
