/**
 * The DataFold node API: the error type with stable codes shared by every bundle and every
 * entry point (shell, socket, app bundles).
 */
@Version("1.3.0")
package org.datafold.api;

import org.osgi.annotation.versioning.Version;
