package org.datafold.itests;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/** Runs a Gogo command line in a fresh session and returns what it printed and returned. */
final class Gogo {
    private Gogo() {
    }

    static String run(CommandProcessor processor, String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.print(result);
            }
            return bytes.toString(StandardCharsets.UTF_8);
        } finally {
            session.close();
        }
    }

    /** A minimal field definition in the DataFold schema format, readable by anyone, written by the owner. */
    static String field(String fieldType) {
        return """
                {
                  "field_type": "%s",
                  "permission_policy": {"read_policy": {"NoRequirement": null}, "write_policy": {"Distance": 0}},
                  "payment_config": {"base_multiplier": 1.0, "trust_distance_scaling": "None", "min_payment": null},
                  "field_mappers": {}
                }""".formatted(fieldType);
    }
}
