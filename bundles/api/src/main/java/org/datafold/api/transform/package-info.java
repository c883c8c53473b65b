/**
 * Transforms: the SPI a bundle implements to compute a field from others ({@link Transform}), and
 * the node's view of every transform it runs ({@link Transforms}).
 */
@Version("1.0.0")
package org.datafold.api.transform;

import org.osgi.annotation.versioning.Version;
