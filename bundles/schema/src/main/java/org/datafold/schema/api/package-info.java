/** The node's schema registry, used by the engine and the shell (platform bundles only). */
@Version("1.1.0")
package org.datafold.schema.api;

import org.osgi.annotation.versioning.Version;
