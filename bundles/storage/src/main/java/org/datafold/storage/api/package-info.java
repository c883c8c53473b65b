/**
 * The data layer used by every platform bundle: typed repositories over one transactional
 * Berkeley DB JE environment. Nothing else opens the database.
 */
@Version("1.2.0")
// For platform bundles only: exported with the mandatory attribute platform=true, so that only an
// import naming it wires (bnd adds it to the imports of the bundles built against this one).
@Export(attribute = { "platform=true", "mandatory:=platform" })
package org.datafold.storage.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
