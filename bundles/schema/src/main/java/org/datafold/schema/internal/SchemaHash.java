package org.datafold.schema.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.datafold.api.schema.Schema;
import org.datafold.json.NodeJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The content hash of a schema: the lower-case hex SHA-256 of the canonical JSON
 * ({@link SchemaJson#canonical}) of what the schema <em>is</em>, in UTF-8, taken from its
 * schema-file form ({@link NodeJson#schema(Schema, boolean)}):
 *
 * <pre>{@code
 * {"fields": {"<field>": {"field_mappers": {...}, "field_type": "...",
 *                          "transform": null | {"inputs": [...], "logic": "..."},
 *                          "writable": true | false}, ...},
 *  "schema_type": "Single" | {"Range": {"range_key": "..."}}}
 * }</pre>
 *
 * <p>The name, the {@code hash} key, permission policies, payment settings and data references
 * are left out: two files that differ only in those describe the same content. So is a
 * transform's {@code output}: it always names the field that carries the transform, so it says
 * nothing but the schema's name. Defaults are
 * filled in before hashing (a missing {@code writable} is {@code true}, a missing
 * {@code field_mappers} is {@code {}}, {@code {"None": null}} is {@code "None"}...), and the
 * canonical form sorts keys, so neither key order nor spelling of a default changes the hash.
 */
public final class SchemaHash {

    private SchemaHash() {
    }

    /** The content hash (64 hex digits). */
    public static String of(Schema schema) {
        return sha256(canonicalContent(schema));
    }

    /** The canonical JSON that {@link #of} hashes. */
    static String canonicalContent(Schema schema) {
        ObjectNode file = NodeJson.schema(schema, false);
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.set("schema_type", file.get("schema_type"));
        ObjectNode fields = content.putObject("fields");
        file.get("fields").properties().forEach(entry -> {
            JsonNode field = entry.getValue();
            ObjectNode node = fields.putObject(entry.getKey());
            node.set("field_type", field.get("field_type"));
            node.set("field_mappers", field.get("field_mappers"));
            JsonNode transform = field.get("transform").deepCopy();
            if (transform.isObject()) {
                ((ObjectNode) transform).remove("output");
            }
            node.set("transform", transform);
            node.set("writable", field.get("writable"));
        });
        return SchemaJson.canonical(content);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
