package org.datafold.schema.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.schema.api.SchemaRegistry;
import org.datafold.storage.api.Storage;
import org.datafold.support.home.HomePaths;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry service. At activation it reads the stored schemas, then discovers the
 * schema folder and every resolved, starting or active bundle with a {@code DataFold-Schemas}
 * header. A bundle that arrives later has its schemas loaded as {@code Available} when it
 * resolves; removing a bundle leaves its schemas known (they are stored, with their data).
 */
@Component(service = SchemaRegistry.class, immediate = true, configurationPid = SchemaConfig.PID)
@Designate(ocd = SchemaConfig.class)
public final class JeSchemaRegistry implements SchemaRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(JeSchemaRegistry.class);
    private static final int TRACKED_STATES = Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE;

    private final SchemaRegistryCore core;
    private final BundleTracker<BundleSchemaSource> tracker;
    /** False while the tracker opens: the bundles found then are part of the first full pass. */
    private volatile boolean live;

    @Activate
    public JeSchemaRegistry(SchemaConfig config, BundleContext context, @Reference Storage storage) {
        Path folder = resolveFolder(config.folder());
        this.tracker = new BundleTracker<>(context, TRACKED_STATES, new Customizer());
        this.core = new SchemaRegistryCore(storage, folder, this::bundleSources);
        LOG.info("schema folder {}", folder);
        tracker.open();
        live = true;
        core.discover();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
    }

    static Path resolveFolder(String value) {
        if (value == null || value.isBlank()) {
            throw configError(value, "must not be blank");
        }
        try {
            return HomePaths.resolve(value);
        } catch (InvalidPathException e) {
            throw configError(value, "is not a valid path: " + e.getMessage());
        }
    }

    private static FoldException configError(String value, String rule) {
        return new FoldException(ErrorCode.CONFIGURATION_INVALID, "configuration " + SchemaConfig.PID
                + ": folder " + rule + " (was " + (value == null ? "null" : "\"" + value + "\"") + ")",
                Map.of("pid", SchemaConfig.PID, "key", "folder", "value", String.valueOf(value)), null);
    }

    private List<SchemaSource> bundleSources() {
        List<SchemaSource> sources = new ArrayList<>(tracker.getTracked().values());
        sources.sort((a, b) -> a.id().compareTo(b.id()));
        return sources;
    }

    /** Tracks the bundles that carry schemas; a newly arrived one is discovered at once. */
    private final class Customizer implements BundleTrackerCustomizer<BundleSchemaSource> {
        @Override
        public BundleSchemaSource addingBundle(Bundle bundle, BundleEvent event) {
            BundleSchemaSource source;
            try {
                source = BundleSchemaSource.of(bundle);
            } catch (RuntimeException e) {
                LOG.warn("cannot read the headers of bundle {}: {}", bundle.getBundleId(), e.toString());
                return null;
            }
            if (source != null && live) {
                core.discover(source);
            }
            return source;
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, BundleSchemaSource source) {
            // A state change within resolved/starting/active brings no new schemas.
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, BundleSchemaSource source) {
            // The bundle's schemas stay known: they are stored, and so is their data.
        }
    }

    // ---------------------------------------------------------------- SchemaRegistry

    @Override
    public List<SchemaInfo> all() {
        return core.all();
    }

    @Override
    public Optional<SchemaInfo> find(String name) {
        return core.find(name);
    }

    @Override
    public SchemaInfo get(String name) {
        return core.get(name);
    }

    @Override
    public Schema approved(String name) {
        return core.approved(name);
    }

    @Override
    public SchemaInfo load(String json, String source) {
        return core.load(json, source);
    }

    @Override
    public SchemaInfo approve(String name) {
        return core.approve(name);
    }

    @Override
    public SchemaInfo block(String name) {
        return core.block(name);
    }

    @Override
    public SchemaInfo unload(String name) {
        return core.unload(name);
    }

    @Override
    public DiscoveryReport discover() {
        return core.discover();
    }

    @Override
    public DiscoveryReport lastDiscovery() {
        return core.lastDiscovery();
    }

    @Override
    public long generation() {
        return core.generation();
    }
}
