/**
 * Permissions: identities (Ed25519 public keys), trust distances, the per-field access decision,
 * grants and the security audit.
 */
@Version("1.1.0")
package org.datafold.api.permission;

import org.osgi.annotation.versioning.Version;
