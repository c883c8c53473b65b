/**
 * The mesh: the state of this node's membership in a mesh of DataFold nodes (peers, global step,
 * anomalies) and which peers hold which schema.
 */
@Version("1.0.0")
package org.datafold.mesh.api;

import org.osgi.annotation.versioning.Version;
