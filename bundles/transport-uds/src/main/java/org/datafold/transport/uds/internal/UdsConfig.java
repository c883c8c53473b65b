package org.datafold.transport.uds.internal;

import java.util.Map;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the app socket (PID {@value AppSocket#PID}). Keys are snake_case
 * ({@code max_frame_bytes}): a double underscore in a method name stands for one underscore in the key.
 */
@ObjectClassDefinition(id = AppSocket.PID, name = "DataFold app socket",
        description = "The node's JSON protocol for apps over a Unix domain socket (docs/protocol.md).")
public @interface UdsConfig {

    /** The keys of earlier releases (old name to new name), still read with a warning. */
    Map<String, String> OLD_KEYS = Map.ofEntries(Map.entry("allowedUids", "allowed_uids"),
            Map.entry("allowedGids", "allowed_gids"),
            Map.entry("maxFrameBytes", "max_frame_bytes"),
            Map.entry("maxUnauthenticatedFrameBytes", "max_unauthenticated_frame_bytes"),
            Map.entry("frameMemoryMb", "frame_memory_mb"),
            Map.entry("maxConnections", "max_connections"),
            Map.entry("maxConnectionsPerUid", "max_connections_per_uid"),
            Map.entry("maxUnauthenticated", "max_unauthenticated"),
            Map.entry("authTimeoutSeconds", "auth_timeout_seconds"),
            Map.entry("idleTimeoutSeconds", "idle_timeout_seconds"),
            Map.entry("readTimeoutSeconds", "read_timeout_seconds"),
            Map.entry("shutdownGraceSeconds", "shutdown_grace_seconds"));

    @AttributeDefinition(description = "Serve the app socket at all.")
    boolean enabled() default true;

    @AttributeDefinition(description = "Socket file; a relative path resolves against the node's home directory. "
            + "Its folder is set to 0750 and the socket to 0660.")
    String path() default "run/datafold.sock";

    @AttributeDefinition(description = "Group given to the socket and its folder (empty: the node user's group).")
    String group() default "";

    @AttributeDefinition(description = "Comma-separated peer uids allowed to connect (empty: no restriction).")
    String allowed__uids() default "";

    @AttributeDefinition(description = "Comma-separated peer gids allowed to connect (empty: no restriction).")
    String allowed__gids() default "";

    @AttributeDefinition(description = "Largest request frame in bytes of an authenticated connection; larger ones"
            + " get FRAME_TOO_LARGE and the connection is closed.")
    int max__frame__bytes() default 10 * 1024 * 1024;

    @AttributeDefinition(description = "Largest request frame in bytes before the connection has authenticated.")
    int max__unauthenticated__frame__bytes() default 64 * 1024;

    @AttributeDefinition(description = "MiB of large frames (over 64 KiB) that all connections together may hold"
            + " while they are read and run; past it, connections wait before reading their next large frame."
            + " At least max_frame_bytes.")
    int frame__memory__mb() default 64;

    @AttributeDefinition(description = "Concurrent connections; more get TOO_MANY_CONNECTIONS.")
    int max__connections() default 512;

    @AttributeDefinition(description = "Concurrent connections of one peer uid; more get TOO_MANY_CONNECTIONS.")
    int max__connections__per__uid() default 256;

    @AttributeDefinition(description = "Concurrent connections that have not authenticated yet; more get"
            + " TOO_MANY_CONNECTIONS.")
    int max__unauthenticated() default 64;

    @AttributeDefinition(description = "Seconds a new connection has to authenticate; then it gets TIMEOUT and is closed.")
    int auth__timeout__seconds() default 10;

    @AttributeDefinition(description = "Length of the listen queue for connections not yet accepted (the kernel caps"
            + " it at net.core.somaxconn). Changing it binds the socket again.")
    int backlog() default 1024;

    @AttributeDefinition(description = "Requests other than mutations executing at once; each connection has its"
            + " own thread and the others wait (0: 8 per processor, at least 64). Mutations take no"
            + " permit: they wait for the group commit that makes them durable.")
    int workers() default 0;

    @AttributeDefinition(description = "Seconds an idle connection is kept open.")
    int idle__timeout__seconds() default 300;

    @AttributeDefinition(description = "Seconds a started frame may take to arrive completely.")
    int read__timeout__seconds() default 10;

    @AttributeDefinition(description = "Seconds in-flight requests get to finish when the node stops.")
    int shutdown__grace__seconds() default 5;
}
