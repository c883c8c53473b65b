package org.datafold.apps.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the app host (PID {@value #PID}); every attribute has a default, and changes apply
 * without restarting anything. The property names are {@code outbound_allow},
 * {@code outbound_timeout_ms}, {@code outbound_max_response_bytes} and {@code outbound_allow_http}:
 * in a component property type a double underscore stands for one underscore (a single one would be
 * a dot).
 */
@ObjectClassDefinition(id = AppsConfig.PID, name = "DataFold apps",
        description = "What app bundles may reach on the network through OutboundAccess.")
public @interface AppsConfig {

    String PID = "org.datafold.apps";

    @AttributeDefinition(name = "Allowed destinations",
            description = "Entries <app id>=<host> (any port), <app id>=*.<domain> (every host under the domain)"
                    + " or <app id>=<host>:<port>; several may be given in one value, separated by commas."
                    + " Empty (the default): every outbound request is denied.")
    String[] outbound__allow() default {};

    @AttributeDefinition(name = "Time-out (ms)",
            description = "How long one request may take, from connecting to the last byte of the response.",
            min = "1")
    long outbound__timeout__ms() default 10000;

    @AttributeDefinition(name = "Largest response (bytes)",
            description = "Responses with a larger body fail with OUTBOUND_FAILED.", min = "1")
    long outbound__max__response__bytes() default 1048576;

    @AttributeDefinition(name = "Allow plain http",
            description = "false (the default): https only. Meant for tests and local services.")
    boolean outbound__allow__http() default false;
}
