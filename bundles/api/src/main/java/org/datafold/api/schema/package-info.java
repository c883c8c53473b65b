/**
 * The schema model: schemas, their fields, permission policies, payment configuration, field
 * mappers and transforms, the lifecycle states of a schema on a node, and the structural rules
 * of a field ({@link org.datafold.api.schema.FieldRules}).
 */
@Version("1.1.0")
package org.datafold.api.schema;

import org.osgi.annotation.versioning.Version;
