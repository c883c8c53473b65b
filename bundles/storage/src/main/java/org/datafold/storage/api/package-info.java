/**
 * The data layer used by every platform bundle: typed repositories over one transactional
 * Berkeley DB JE environment. Nothing else opens the database.
 */
@Version("1.1.0")
package org.datafold.storage.api;

import org.osgi.annotation.versioning.Version;
