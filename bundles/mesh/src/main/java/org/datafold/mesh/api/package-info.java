/**
 * The mesh: the state of this node's membership in a mesh of DataFold nodes (peers, global step,
 * anomalies), which peers hold which schema, and queries run at another node.
 */
// For platform bundles only: Mesh.query names any caller, so apps must not reach it (they forward
// through their own view of FoldNode, which pins their identity).
@Export(attribute = { "platform=true", "mandatory:=platform" })
@Version("1.0.0")
package org.datafold.mesh.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
