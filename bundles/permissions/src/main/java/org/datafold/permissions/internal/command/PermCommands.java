package org.datafold.permissions.internal.command;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.Access;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.permission.Grant;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.permission.TrustEntry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code perm:*}: the owner's identity, the trust table, grants and the security audit. Keys are
 * printed in full only where the owner needs to copy them ({@code whoami}, {@code keys}); the
 * audit shows fingerprints.
 */
@Component(service = PermCommands.class, property = {
        "osgi.command.scope=perm",
        "osgi.command.function=whoami",
        "osgi.command.function=trust",
        "osgi.command.function=untrust",
        "osgi.command.function=keys",
        "osgi.command.function=grant",
        "osgi.command.function=revoke",
        "osgi.command.function=grants",
        "osgi.command.function=audit" })
public final class PermCommands {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smhdw])");

    private final PermissionService permissions;

    @Activate
    public PermCommands(@Reference PermissionService permissions) {
        this.permissions = permissions;
    }

    @Descriptor("Show the node owner's public key (the identity of the local shell)")
    public String whoami() {
        String key = permissions.ownerKey();
        return String.format("Owner key     %s%s%nFingerprint   %s%nDistance      0%n", PublicKeys.PREFIX, key,
                PublicKeys.fingerprint(key));
    }

    @Descriptor("Assign a trust distance to a key (0 is the owner's level; lower is more trusted)")
    public String trust(
            @Descriptor("public key (base64 of the raw 32-byte Ed25519 key, optionally ed25519:...) or the label of a key in the table")
            String keyOrLabel,
            @Descriptor("trust distance, 0 or more") int distance) {
        return describe(permissions.trust(keyOrLabel, distance, null));
    }

    @Descriptor("Assign a trust distance and a label to a key")
    public String trust(
            @Descriptor("public key (base64 of the raw 32-byte Ed25519 key, optionally ed25519:...) or the label of a key in the table")
            String keyOrLabel,
            @Descriptor("trust distance, 0 or more") int distance,
            @Descriptor("label: letters, digits, '.', '_' or '-', starting with a letter") String label) {
        return describe(permissions.trust(keyOrLabel, distance, label));
    }

    private static String describe(TrustEntry e) {
        return String.format("%s%s (%s) is at distance %d%s%n", PublicKeys.PREFIX, e.key(),
                PublicKeys.fingerprint(e.key()), e.distance(), e.label() == null ? "" : ", label " + e.label());
    }

    @Descriptor("Remove a key from the trust table (it then counts as an unknown key)")
    public String untrust(@Descriptor("public key or label") String keyOrLabel) {
        String key = permissions.resolve(keyOrLabel);
        return permissions.untrust(keyOrLabel)
                ? "removed " + PublicKeys.fingerprint(key) + System.lineSeparator()
                : "not in the trust table: " + PublicKeys.fingerprint(key) + System.lineSeparator();
    }

    @Descriptor("List the trust table: keys, fingerprints, distances and labels")
    public String keys() {
        List<TrustEntry> keys = permissions.keys();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s  %-16s  %-19s  %-20s  %s%n", "DISTANCE", "LABEL", "FINGERPRINT", "ASSIGNED", "KEY"));
        sb.append(String.format("%-8s  %-16s  %-19s  %-20s  %s%s%n", "0", "owner", PublicKeys.fingerprint(
                permissions.ownerKey()), "-", PublicKeys.PREFIX, permissions.ownerKey()));
        for (TrustEntry e : keys) {
            sb.append(String.format("%-8d  %-16s  %-19s  %-20s  %s%s%n", e.distance(), e.label() == null ? "-" : e.label(),
                    PublicKeys.fingerprint(e.key()), seconds(e.assignedAt()),
                    PublicKeys.PREFIX, e.key()));
        }
        return sb.toString();
    }

    @Descriptor("Grant read or write access to a field, or to every field of a schema, to a key")
    public String grant(
            @Descriptor("how long the grant lasts, e.g. 30s, 10m, 2h, 7d, 2w or PT90M (default: until revoked)")
            @Parameter(names = { "--expires" }, absentValue = "") String expires,
            @Descriptor("public key or label") String keyOrLabel,
            @Descriptor("<schema> or <schema>.<field>") String target,
            @Descriptor("read or write") String access) {
        String[] t = target(target);
        Duration d = expires.isBlank() ? null : duration(expires);
        Grant g = permissions.grant(keyOrLabel, t[0], t[1], access(access), d);
        return "granted " + line(g);
    }

    @Descriptor("Revoke the read and write grants of a key on a field, or its schema-wide grants")
    public String revoke(
            @Descriptor("public key or label") String keyOrLabel,
            @Descriptor("<schema> (the schema-wide grants) or <schema>.<field>") String target) {
        String[] t = target(target);
        return revoked(permissions.revoke(keyOrLabel, t[0], t[1], null));
    }

    @Descriptor("Revoke the read or the write grants of a key on a field, or its schema-wide grants")
    public String revoke(
            @Descriptor("public key or label") String keyOrLabel,
            @Descriptor("<schema> (the schema-wide grants) or <schema>.<field>") String target,
            @Descriptor("read or write") String access) {
        String[] t = target(target);
        return revoked(permissions.revoke(keyOrLabel, t[0], t[1], access(access)));
    }

    private static String revoked(List<Grant> grants) {
        if (grants.isEmpty()) {
            return "no matching grant" + System.lineSeparator();
        }
        StringBuilder sb = new StringBuilder();
        for (Grant g : grants) {
            sb.append("revoked ").append(line(g));
        }
        return sb.toString();
    }

    @Descriptor("List the live grants")
    public String grants() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-19s  %-30s  %-6s  %-20s  %s%n", "KEY", "TARGET", "ACCESS", "EXPIRES", "ID"));
        for (Grant g : permissions.grants()) {
            sb.append(String.format("%-19s  %-30s  %-6s  %-20s  %s%n", PublicKeys.fingerprint(g.key()), target(g),
                    g.access().displayName(), g.expiresAt() == null ? "never" : seconds(g.expiresAt()), g.id()));
        }
        return sb.toString();
    }

    private static String line(Grant g) {
        return g.access().displayName() + " on " + target(g) + " to " + PublicKeys.fingerprint(g.key())
                + (g.expiresAt() == null ? " until revoked" : " until " + seconds(g.expiresAt())) + System.lineSeparator();
    }

    private static String target(Grant g) {
        return g.field() == null ? g.schema() + " (all fields)" : g.schema() + "." + g.field();
    }

    @Descriptor("List the security events (denials, grants, revocations, trust changes), oldest first")
    public String audit(
            @Descriptor("only events since then: a duration back from now (10m, 2h, 7d) or an instant (2026-01-31T12:00:00Z); default: all kept")
            @Parameter(names = { "--since" }, absentValue = "") String since) {
        Instant from = since.isBlank() ? Instant.EPOCH : since(since, Instant.now());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-24s  %-9s  %-19s  %-30s  %-22s  %s%n", "WHEN", "EVENT", "WHO", "FIELD", "RULE",
                "DETAIL"));
        for (AuditEvent e : permissions.audit(from)) {
            String field = e.schema() == null ? "-" : e.field() == null ? e.schema() : e.schema() + "." + e.field();
            sb.append(String.format("%-24s  %-9s  %-19s  %-30s  %-22s  %s%n", e.at().truncatedTo(ChronoUnit.MILLIS), e.kind(), e.subject(), field,
                    e.rule(), e.detail()));
        }
        return sb.toString();
    }

    private static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }

    // ================================================================ parsing

    /** {@code Schema} or {@code Schema.field}: the schema and the field or null. */
    static String[] target(String text) {
        if (text == null || text.isBlank() || text.startsWith(".") || text.endsWith(".")) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name <schema> or <schema>.<field>, was '" + text + "'");
        }
        int dot = text.indexOf('.');
        return dot < 0 ? new String[] { text, null } : new String[] { text.substring(0, dot), text.substring(dot + 1) };
    }

    static Access access(String text) {
        try {
            return Access.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "access is read or write, was '" + text + "'");
        }
    }

    /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d}, {@code 2w}, or ISO-8601 ({@code PT90M}); positive. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = DURATION.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        } else {
            try {
                d = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a duration is a number and a unit (30s, 10m, 2h, 7d,"
                        + " 2w) or ISO-8601 (PT90M), was '" + text + "'");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a duration must be positive, was '" + text + "'");
        }
        return d;
    }

    /** A duration back from {@code now}, or an ISO-8601 instant. */
    static Instant since(String text, Instant now) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            return now.minus(duration(text));
        }
    }
}
