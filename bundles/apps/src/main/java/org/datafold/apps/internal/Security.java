package org.datafold.apps.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The security log shared with the permission service; keys appear only as fingerprints. */
final class Security {

    static final Logger LOG = LoggerFactory.getLogger("org.datafold.security");

    private Security() {
    }
}
