package org.datafold.core.internal.engine;

import java.lang.annotation.Annotation;

import org.datafold.permissions.internal.PermissionsConfig;

/** The permission service's configuration for tests (default retention). */
record TestPermissionsConfig(int unknownKeyDistance) implements PermissionsConfig {

    @Override
    public int auditRetentionDays() {
        return 30;
    }

    @Override
    public int auditMaxEvents() {
        return 10000;
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return PermissionsConfig.class;
    }
}
