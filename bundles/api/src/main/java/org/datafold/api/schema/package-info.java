/**
 * The schema model: schemas, their fields, permission policies, payment configuration, field
 * mappers and transforms, and the lifecycle states of a schema on a node.
 */
@Version("1.0.0")
package org.datafold.api.schema;

import org.osgi.annotation.versioning.Version;
