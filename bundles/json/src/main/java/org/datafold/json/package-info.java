/**
 * The JSON forms of the node API's schemas, results and filters, as the shell prints them and the
 * app socket protocol carries them (see docs/protocol.md), and the strict reading of the JSON both
 * accept.
 */
@Version("1.2.0")
// For platform bundles only: exported with the mandatory attribute platform=true, so that only an
// import naming it wires (bnd adds it to the imports of the bundles built against this one).
@Export(attribute = { "platform=true", "mandatory:=platform" })
package org.datafold.json;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
