package org.datafold.transport.uds.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.datafold.api.permission.Access;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.permission.Decision;
import org.datafold.api.permission.Grant;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.query.Caller;
import org.datafold.api.schema.Schema;

/** The owner key and trust distances only; the rest is not used by the socket. */
final class FakePermissions implements PermissionService {
    private final String ownerKey;

    FakePermissions(String ownerKey) {
        this.ownerKey = ownerKey;
    }

    @Override
    public String ownerKey() {
        return ownerKey;
    }

    @Override
    public int distance(Caller caller) {
        return ownerKey.equals(caller.publicKey()) ? 0 : 1;
    }

    @Override
    public Decision decide(Caller caller, Schema schema, String field, Access access) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String resolve(String keyOrLabel) {
        throw new UnsupportedOperationException();
    }

    @Override
    public TrustEntry trust(String keyOrLabel, int distance, String label) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean untrust(String keyOrLabel) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<TrustEntry> keys() {
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
