/**
 * Apps hosted in the node as bundles: how a bundle declares itself an app ({@link Apps#HEADER}),
 * what the node knows of each app ({@link AppInfo}), and the outbound network access apps use
 * instead of opening sockets themselves ({@link OutboundAccess}).
 */
@Version("1.0.0")
package org.datafold.api.app;

import org.osgi.annotation.versioning.Version;
