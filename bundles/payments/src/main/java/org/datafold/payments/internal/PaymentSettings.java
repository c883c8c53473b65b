package org.datafold.payments.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.PublicKeys;

/**
 * The validated payments configuration. Built from the raw configuration properties (strings from
 * {@code etc/org.datafold.payments.cfg}, or typed values from ConfigAdmin); any bad value refuses the
 * whole configuration with {@code CONFIGURATION_INVALID} naming the PID and the key.
 *
 * @param exempt canonical keys and labels (labels as written)
 */
public record PaymentSettings(boolean charging, long marketRate, long systemMinimum, int unknownDistance,
        Set<String> exempt, int invoiceExpirySeconds, int holdTimeoutSeconds, String lndHost, int lndPort,
        String lndTlsCert, String lndMacaroon) {

    public static final String CHARGING = "charging";
    public static final String MARKET_RATE = "market_rate";
    public static final String SYSTEM_MINIMUM = "system_minimum";
    public static final String UNKNOWN_DISTANCE = "unknown_distance";
    public static final String EXEMPT = "exempt";
    public static final String INVOICE_EXPIRY_S = "invoice_expiry_s";
    public static final String HOLD_TIMEOUT_S = "hold_timeout_s";
    public static final String LND_HOST = "lnd_host";
    public static final String LND_PORT = "lnd_port";
    public static final String LND_TLS_CERT = "lnd_tls_cert";
    public static final String LND_MACAROON = "lnd_macaroon";

    public PaymentSettings {
        exempt = Set.copyOf(exempt);
    }

    /** The defaults (nothing configured). */
    public static PaymentSettings defaults() {
        return from(Map.of());
    }

    /**
     * @throws FoldException {@code CONFIGURATION_INVALID} naming the key and the value refused
     */
    public static PaymentSettings from(Map<String, ?> properties) {
        boolean charging = bool(properties, CHARGING, false);
        long marketRate = integer(properties, MARKET_RATE, 100, 0, Long.MAX_VALUE);
        long systemMinimum = integer(properties, SYSTEM_MINIMUM, 50, 0, Long.MAX_VALUE);
        int unknownDistance = (int) integer(properties, UNKNOWN_DISTANCE, 3, 1, 1_000_000);
        Set<String> exempt = exempt(properties.get(EXEMPT));
        int invoiceExpiry = (int) integer(properties, INVOICE_EXPIRY_S, 600, 10, 31 * 24 * 3600);
        int holdTimeout = (int) integer(properties, HOLD_TIMEOUT_S, 60, 1, 24 * 3600);
        String host = text(properties, LND_HOST, "127.0.0.1");
        int port = (int) integer(properties, LND_PORT, 10009, 1, 65535);
        String cert = text(properties, LND_TLS_CERT, "");
        String macaroon = text(properties, LND_MACAROON, "");
        if (host.isBlank()) {
            throw invalid(LND_HOST, properties.get(LND_HOST), "must not be blank");
        }
        if (charging) {
            throw invalid(CHARGING, properties.get(CHARGING), "charging needs a Lightning backend, which this"
                    + " node does not include yet; leave charging = false (prices are still computed and shown)");
        }
        return new PaymentSettings(charging, marketRate, systemMinimum, unknownDistance, exempt, invoiceExpiry,
                holdTimeout, host, port, cert, macaroon);
    }

    /** The settings as shown by {@code pay:config}: key to value, in the order of the documentation. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(CHARGING, charging);
        out.put(MARKET_RATE, marketRate);
        out.put(SYSTEM_MINIMUM, systemMinimum);
        out.put(UNKNOWN_DISTANCE, unknownDistance);
        out.put(EXEMPT, new ArrayList<>(new java.util.TreeSet<>(exempt)));
        out.put(INVOICE_EXPIRY_S, invoiceExpirySeconds);
        out.put(HOLD_TIMEOUT_S, holdTimeoutSeconds);
        out.put(LND_HOST, lndHost);
        out.put(LND_PORT, lndPort);
        out.put(LND_TLS_CERT, lndTlsCert);
        out.put(LND_MACAROON, lndMacaroon);
        return out;
    }

    private static boolean bool(Map<String, ?> p, String key, boolean dflt) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().strip();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(key, v, "must be true or false");
    }

    private static long integer(Map<String, ?> p, String key, long dflt, long min, long max) {
        Object v = p.get(key);
        if (v == null) {
            return dflt;
        }
        long value;
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            value = ((Number) v).longValue();
        } else {
            try {
                value = Long.parseLong(v.toString().strip());
            } catch (NumberFormatException e) {
                throw invalid(key, v, "must be a whole number from " + min + " to " + max);
            }
        }
        if (value < min || value > max) {
            throw invalid(key, v, "must be a whole number from " + min + " to " + max);
        }
        return value;
    }

    private static String text(Map<String, ?> p, String key, String dflt) {
        Object v = p.get(key);
        return v == null ? dflt : v.toString().strip();
    }

    private static Set<String> exempt(Object value) {
        List<String> items = new ArrayList<>();
        if (value == null) {
            return Set.of();
        }
        if (value instanceof String[] array) {
            items.addAll(List.of(array));
        } else if (value instanceof Collection<?> c) {
            c.forEach(o -> items.add(String.valueOf(o)));
        } else {
            for (String part : value.toString().split(",")) {
                items.add(part);
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (String item : items) {
            String s = item.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (PublicKeys.isKey(s)) {
                out.add(PublicKeys.normalize(s));
            } else if (s.matches("[A-Za-z][A-Za-z0-9._-]{0,63}")) {
                out.add(s);
            } else {
                throw invalid(EXEMPT, value, "'" + s + "' is neither a public key nor a label (letters, digits,"
                        + " '.', '_' or '-', starting with a letter)");
            }
        }
        return out;
    }

    private static FoldException invalid(String key, Object value, String rule) {
        return new FoldException(ErrorCode.CONFIGURATION_INVALID, "configuration " + PaymentsConfig.PID
                + " refused: " + key + " " + rule + " (was '" + value + "')");
    }
}
