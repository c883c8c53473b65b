package org.datafold.shell.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The mapper of the JSON the shell bundle's own commands print. Schemas, results and history are
 * rendered by {@code org.datafold.json.NodeJson}, in the bundles whose commands print them.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }
}
