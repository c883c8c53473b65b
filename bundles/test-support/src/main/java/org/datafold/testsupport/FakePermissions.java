package org.datafold.testsupport;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.datafold.api.permission.Access;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.permission.Decision;
import org.datafold.api.permission.Grant;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.Schema;

/**
 * A permission service for components that need only the owner's key and trust distances: the
 * owner is at distance 0, a trusted key at its distance, any other key at distance 1. Decisions,
 * grants and the audit are not there (they throw {@link UnsupportedOperationException}); tests of
 * those use the real service.
 */
public class FakePermissions implements PermissionService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String ownerKey;
    private final Map<String, TrustEntry> trusted = new ConcurrentHashMap<>();

    /** An owner with a fresh random key. */
    public FakePermissions() {
        this(randomKey());
    }

    public FakePermissions(String ownerKey) {
        this.ownerKey = ownerKey;
    }

    /** A fresh random public key in its text form (32 random bytes, base64). */
    public static String randomKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    @Override
    public String ownerKey() {
        return ownerKey;
    }

    @Override
    public int distance(Caller caller) {
        if (caller.isOwner() || ownerKey.equals(caller.publicKey())) {
            return 0;
        }
        TrustEntry entry = trusted.get(String.valueOf(caller.publicKey()));
        return entry != null ? entry.distance() : 1;
    }

    @Override
    public TrustEntry trust(String keyOrLabel, int distance, String label) {
        TrustEntry e = new TrustEntry(keyOrLabel, distance, label, Instant.now());
        trusted.put(keyOrLabel, e);
        return e;
    }

    @Override
    public boolean untrust(String keyOrLabel) {
        return trusted.remove(keyOrLabel) != null;
    }

    @Override
    public List<TrustEntry> keys() {
        return List.copyOf(trusted.values());
    }

    @Override
    public Decision decide(Caller caller, Schema schema, String field, Access access) {
        throw new UnsupportedOperationException("decisions: use the real permission service");
    }

    @Override
    public String resolve(String keyOrLabel) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Grant grant(String keyOrLabel, String schema, String field, Access access, Duration expiresIn) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Grant> revoke(String keyOrLabel, String schema, String field, Access access) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<Grant> grants() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<AuditEvent> audit(Instant since) {
        throw new UnsupportedOperationException();
    }
}
