package org.datafold.api.app;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Network access through the node, the way apps reach the outside world. The service each app
 * gets is bound to it: every request is checked against the destinations the owner allows that
 * app (none by default), bounded in time and size, and audited.
 *
 * <p>Failures are {@link org.datafold.api.FoldException}s: {@code PERMISSION_DENIED} (destination
 * not allowed, or the caller is not an app), {@code INVALID_ARGUMENT} (bad URL or scheme),
 * {@code OUTBOUND_FAILED} (connection error, time-out, response too large).
 */
@ProviderType
public interface OutboundAccess {

    /** An HTTP GET. */
    OutboundResponse get(String url, Map<String, String> headers);

    /** An HTTP POST of {@code body} with the given content type. */
    OutboundResponse post(String url, Map<String, String> headers, String contentType, byte[] body);
}
