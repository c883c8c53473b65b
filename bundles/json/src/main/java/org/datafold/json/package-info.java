/**
 * The JSON forms of the node API's schemas, results and filters, as the shell prints them and the
 * app socket protocol carries them (see docs/protocol.md), and the strict reading of the JSON both
 * accept.
 */
@Version("1.2.0")
package org.datafold.json;

import org.osgi.annotation.versioning.Version;
