package org.datafold.permissions.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.Access;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.permission.Decision;
import org.datafold.api.permission.Grant;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldRules;
import org.datafold.api.schema.PermissionPolicy;
import org.datafold.api.schema.Schema;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.datafold.support.config.RenamedKeys;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permission service. The trust table and the grants live in storage and, for the check, in an
 * immutable in-memory snapshot that every change replaces as a whole: a decision reads one volatile
 * field and never touches storage, and sees either the state before a change or the state after it.
 */
@Component(service = PermissionService.class, immediate = true, configurationPid = PermissionsConfig.PID)
@Designate(ocd = PermissionsConfig.class)
public final class PermissionServiceImpl implements PermissionService {

    /** Security events (denials, grants, revocations, trust changes). Keys only as fingerprints. */
    static final Logger SECURITY = LoggerFactory.getLogger("org.datafold.security");
    private static final Logger LOG = LoggerFactory.getLogger(PermissionServiceImpl.class);

    static final RepositoryDescriptor<TrustEntry> TRUST = new RepositoryDescriptor<>("permission.trust", TrustEntry.class);
    static final RepositoryDescriptor<Grant> GRANTS = new RepositoryDescriptor<>("permission.grants", Grant.class);
    static final RepositoryDescriptor<AuditEvent> AUDIT = new RepositoryDescriptor<>("permission.audit", AuditEvent.class);

    /** The label that always names the owner's key. */
    static final String OWNER_LABEL = "owner";
    private static final Pattern LABEL = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

    /** What a decision needs, immutable. */
    private record Snapshot(Map<String, TrustEntry> byKey, Map<String, String> keyByLabel,
            Map<String, List<Grant>> grantsByKey) {
    }

    private final Storage storage;
    private final Clock clock;
    private final int unknownDistance;
    private final String ownerKey;
    private final Repository<TrustEntry> trust;
    private final Repository<Grant> grants;
    private final AuditLog audit;
    private final Object changes = new Object();
    private volatile Snapshot snapshot;

    /** Outside OSGi: the configuration as given, the system clock. */
    public PermissionServiceImpl(PermissionsConfig config, Storage storage) {
        this(config, storage, Clock.systemUTC());
    }

    /**
     * The component's constructor: reads the keys of earlier releases ({@link PermissionsConfig#OLD_KEYS})
     * from the raw properties where the new keys are absent.
     */
    @Activate
    public PermissionServiceImpl(PermissionsConfig config, Map<String, Object> properties,
            @Reference Storage storage) {
        this(RenamedKeys.apply(PermissionsConfig.class, config, properties, PermissionsConfig.PID,
                PermissionsConfig.OLD_KEYS, LOG), storage, Clock.systemUTC());
    }

    PermissionServiceImpl(PermissionsConfig config, Storage storage, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        int unknown = config.unknown__key__distance();
        if (unknown < PermissionsConfig.UNLIMITED) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "unknown_key_distance must be -1 (unlimited) or"
                    + " 0 or more, was " + unknown, Map.of("pid", PermissionsConfig.PID), null);
        }
        this.unknownDistance = unknown == PermissionsConfig.UNLIMITED ? UNLIMITED : unknown;
        this.ownerKey = OwnerKey.loadOrCreate(storage.dataDirectory()).publicKey();
        this.trust = storage.repository(TRUST);
        this.grants = storage.repository(GRANTS);
        this.audit = new AuditLog(storage, clock, Duration.ofDays(Math.max(1, config.audit__retention__days())),
                Math.max(100, config.audit__max__events()));
        synchronized (changes) {
            pruneExpiredGrants();
            reload();
        }
        LOG.info("permissions ready: owner key {}, {} trusted key(s), {} grant(s), unknown keys at distance {}",
                PublicKeys.fingerprint(ownerKey), snapshot.byKey().size(), grants().size(), show(unknownDistance));
    }

    /** Writes the queued audit events and stops the audit writer. */
    @Deactivate
    public void close() {
        audit.close();
    }

    // ================================================================ identities

    @Override
    public String ownerKey() {
        return ownerKey;
    }

    @Override
    public int distance(Caller caller) {
        if (caller.isOwner()) {
            return 0;
        }
        String key = canonicalOrNull(caller.publicKey());
        return key == null ? UNLIMITED : distanceOf(key, snapshot);
    }

    private int distanceOf(String key, Snapshot s) {
        if (key.equals(ownerKey)) {
            return 0;
        }
        TrustEntry entry = s.byKey().get(key);
        return entry != null ? entry.distance() : unknownDistance;
    }

    @Override
    public String resolve(String keyOrLabel) {
        if (keyOrLabel == null || keyOrLabel.isBlank()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name a key or a label");
        }
        String text = keyOrLabel.strip();
        if (PublicKeys.isKey(text)) {
            return PublicKeys.normalize(text);
        }
        if (text.equalsIgnoreCase(OWNER_LABEL)) {
            return ownerKey;
        }
        String key = snapshot.keyByLabel().get(text);
        if (key == null) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "'" + text + "' is neither a public key (base64 of"
                    + " 32 bytes, optionally prefixed ed25519:) nor the label of a key in the trust table",
                    Map.of("label", text), null);
        }
        return key;
    }

    // ================================================================ the check

    @Override
    public Decision decide(Caller caller, Schema schema, String field, Access access) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(access, "access");
        Snapshot s = snapshot;
        String key = caller.isOwner() ? ownerKey : canonicalOrNull(caller.publicKey());
        String what = access.displayName() + " of " + (schema == null ? "?" : schema.name()) + "." + field;
        if (schema == null) {
            return denied(caller, null, field, "schema_not_found", what + " denied: no schema", key);
        }
        if (key == null) {
            return denied(caller, schema.name(), field, "invalid_key",
                    what + " denied: the caller's key is not a valid Ed25519 public key", null);
        }
        FieldDefinition def = field == null ? null : schema.field(field);
        if (def == null) {
            return denied(caller, schema.name(), field, "field_not_found",
                    what + " denied: schema " + schema.name() + " has no field '" + field + "'", key);
        }
        Set<FieldRules.Refusal> refusals = access == Access.WRITE ? FieldRules.refusals(def) : Set.of();
        if (refusals.contains(FieldRules.Refusal.NOT_WRITABLE)) {
            return denied(caller, schema.name(), field, "writable:false",
                    what + " denied by writable:false: the field refuses every write, the owner's included", key);
        }
        if (refusals.contains(FieldRules.Refusal.COMPUTED)) {
            return denied(caller, schema.name(), field, "transform",
                    what + " denied: the field is computed by a transform", key);
        }
        PermissionPolicy permissions = def.permissions();
        PermissionPolicy.Policy policy = permissions == null ? PermissionPolicy.Policy.distance(0)
                : access == Access.READ ? permissions.read() : permissions.write();
        int distance = distanceOf(key, s);
        boolean noRequirement = policy.kind() == PermissionPolicy.Policy.Kind.NO_REQUIREMENT;
        // NoRequirement: anyone reads; anyone at a finite distance writes (unlimited callers write nothing).
        if (noRequirement && (access == Access.READ || distance != UNLIMITED)) {
            return Decision.allow("NoRequirement", what + " allowed: NoRequirement");
        }
        String distanceRule = noRequirement ? "NoRequirement" : "Distance(" + policy.distance() + ")";
        if (!noRequirement && distance <= policy.distance()) {
            return Decision.allow(distanceRule, what + " allowed: caller at distance " + distance + " <= "
                    + policy.distance());
        }
        Map<String, Integer> explicit = permissions == null ? Map.of()
                : access == Access.READ ? permissions.explicitRead() : permissions.explicitWrite();
        String explicitRule = access == Access.READ ? "explicit_read_policy" : "explicit_write_policy";
        if (explicit.containsKey(key) || explicit.containsKey(PublicKeys.PREFIX + key)) {
            return Decision.allow(explicitRule, what + " allowed: key in the field's " + explicitRule);
        }
        Instant now = clock.instant();
        for (Grant g : s.grantsByKey().getOrDefault(key, List.of())) {
            if (g.covers(schema.name(), field, access) && g.liveAt(now)) {
                return Decision.allow("grant", what + " allowed: grant " + g.id()
                        + (g.expiresAt() == null ? "" : " until " + g.expiresAt()));
            }
        }
        String limit = noRequirement ? "unlimited callers write nothing" : "more than " + policy.distance();
        return denied(caller, schema.name(), field, distanceRule, what + " denied by " + distanceRule
                + ": the caller is at trust distance " + show(distance) + " (" + limit + "), is not in the field's " + explicitRule + " list and holds no live " + access.displayName()
                + " grant", key);
    }

    private Decision denied(Caller caller, String schema, String field, String rule, String reason, String key) {
        // The fingerprint (a SHA-256) only for denials: allowed reads are the hot path.
        String who = caller.isOwner() ? OWNER_LABEL : PublicKeys.fingerprint(caller.publicKey());
        audit.record(new AuditEvent(clock.instant(), AuditEvent.Kind.DENIED, who, schema, field, rule, reason));
        return Decision.deny(rule, reason);
    }

    private static String canonicalOrNull(String key) {
        try {
            return PublicKeys.normalize(key);
        } catch (FoldException e) {
            return null;
        }
    }

    static String show(int distance) {
        return distance == UNLIMITED ? "unlimited" : String.valueOf(distance);
    }

    // ================================================================ trust table

    @Override
    public TrustEntry trust(String keyOrLabel, int distance, String label) {
        if (distance < 0) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a trust distance is 0 or more, was " + distance);
        }
        if (label != null && (!LABEL.matcher(label).matches() || label.equalsIgnoreCase(OWNER_LABEL))) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a label is 1 to 64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter, and not 'owner'", Map.of("label", label), null);
        }
        synchronized (changes) {
            String key = resolve(keyOrLabel);
            if (key.equals(ownerKey)) {
                throw new FoldException(ErrorCode.INVALID_ARGUMENT, "the owner's key is always at distance 0");
            }
            TrustEntry old = snapshot.byKey().get(key);
            String newLabel = label != null ? label : old == null ? null : old.label();
            if (newLabel != null) {
                String holder = snapshot.keyByLabel().get(newLabel);
                if (holder != null && !holder.equals(key)) {
                    throw new FoldException(ErrorCode.INVALID_ARGUMENT, "the label '" + newLabel
                            + "' already names another key (" + PublicKeys.fingerprint(holder) + ")",
                            Map.of("label", newLabel), null);
                }
            }
            TrustEntry entry = new TrustEntry(key, distance, newLabel, clock.instant());
            storage.run(() -> trust.put(key, entry));
            reload();
            audit.record(new AuditEvent(entry.assignedAt(), AuditEvent.Kind.TRUSTED, PublicKeys.fingerprint(key), null,
                    null, "distance=" + distance, "trust distance " + distance
                            + (old == null ? "" : " (was " + old.distance() + ")")
                            + (newLabel == null ? "" : ", label " + newLabel)));
            return entry;
        }
    }

    @Override
    public boolean untrust(String keyOrLabel) {
        synchronized (changes) {
            String key = resolve(keyOrLabel);
            boolean removed = storage.inTransaction(() -> trust.delete(key));
            reload();
            if (removed) {
                audit.record(new AuditEvent(clock.instant(), AuditEvent.Kind.UNTRUSTED, PublicKeys.fingerprint(key),
                        null, null, "distance=unknown", "removed from the trust table; now at distance "
                                + show(unknownDistance)));
            }
            return removed;
        }
    }

    @Override
    public List<TrustEntry> keys() {
        List<TrustEntry> out = new ArrayList<>(snapshot.byKey().values());
        out.sort(Comparator.comparingInt(TrustEntry::distance).thenComparing(TrustEntry::key));
        return out;
    }

    // ================================================================ grants

    @Override
    public Grant grant(String keyOrLabel, String schema, String field, Access access, Duration expiresIn) {
        if (schema == null || schema.isBlank()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "name the schema of the grant");
        }
        if (field != null && field.isBlank()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a granted field name must not be blank");
        }
        if (access == null) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a grant is for read or write");
        }
        if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero())) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a grant expires after a positive duration, not "
                    + expiresIn);
        }
        synchronized (changes) {
            String key = resolve(keyOrLabel);
            Instant now = clock.instant();
            Grant g = new Grant(UUID.randomUUID().toString(), key, schema, field, access, now,
                    expiresIn == null ? null : now.plus(expiresIn));
            storage.run(() -> grants.put(g.id(), g));
            pruneExpiredGrants();
            reload();
            audit.record(new AuditEvent(now, AuditEvent.Kind.GRANTED, PublicKeys.fingerprint(key), schema, field,
                    access.displayName(), access.displayName() + " grant " + g.id()
                            + (g.expiresAt() == null ? " without expiry" : " until " + g.expiresAt())));
            return g;
        }
    }

    @Override
    public List<Grant> revoke(String keyOrLabel, String schema, String field, Access access) {
        synchronized (changes) {
            String key = resolve(keyOrLabel);
            List<Grant> matching = new ArrayList<>();
            for (Grant g : snapshot.grantsByKey().getOrDefault(key, List.of())) {
                if (g.schema().equals(schema) && Objects.equals(g.field(), field)
                        && (access == null || g.access() == access)) {
                    matching.add(g);
                }
            }
            storage.run(() -> {
                for (Grant g : matching) {
                    grants.delete(g.id());
                }
            });
            reload();
            Instant now = clock.instant();
            for (Grant g : matching) {
                audit.record(new AuditEvent(now, AuditEvent.Kind.REVOKED, PublicKeys.fingerprint(key), g.schema(),
                        g.field(), g.access().displayName(), g.access().displayName() + " grant " + g.id() + " revoked"));
            }
            return matching;
        }
    }

    @Override
    public List<Grant> grants() {
        Instant now = clock.instant();
        List<Grant> out = new ArrayList<>();
        for (List<Grant> forKey : snapshot.grantsByKey().values()) {
            for (Grant g : forKey) {
                if (g.liveAt(now)) {
                    out.add(g);
                }
            }
        }
        out.sort(Comparator.comparing(Grant::key).thenComparing(Grant::schema)
                .thenComparing(g -> g.field() == null ? "" : g.field()).thenComparing(Grant::access));
        return out;
    }

    /** Deletes the grants that have expired (callers hold {@link #changes}). */
    private void pruneExpiredGrants() {
        Instant now = clock.instant();
        storage.run(() -> {
            for (Repository.Entry<Grant> e : grants.list(Integer.MAX_VALUE)) {
                if (!e.value().liveAt(now)) {
                    grants.delete(e.key());
                }
            }
        });
    }

    // ================================================================ audit

    @Override
    public List<AuditEvent> audit(Instant since) {
        return audit.since(since == null ? Instant.EPOCH : since);
    }

    // ================================================================ snapshot

    /** Reads the table and the grants from storage into a new snapshot (callers hold {@link #changes}). */
    private void reload() {
        Map<String, TrustEntry> byKey = new HashMap<>();
        Map<String, String> keyByLabel = new HashMap<>();
        for (Repository.Entry<TrustEntry> e : trust.list(Integer.MAX_VALUE)) {
            byKey.put(e.key(), e.value());
            if (e.value().label() != null) {
                keyByLabel.put(e.value().label(), e.key());
            }
        }
        Map<String, List<Grant>> byGrantee = new HashMap<>();
        for (Repository.Entry<Grant> e : grants.list(Integer.MAX_VALUE)) {
            byGrantee.computeIfAbsent(e.value().key(), k -> new ArrayList<>()).add(e.value());
        }
        byGrantee.replaceAll((k, v) -> List.copyOf(v));
        snapshot = new Snapshot(Map.copyOf(byKey), Map.copyOf(keyByLabel), Map.copyOf(byGrantee));
    }
}
