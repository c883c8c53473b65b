package org.datafold.shell.internal;

import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.datafold.json.NodeJson;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON the shell reads (values, filters) and prints (results, history), in the forms of
 * {@link NodeJson}. Arguments are read strictly, as the app socket reads its frames.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * A JSON object given on the command line, as field name to plain Java value.
     *
     * @param what names the argument in messages, e.g. {@code "the values argument"}
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String text, String what) {
        JsonNode node = parse(text, what);
        if (!node.isObject()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, what + " must be a JSON object, e.g. '{\"title\": \"hi\"}'");
        }
        return MAPPER.convertValue(node, Map.class);
    }

    /**
     * One JSON value given on the command line, read strictly: a byte-order mark, a key given twice
     * in one object (at any depth) and anything after the value are refused, as is text that is not
     * JSON ({@link NodeJson#read(String, String, ErrorCode)}).
     *
     * @throws FoldException {@code INVALID_ARGUMENT} saying what is wrong and where
     */
    static JsonNode parse(String text, String what) {
        return NodeJson.read(text, what, ErrorCode.INVALID_ARGUMENT);
    }

    /** A range filter given on the command line; see {@link NodeJson#filter}. */
    static RangeFilter filter(String text) {
        return NodeJson.filter(parse(text, "the filter argument"));
    }

    static String print(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode result(QueryResult result, boolean range) {
        return NodeJson.queryResult(result, range);
    }

    static ArrayNode history(List<AtomVersion> versions) {
        return NodeJson.history(versions);
    }

    static ObjectNode mutation(MutationResult r) {
        return NodeJson.mutationResult(r);
    }
}
