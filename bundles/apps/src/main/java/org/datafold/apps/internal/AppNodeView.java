package org.datafold.apps.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.SchemaInfo;

/**
 * The node as one app sees it: every call acts as the app's identity. A null caller or the app's own
 * stands for the app; any other caller (the owner, another key) is refused, as are the owner's
 * schema lifecycle operations. Calls are counted; after {@link #close()} (the app released the
 * service, or stopped) every call fails with {@code UNAVAILABLE}.
 */
final class AppNodeView implements FoldNode {

    private final App app;
    private final FoldNode node;
    private final Caller caller;
    private volatile boolean closed;

    AppNodeView(App app, FoldNode node) {
        this.app = Objects.requireNonNull(app, "app");
        this.node = Objects.requireNonNull(node, "node");
        this.caller = app.caller();
    }

    /** Makes every later call fail with {@code UNAVAILABLE}. */
    void close() {
        closed = true;
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public List<SchemaInfo> schemas() {
        return call("schemas", node::schemas);
    }

    @Override
    public SchemaInfo schema(String name) {
        return call("schema", () -> node.schema(name));
    }

    @Override
    public SchemaInfo loadSchema(String json, String source) {
        return call("loadSchema", () -> node.loadSchema(json, "app:" + app.id()));
    }

    @Override
    public SchemaInfo approve(String name) {
        return call("approve", () -> {
            throw ownerOnly("approve");
        });
    }

    @Override
    public SchemaInfo block(String name) {
        return call("block", () -> {
            throw ownerOnly("block");
        });
    }

    @Override
    public SchemaInfo unload(String name) {
        return call("unload", () -> {
            throw ownerOnly("unload");
        });
    }

    @Override
    public DiscoveryReport discover() {
        return call("discover", () -> {
            throw ownerOnly("discover");
        });
    }

    @Override
    public DiscoveryReport lastDiscovery() {
        return call("lastDiscovery", () -> {
            throw ownerOnly("lastDiscovery");
        });
    }

    @Override
    public QueryResult query(Caller as, Query query) {
        return call("query", () -> node.query(self(as, "query"), query));
    }

    @Override
    public QueryResult query(Caller as, Query query, String target) {
        return call("query", () -> node.query(self(as, "query"), query, target));
    }

    @Override
    public MutationResult mutate(Caller as, Mutation mutation) {
        return call("mutate", () -> node.mutate(self(as, "mutate"), mutation));
    }

    @Override
    public List<AtomVersion> history(Caller as, String schema, String field, String rangeKey, int limit) {
        return call("history", () -> node.history(self(as, "history"), schema, field, rangeKey, limit));
    }

    /** The app's caller for a null caller or the app's own key; a refusal for any other. */
    private Caller self(Caller as, String operation) {
        if (as == null || as.equals(caller)) {
            return caller;
        }
        if (!as.isOwner() && as.publicKey() != null && PublicKeys.isKey(as.publicKey())
                && PublicKeys.normalize(as.publicKey()).equals(app.publicKey())) {
            return caller;
        }
        String who = as.isOwner() ? "the owner" : PublicKeys.fingerprint(as.publicKey());
        Security.LOG.warn("app {} ({}) tried to {} as {}: refused", app.id(), app.fingerprint(), operation, who);
        return failDenied("app " + app.id() + " can only act as itself", operation);
    }

    private FoldException ownerOnly(String operation) {
        Security.LOG.warn("app {} ({}) tried to {}: refused (owner only)", app.id(), app.fingerprint(), operation);
        return new FoldException(ErrorCode.PERMISSION_DENIED, operation + " is for the node owner only; app " + app.id()
                + " cannot " + operation, Map.of("app", app.id(), "operation", operation), null);
    }

    private Caller failDenied(String message, String operation) {
        throw new FoldException(ErrorCode.PERMISSION_DENIED, message, Map.of("app", app.id(), "operation", operation),
                null);
    }

    private <T> T call(String operation, Supplier<T> work) {
        if (closed) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "this view of the node was released; app " + app.id()
                    + " must get the FoldNode service again", Map.of("app", app.id(), "operation", operation), null);
        }
        AppStats stats = app.stats();
        stats.request();
        try {
            return work.get();
        } catch (RuntimeException e) {
            stats.failed(e);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "FoldNode view of app " + app.id();
    }
}
