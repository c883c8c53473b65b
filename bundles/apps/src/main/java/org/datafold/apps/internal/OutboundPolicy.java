package org.datafold.apps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The destinations the owner allows each app, from {@code outbound_allow} entries:
 * <ul>
 * <li>{@code notes=api.example.com}: that host, on any port;</li>
 * <li>{@code notes=*.example.com}: every host under {@code example.com} (not {@code example.com}
 * itself), on any port;</li>
 * <li>{@code notes=api.example.com:8443}, {@code notes=[::1]:8080}: that host on that port only.</li>
 * </ul>
 * Nothing else is allowed; there is no rule for every host.
 */
final class OutboundPolicy {

    /** One allowed destination of one app; {@code port} is -1 for any port. */
    record Rule(String appId, String host, int port) {

        boolean matches(String app, String h, int p) {
            if (!appId.equals(app) || (port >= 0 && port != p)) {
                return false;
            }
            return host.startsWith("*.") ? h.endsWith(host.substring(1)) && h.length() > host.length() - 1
                    : host.equals(h);
        }

        /** The destination as the owner wrote it (normalized). */
        String destination() {
            return port < 0 ? host : host + ":" + port;
        }
    }

    static final OutboundPolicy DENY_ALL = new OutboundPolicy(List.of());

    private static final Pattern APP_ID = Pattern.compile(AppHeader.ID_RULE);
    private static final Pattern HOST = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+\\]");

    private final List<Rule> rules;

    private OutboundPolicy(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /**
     * Parses the entries; each may itself hold several entries separated by commas or white space.
     *
     * @throws IllegalArgumentException naming the first bad entry and the rule it breaks
     */
    static OutboundPolicy parse(String[] entries) {
        List<Rule> rules = new ArrayList<>();
        if (entries != null) {
            for (String entry : entries) {
                if (entry == null) {
                    continue;
                }
                for (String one : entry.split("[,\\s]+")) {
                    if (!one.isEmpty()) {
                        rules.add(rule(one));
                    }
                }
            }
        }
        return new OutboundPolicy(rules);
    }

    private static Rule rule(String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + entry + "' is not <app id>=<host>, <app id>=*.<domain> or"
                    + " <app id>=<host>:<port>");
        }
        String app = entry.substring(0, eq);
        if (!APP_ID.matcher(app).matches()) {
            throw new IllegalArgumentException("'" + entry + "': app id '" + app + "' must match " + AppHeader.ID_RULE);
        }
        String dest = entry.substring(eq + 1).toLowerCase(Locale.ROOT);
        String host = dest;
        int port = -1;
        if (dest.startsWith("[")) {
            int close = dest.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + entry + "': an IPv6 address is written [address]");
            }
            host = dest.substring(0, close + 1);
            String rest = dest.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + entry + "': text after the IPv6 address");
                }
                port = port(entry, rest.substring(1));
            }
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + entry + "': '" + host + "' is not an IPv6 address");
            }
        } else {
            int colon = dest.lastIndexOf(':');
            if (colon >= 0) {
                host = dest.substring(0, colon);
                port = port(entry, dest.substring(colon + 1));
            }
            if (host.equals("*")) {
                throw new IllegalArgumentException("'" + entry + "': there is no rule for every host; name the"
                        + " hosts or domains (*.example.com)");
            }
            if (!HOST.matcher(host).matches()) {
                throw new IllegalArgumentException("'" + entry + "': '" + host + "' is not a host name, an IPv4"
                        + " address or *.<domain>");
            }
        }
        return new Rule(app, host, port);
    }

    private static int port(String entry, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + entry + "': the port must be 1 to 65535, was '" + text + "'");
    }

    /** Whether the app may reach the host (as a URI gives it, IPv6 in brackets) on the port. */
    boolean allows(String appId, String host, int port) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (Rule r : rules) {
            if (r.matches(appId, h, port)) {
                return true;
            }
        }
        return false;
    }

    /** The destinations allowed to one app, in configuration order. */
    List<String> destinations(String appId) {
        List<String> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.appId().equals(appId)) {
                out.add(r.destination());
            }
        }
        return out;
    }

    int size() {
        return rules.size();
    }
}
