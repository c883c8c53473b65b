package org.datafold.permissions.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the permission service (PID {@value #PID}); every attribute has a default. */
@ObjectClassDefinition(id = PermissionsConfig.PID, name = "DataFold permissions",
        description = "Trust distance of unknown keys and retention of the security audit.")
public @interface PermissionsConfig {

    String PID = "org.datafold.permissions";

    /** The value of {@link #unknownKeyDistance()} that means unlimited. */
    int UNLIMITED = -1;

    @AttributeDefinition(name = "Distance of unknown keys",
            description = "The trust distance of keys that are not in the trust table. -1 (the "
                    + "default) means unlimited: unknown keys read only NoRequirement fields and write "
                    + "nothing (unless an explicit list or a grant names them).")
    int unknownKeyDistance() default UNLIMITED;

    @AttributeDefinition(name = "Audit retention (days)",
            description = "Security events older than this are deleted (at least 1).")
    int auditRetentionDays() default 30;

    @AttributeDefinition(name = "Audit size (events)",
            description = "At most this many security events are kept; the oldest go first (at least 100).")
    int auditMaxEvents() default 10000;
}
