package org.datafold.itests;

import org.ops4j.pax.exam.TestProbeBuilder;

/**
 * The test probe of a class that uses platform-only packages ({@code org.datafold.storage.api},
 * {@code org.datafold.schema.api}, {@code org.datafold.json}): Pax Exam's probe imports everything
 * dynamically without attributes, which cannot wire to an export with {@code mandatory:=platform};
 * such a test stands in for a platform bundle and asks for {@code platform=true} as they do.
 */
final class PlatformProbe {
    /** Any package, and the platform-only ones with their mandatory attribute. */
    static final String DYNAMIC_IMPORTS = "*, *;platform=true";

    private PlatformProbe() {
    }

    /** The probe with the platform's dynamic imports. */
    static TestProbeBuilder of(TestProbeBuilder probe) {
        return probe.setHeader("DynamicImport-Package", DYNAMIC_IMPORTS);
    }
}
