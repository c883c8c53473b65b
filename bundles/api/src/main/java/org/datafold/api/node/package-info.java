/**
 * Node-level services: identity, uptime and readiness of the node, and diagnostics of its
 * components.
 */
@Version("1.0.0")
package org.datafold.api.node;

import org.osgi.annotation.versioning.Version;
