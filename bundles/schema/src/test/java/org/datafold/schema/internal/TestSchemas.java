package org.datafold.schema.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small schema documents for registry tests. */
final class TestSchemas {

    private TestSchemas() {
    }

    /**
     * A Single schema; each field is {@code "name"} or {@code "name->Schema.field"} (a mapped
     * field).
     */
    static String single(String name, String... fields) {
        return schema(name, null, fields).toString();
    }

    /** A Range schema keyed by its first field; fields as in {@link #single}. */
    static String range(String name, String... fields) {
        return schema(name, fields[0].split("->")[0], fields).toString();
    }

    static ObjectNode schema(String name, String rangeKey, String... fields) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode root = nodes.objectNode();
        root.put("name", name);
        if (rangeKey == null) {
            root.put("schema_type", "Single");
        } else {
            root.putObject("schema_type").putObject("Range").put("range_key", rangeKey);
        }
        ObjectNode fieldsNode = root.putObject("fields");
        for (String spec : fields) {
            String[] parts = spec.split("->");
            ObjectNode field = fieldsNode.putObject(parts[0]);
            field.put("field_type", rangeKey == null ? "Single" : "Range");
            ObjectNode permissions = field.putObject("permission_policy");
            permissions.put("read_policy", "NoRequirement");
            permissions.putObject("write_policy").put("Distance", 0);
            ObjectNode payment = field.putObject("payment_config");
            payment.put("base_multiplier", 1.0);
            payment.put("trust_distance_scaling", "None");
            payment.putNull("min_payment");
            ObjectNode mappers = field.putObject("field_mappers");
            if (parts.length > 1) {
                String[] target = parts[1].split("\\.");
                mappers.put(target[0], target[1]);
            }
        }
        ObjectNode payment = root.putObject("payment_config");
        payment.put("base_multiplier", 1.0);
        payment.put("min_payment_threshold", 0);
        return root;
    }

    /** The schema that {@code UserProfile2.json} of the reference set maps its fields to. */
    static String userProfile() {
        return single("UserProfile", "username", "email", "full_name", "bio", "location");
    }

    /** A copy with the keys of every object in reverse order (the fields too). */
    static ObjectNode reversed(JsonNode node) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(node.properties());
        Collections.reverse(entries);
        for (Map.Entry<String, JsonNode> entry : entries) {
            JsonNode value = entry.getValue();
            copy.set(entry.getKey(), value.isObject() ? reversed(value) : value);
        }
        return copy;
    }
}
