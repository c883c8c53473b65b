package org.datafold.permissions.internal;

import java.util.Map;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the permission service (PID {@value #PID}); every attribute has a default. Keys are
 * snake_case ({@code unknown_key_distance}): a double underscore in a method name stands for one
 * underscore in the key.
 */
@ObjectClassDefinition(id = PermissionsConfig.PID, name = "DataFold permissions",
        description = "Trust distance of unknown keys and retention of the security audit.")
public @interface PermissionsConfig {

    String PID = "org.datafold.permissions";

    /** The keys of earlier releases (old name to new name), still read with a warning. */
    Map<String, String> OLD_KEYS = Map.of("unknownKeyDistance", "unknown_key_distance",
            "auditRetentionDays", "audit_retention_days", "auditMaxEvents", "audit_max_events");

    /** The value of {@link #unknown__key__distance()} that means unlimited. */
    int UNLIMITED = -1;

    @AttributeDefinition(name = "Distance of unknown keys",
            description = "The trust distance of keys that are not in the trust table. -1 (the "
                    + "default) means unlimited: unknown keys read only NoRequirement fields and write "
                    + "nothing (unless an explicit list or a grant names them).")
    int unknown__key__distance() default UNLIMITED;

    @AttributeDefinition(name = "Audit retention (days)",
            description = "Security events older than this are deleted (at least 1).")
    int audit__retention__days() default 30;

    @AttributeDefinition(name = "Audit size (events)",
            description = "At most this many security events are kept; the oldest go first (at least 100).")
    int audit__max__events() default 10000;
}
