package org.datafold.client;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Access to {@link FakeNode} for tests in other packages, with a CLI-friendly responder. */
public final class FakeNodes {
    private FakeNodes() {
    }

    /** A running fake node. */
    public interface Handle extends AutoCloseable {
        Path socket();

        @Override
        void close() throws IOException;
    }

    /** A fake that echoes requests, answers history with two versions and query of {@code Missing} with SCHEMA_NOT_FOUND. */
    public static Handle start(Path dir) throws IOException {
        FakeNode node = new FakeNode(dir);
        node.responder = req -> {
            String op = req.path("operation_type").asText();
            JsonNode p = req.path("payload");
            if (op.equals("query") && p.path("schema").asText().equals("Missing")) {
                return FakeNode.error(null, "SCHEMA_NOT_FOUND", "no schema Missing");
            }
            if (op.equals("history")) {
                ObjectNode d = FakeNode.JSON.createObjectNode();
                d.putArray("versions").addObject().put("uuid", "v2").put("value", "v2").put("status", "ACTIVE");
                return d;
            }
            if (op.equals("query")) {
                ObjectNode d = FakeNode.JSON.createObjectNode().put("op", op);
                d.set("echo", p);
                d.putObject("fields");
                return d;
            }
            return FakeNode.JSON.createObjectNode().put("op", op).set("echo", p);
        };
        return new Handle() {
            @Override
            public Path socket() {
                return node.socket;
            }

            @Override
            public void close() throws IOException {
                node.close();
            }
        };
    }
}
