package org.datafold.apps.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
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
import org.datafold.testsupport.FakePermissions;

/** A hand-written stand-in for the node, and test data; the other fakes are in test-support. */
final class Fakes {

    private Fakes() {
    }

    /** A fresh random public key in its canonical text form. */
    static String newKey() {
        return FakePermissions.randomKey();
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
}
