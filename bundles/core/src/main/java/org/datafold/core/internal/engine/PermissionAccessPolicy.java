package org.datafold.core.internal.engine;

import java.util.Objects;
import java.util.Optional;

import org.datafold.api.permission.Decision;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.Schema;

/** The engine's access policy backed by the node's {@link PermissionService}. */
final class PermissionAccessPolicy implements FieldAccessPolicy {

    private final PermissionService permissions;

    PermissionAccessPolicy(PermissionService permissions) {
        this.permissions = Objects.requireNonNull(permissions, "permissions");
    }

    @Override
    public Optional<String> denial(Caller caller, Schema schema, String field, Access access) {
        Decision d = permissions.decide(caller, schema, field, access == Access.READ
                ? org.datafold.api.permission.Access.READ : org.datafold.api.permission.Access.WRITE);
        return d.allowed() ? Optional.empty() : Optional.of(d.reason());
    }
}
