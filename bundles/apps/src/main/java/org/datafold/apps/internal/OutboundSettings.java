package org.datafold.apps.internal;

import java.time.Duration;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/**
 * The outbound configuration in effect, immutable; a configuration change replaces it as a whole.
 *
 * @param policy    the allowed destinations
 * @param timeout   the time one request may take
 * @param maxBytes  the largest response body
 * @param allowHttp whether plain http is allowed besides https
 */
record OutboundSettings(OutboundPolicy policy, Duration timeout, long maxBytes, boolean allowHttp) {

    /** What an invalid configuration gives: nothing allowed. */
    static final OutboundSettings DENY_ALL = new OutboundSettings(OutboundPolicy.DENY_ALL, Duration.ofSeconds(10),
            1048576, false);

    /**
     * Reads and checks a configuration.
     *
     * @throws FoldException {@code CONFIGURATION_INVALID} naming the PID and the key
     */
    static OutboundSettings from(AppsConfig config) {
        OutboundPolicy policy;
        try {
            policy = OutboundPolicy.parse(config.outbound__allow());
        } catch (IllegalArgumentException e) {
            throw invalid("outbound_allow", e.getMessage());
        }
        if (config.outbound__timeout__ms() < 1) {
            throw invalid("outbound_timeout_ms", "must be 1 or more, was " + config.outbound__timeout__ms());
        }
        if (config.outbound__max__response__bytes() < 1) {
            throw invalid("outbound_max_response_bytes", "must be 1 or more, was "
                    + config.outbound__max__response__bytes());
        }
        return new OutboundSettings(policy, Duration.ofMillis(config.outbound__timeout__ms()),
                config.outbound__max__response__bytes(), config.outbound__allow__http());
    }

    private static FoldException invalid(String key, String message) {
        return new FoldException(ErrorCode.CONFIGURATION_INVALID, AppsConfig.PID + ": " + key + ": " + message,
                Map.of("pid", AppsConfig.PID, "key", key), null);
    }
}
