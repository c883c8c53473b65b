package org.datafold.api.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An HTTP response received through {@link OutboundAccess}.
 *
 * @param status  the HTTP status code
 * @param headers the response headers (names in lower case)
 * @param body    the body bytes
 */
public record OutboundResponse(int status, Map<String, List<String>> headers, byte[] body) {

    public OutboundResponse {
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
