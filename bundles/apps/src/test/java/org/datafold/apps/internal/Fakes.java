package org.datafold.apps.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.Access;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.permission.Decision;
import org.datafold.api.permission.Grant;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.schema.SchemaType;

/** Hand-written stand-ins for the node and the permission service, and a capture of the log. */
final class Fakes {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Fakes() {
    }

    /** A fresh random public key in its canonical text form. */
    static String newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    static SchemaInfo schema(String name, String source) {
        return new SchemaInfo(new Schema(name, SchemaType.SINGLE, new LinkedHashMap<>(), new SchemaPaymentConfig(1.0, 0),
                "hash-" + name), SchemaState.AVAILABLE, source);
    }

    /** The node: records the caller and the source it was given; fails when told to. */
    static final class Node implements FoldNode {
        final List<SchemaInfo> schemas = new ArrayList<>();
        volatile Caller lastCaller;
        volatile String lastSource;
        volatile FoldException failure;

        @Override
        public Caller caller() {
            return Caller.localOwner();
        }

        @Override
        public List<SchemaInfo> schemas() {
            fail();
            return List.copyOf(schemas);
        }

        @Override
        public SchemaInfo schema(String name) {
            fail();
            return schemas.stream().filter(s -> s.schema().name().equals(name)).findFirst()
                    .orElseThrow(() -> new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema " + name));
        }

        @Override
        public SchemaInfo loadSchema(String json, String source) {
            fail();
            lastSource = source;
            return Fakes.schema("Loaded", source);
        }

        @Override
        public SchemaInfo approve(String name) {
            throw new AssertionError("approve must not reach the node");
        }

        @Override
        public SchemaInfo block(String name) {
            throw new AssertionError("block must not reach the node");
        }

        @Override
        public SchemaInfo unload(String name) {
            throw new AssertionError("unload must not reach the node");
        }

        @Override
        public DiscoveryReport discover() {
            throw new AssertionError("discover must not reach the node");
        }

        @Override
        public DiscoveryReport lastDiscovery() {
            throw new AssertionError("lastDiscovery must not reach the node");
        }

        @Override
        public QueryResult query(Caller caller, Query query) {
            lastCaller = caller;
            fail();
            return null;
        }

        @Override
        public MutationResult mutate(Caller caller, Mutation mutation) {
            lastCaller = caller;
            fail();
            return null;
        }

        @Override
        public List<AtomVersion> history(Caller caller, String schema, String field, String rangeKey, int limit) {
            lastCaller = caller;
            fail();
            return List.of();
        }

        private void fail() {
            FoldException f = failure;
            if (f != null) {
                throw f;
            }
        }
    }

    /** The permission service: an owner key and a trust table; nothing else is used by the app host. */
    static final class Permissions implements PermissionService {
        final String ownerKey = newKey();
        final List<TrustEntry> keys = new ArrayList<>();

        @Override
        public String ownerKey() {
            return ownerKey;
        }

        @Override
        public List<TrustEntry> keys() {
            return List.copyOf(keys);
        }

        @Override
        public Decision decide(Caller caller, Schema schema, String field, Access access) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int distance(Caller caller) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String resolve(String keyOrLabel) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TrustEntry trust(String keyOrLabel, int distance, String label) {
            TrustEntry e = new TrustEntry(keyOrLabel, distance, label, Instant.now());
            keys.add(e);
            return e;
        }

        @Override
        public boolean untrust(String keyOrLabel) {
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

    /**
     * Captures what slf4j-simple writes (it writes to the current {@code System.err}) while open.
     */
    static final class LogCapture implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        LogCapture() {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        }

        /** The lines written so far. */
        List<String> lines() {
            System.err.flush();
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }

        /** The lines of the security log. */
        List<String> security() {
            return lines().stream().filter(l -> l.contains("org.datafold.security")).toList();
        }

        @Override
        public void close() {
            System.setErr(original);
            original.print(bytes.toString(StandardCharsets.UTF_8));
        }
    }
}
