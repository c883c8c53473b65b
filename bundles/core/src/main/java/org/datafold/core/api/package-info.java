/**
 * The engine's contract with the other platform bundles (not for apps): the changes a unit of work
 * commits ({@link org.datafold.core.api.CommitListener}, called inside that unit of work), fields
 * that refuse direct writes ({@link org.datafold.core.api.WriteGuard}), checks before a schema is
 * approved ({@link org.datafold.core.api.ApprovalCheck}), the engine's field-level reads and
 * computed writes ({@link org.datafold.core.api.FieldStore}), and the forwarding of queries that
 * name another node ({@link org.datafold.core.api.QueryForwarder}, provided by the mesh).
 */
@Version("1.1.0")
package org.datafold.core.api;

import org.osgi.annotation.versioning.Version;
