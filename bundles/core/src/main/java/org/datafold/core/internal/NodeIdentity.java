package org.datafold.core.internal;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.UUID;

import org.datafold.api.node.NodeInfo;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.Storage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's identity: a UUID created on first start and kept in storage, so it survives
 * restarts (the Felix cache is wiped at every start; the data directory is not).
 */
@Component(service = NodeInfo.class, immediate = true)
public final class NodeIdentity implements NodeInfo {
    static final RepositoryDescriptor<NodeRecord> NODE = new RepositoryDescriptor<>("node", NodeRecord.class);
    static final String IDENTITY_KEY = "identity";

    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentity.class);

    private final PlatformHealth health;
    private final NodeRecord record;
    private final Instant startedAt;

    @Activate
    public NodeIdentity(@Reference Storage storage, @Reference PlatformHealth health) {
        this.health = health;
        this.startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        this.record = loadOrCreate(storage);
        LOG.info("Node id {} (created {})", record.nodeId(), record.createdAt());
    }

    static NodeRecord loadOrCreate(Storage storage) {
        Repository<NodeRecord> repo = storage.repository(NODE);
        return storage.inTransaction(() -> {
            NodeRecord existing = repo.getForUpdate(IDENTITY_KEY).orElse(null);
            if (existing != null) {
                return existing;
            }
            NodeRecord created = new NodeRecord(UUID.randomUUID().toString(), Instant.now());
            repo.put(IDENTITY_KEY, created);
            return created;
        });
    }

    @Override
    public String nodeId() {
        return record.nodeId();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    @Override
    public boolean isReady() {
        return health.isReady();
    }
}
