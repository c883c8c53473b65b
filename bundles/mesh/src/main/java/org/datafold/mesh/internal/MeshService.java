package org.datafold.mesh.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.permission.TrustEntry;
import org.datafold.api.query.Caller;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.core.api.QueryForwarder;
import org.datafold.mesh.api.Mesh;
import org.datafold.mesh.api.MeshAnomaly;
import org.datafold.mesh.api.MeshPeer;
import org.datafold.mesh.api.MeshStatus;
import org.datafold.storage.api.Storage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Mesh} service (and the node's {@link QueryForwarder}): joins the mesh when it is enabled (on a thread of its own, since a join
 * waits for the coordinator), with the owner key as the node's identity and the trust table as the
 * list of peers whose messages count. A configuration change restarts it.
 */
@Component(service = { Mesh.class, QueryForwarder.class }, immediate = true, configurationPid = MeshConfig.PID)
@Designate(ocd = MeshConfig.class)
public final class MeshService implements Mesh, QueryForwarder {

    private static final Logger LOG = LoggerFactory.getLogger(MeshService.class);
    /** How long the trust table is cached between look-ups of a known key. */
    static final Duration TRUST_CACHE = Duration.ofSeconds(1);

    private final MeshSettings settings;
    private final String ownerKey;
    private final PermissionService permissions;
    private final FoldNode node;
    private final Thread starter;
    private volatile MeshNode mesh;
    private volatile String problem;
    private volatile boolean closed;
    private final TrustCache trust;
    private final QueryForwarding forwarding;

    @Activate
    public MeshService(MeshConfig config, @Reference Storage storage, @Reference PermissionService permissions,
            @Reference(target = "(!(datafold.view=app))") FoldNode node) {
        this.permissions = permissions;
        this.node = node;
        this.ownerKey = permissions.ownerKey();
        this.trust = new TrustCache(permissions, Clock.systemUTC());
        this.forwarding = new QueryForwarding(node, permissions, ownerKey);
        MeshSettings checked = null;
        try {
            checked = MeshSettings.from(config);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
            LOG.error("{}; the mesh stays off", e.getMessage());
        }
        this.settings = checked;
        if (settings == null || !settings.enabled()) {
            starter = null;
            return;
        }
        starter = new Thread(() -> start(storage), "datafold-mesh-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void start(Storage storage) {
        MeshNode n = null;
        try {
            n = new MeshNode(settings, ownerKey, OwnerSigner.load(storage.dataDirectory(), ownerKey),
                    settings.patternGenerator(), trust::distance, this::approvedSchemas, Clock.systemUTC());
            n.queryHandler(forwarding::handle);
            synchronized (this) {
                if (closed) {
                    return;
                }
                mesh = n;
            }
            n.start();
            problem = null;
        } catch (Exception e) {
            problem = "cannot join the mesh: " + e.getMessage();
            LOG.error("mesh: cannot join cluster {} on {}:{}: {}", settings.cluster(), settings.bindAddr(),
                    settings.bindPort(), e.toString());
            if (n != null) {
                n.close();
            }
            mesh = null;
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            closed = true;
        }
        if (starter != null) {
            try {
                starter.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MeshNode n = mesh;
        if (n != null) {
            n.close();
        }
    }

    private List<String> approvedSchemas() {
        List<String> out = new ArrayList<>();
        for (SchemaInfo s : node.schemas()) {
            if (s.state() == SchemaState.APPROVED) {
                out.add(s.schema().name());
            }
        }
        return out;
    }

    @Override
    public MeshStatus status() {
        MeshNode n = mesh;
        if (n != null) {
            MeshStatus s = n.status();
            return s.connected() || problem == null ? s
                    : new MeshStatus(true, false, s.cluster(), null, 0, s.nodeKey(), null, s.globalStep(), s.generator(),
                            s.sent(), s.accepted(), s.rejected(), s.untrusted(), s.malformed(), s.merges(),
                            s.forwarded(), s.forwardMedianMicros(), problem);
        }
        boolean enabled = settings != null && settings.enabled();
        return new MeshStatus(enabled, false, settings == null ? null : settings.cluster(), null, 0, ownerKey, null, 0,
                settings == null ? null : settings.generator(), 0, 0, 0, 0, 0, 0, 0, -1,
                problem != null ? problem : enabled ? "joining" : "disabled (enabled = false in org.datafold.mesh)");
    }

    @Override
    public List<MeshPeer> peers() {
        MeshNode n = mesh;
        return n == null ? List.of() : n.peers();
    }

    @Override
    public List<MeshAnomaly> anomalies() {
        MeshNode n = mesh;
        return n == null ? List.of() : n.anomalies();
    }

    @Override
    public List<String> holders(String schema) {
        MeshNode n = mesh;
        return n == null ? List.of() : n.holders(schema);
    }

    @Override
    public QueryResult query(String target, Caller caller, Query query) {
        String key = permissions.resolve(target);
        if (key.equals(PublicKeys.normalize(ownerKey))) {
            return node.query(caller, query);
        }
        MeshNode n = mesh;
        if (n == null) {
            throw new FoldException(ErrorCode.UNAVAILABLE, "the mesh is not connected: " + status().problem());
        }
        byte[] request = forwarding.request(caller, query);
        return QueryForwarding.result(n.request(key, request, Duration.ofMillis(settings.queryTimeoutMs())));
    }

    @Override
    public QueryResult forward(String target, Caller caller, Query query) {
        return query(target, caller, query);
    }

    /** The trust table as the observers read it: cached, refreshed at most every second. */
    static final class TrustCache {
        private final PermissionService permissions;
        private final Clock clock;
        private Map<String, Integer> table = Map.of();
        private long loadedAt = Long.MIN_VALUE;

        TrustCache(PermissionService permissions, Clock clock) {
            this.permissions = permissions;
            this.clock = clock;
        }

        synchronized Integer distance(String key) {
            long now = clock.millis();
            if (now - loadedAt >= TRUST_CACHE.toMillis() || loadedAt == Long.MIN_VALUE) {
                Map<String, Integer> fresh = new HashMap<>();
                for (TrustEntry e : permissions.keys()) {
                    fresh.put(e.key(), e.distance());
                }
                table = fresh;
                loadedAt = now;
            }
            return table.get(PublicKeys.normalize(key));
        }
    }
}
