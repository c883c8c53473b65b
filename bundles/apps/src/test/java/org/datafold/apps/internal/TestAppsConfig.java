package org.datafold.apps.internal;

import java.lang.annotation.Annotation;

/** An app host configuration for tests. */
record TestAppsConfig(String[] outbound__allow, long outbound__timeout__ms, long outbound__max__response__bytes,
        boolean outbound__allow__http) implements AppsConfig {

    static TestAppsConfig allow(String... entries) {
        return new TestAppsConfig(entries, 10000, 1048576, false);
    }

    TestAppsConfig timeoutMs(long ms) {
        return new TestAppsConfig(outbound__allow, ms, outbound__max__response__bytes, outbound__allow__http);
    }

    TestAppsConfig maxBytes(long bytes) {
        return new TestAppsConfig(outbound__allow, outbound__timeout__ms, bytes, outbound__allow__http);
    }

    TestAppsConfig http(boolean allowed) {
        return new TestAppsConfig(outbound__allow, outbound__timeout__ms, outbound__max__response__bytes, allowed);
    }

    @Override
    public Class<? extends Annotation> annotationType() {
        return AppsConfig.class;
    }
}
