/** The node's schema registry, used by the engine and the shell (platform bundles only). */
@Version("1.1.0")
// For platform bundles only: exported with the mandatory attribute platform=true, so that only an
// import naming it wires (bnd adds it to the imports of the bundles built against this one).
@Export(attribute = { "platform=true", "mandatory:=platform" })
package org.datafold.schema.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
