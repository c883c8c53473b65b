package org.datafold.shell.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AdminSocketServer.PID, name = "DataFold admin socket",
        description = "The owner's shell over a local Unix domain socket (mode 0600, same user only).")
public @interface AdminSocketConfig {

    @AttributeDefinition(description = "Serve the admin socket at all.")
    boolean enabled() default true;

    @AttributeDefinition(description = "Socket file; a relative path resolves against the node's home directory.")
    String path() default "run/admin.sock";

    @AttributeDefinition(description = "Concurrent admin connections; more are refused.")
    int maxConnections() default 4;

    @AttributeDefinition(description = "Longest a client may wait for the node to become ready, in seconds.")
    int maxReadyWaitSeconds() default 300;
}
