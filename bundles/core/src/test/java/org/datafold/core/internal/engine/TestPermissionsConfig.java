package org.datafold.core.internal.engine;

import java.lang.annotation.Annotation;

import org.datafold.permissions.internal.PermissionsConfig;

/** The permission service's configuration for tests (default retention). */
record TestPermissionsConfig(int unknown__key__distance) implements PermissionsConfig {

    @Override
    public int audit__retention__days() {
        return 30;
    }

    @Override
    public int audit__max__events() {
        return 10000;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return PermissionsConfig.class;
    }
}
