package org.datafold.shell.internal;

import java.util.Map;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the admin socket (PID {@value AdminSocketServer#PID}). Keys are snake_case
 * ({@code max_connections}): a double underscore in a method name stands for one underscore in the key.
 */
@ObjectClassDefinition(id = AdminSocketServer.PID, name = "DataFold admin socket",
        description = "The owner's shell over a local Unix domain socket (mode 0600, same user only).")
public @interface AdminSocketConfig {

    /** The keys of earlier releases (old name to new name), still read with a warning. */
    Map<String, String> OLD_KEYS = Map.of("maxConnections", "max_connections",
            "maxReadyWaitSeconds", "max_ready_wait_seconds");

    @AttributeDefinition(description = "Serve the admin socket at all.")
    boolean enabled() default true;

    @AttributeDefinition(description = "Socket file; a relative path resolves against the node's home directory.")
    String path() default "run/admin.sock";

    @AttributeDefinition(description = "Concurrent admin connections; more are refused.")
    int max__connections() default 4;

    @AttributeDefinition(description = "Longest a client may wait for the node to become ready, in seconds.")
    int max__ready__wait__seconds() default 300;
}
