package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.datafold.storage.api.Storage;
import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Hot deployment through the real deploy/ folder watched by FileInstall. */
public class HotDeployIT extends NodeTestBase {
    private static final long TIMEOUT_S = 60;

    private static Path deployDir() {
        return Path.of(System.getProperty("datafold.home")).resolve("deploy");
    }

    /** A minimal bundle: a manifest and one resource. */
    private static void writeBundle(Path target, String bsn, String version) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, mf)) {
            jar.putNextEntry(new java.util.jar.JarEntry("hello.txt"));
            jar.write(("hello from " + bsn + " " + version).getBytes());
            jar.closeEntry();
        }
        // Renamed into place in one step, as deploy tools should: FileInstall never sees a partial jar.
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    public void droppedBundleStartsIsUpdatedAndUninstalledWithoutRefreshingThePlatform() throws Exception {
        String bsn = "org.datafold.it.hotdeploy";
        List<String> platformEvents = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch updated = new CountDownLatch(1);
        CountDownLatch uninstalled = new CountDownLatch(1);
        BundleListener listener = e -> {
            Bundle b = e.getBundle();
            if (bsn.equals(b.getSymbolicName())) {
                switch (e.getType()) {
                    case BundleEvent.STARTED -> started.countDown();
                    case BundleEvent.UPDATED -> updated.countDown();
                    case BundleEvent.UNINSTALLED -> uninstalled.countDown();
                    default -> {
                    }
                }
            } else if (b.getBundleId() != 0 && e.getType() != BundleEvent.STARTING) {
                platformEvents.add(b.getSymbolicName() + " " + e.getType());
            }
        };
        context.addBundleListener(listener);
        try {
            Path jar = deployDir().resolve("hotdeploy.jar");
            writeBundle(jar, bsn, "1.0.0");
            assertTrue("started from deploy/", started.await(TIMEOUT_S, TimeUnit.SECONDS));
            Bundle deployed = find(bsn);
            assertNotNull(deployed);
            assertEquals(Bundle.ACTIVE, deployed.getState());
            assertEquals("apps start after the platform", 80, deployed.adapt(BundleStartLevel.class).getStartLevel());

            writeBundle(jar, bsn, "1.0.1");
            assertTrue("updated when replaced", updated.await(TIMEOUT_S, TimeUnit.SECONDS));

            Files.delete(jar);
            assertTrue("uninstalled when deleted", uninstalled.await(TIMEOUT_S, TimeUnit.SECONDS));
            assertEquals(null, find(bsn));
        } finally {
            context.removeBundleListener(listener);
        }
        // The probe bundle of the test itself is not part of the platform, but nothing else may move.
        platformEvents.removeIf(s -> s.startsWith("PAXEXAM-PROBE"));
        assertEquals("no platform bundle was stopped, refreshed or re-resolved", List.of(), platformEvents);
    }

    @Test
    public void cfgFileInDeployReconfiguresTheComponentItNames() throws Exception {
        Storage storage = deployStorageCfg("WRITE_NO_SYNC", "data_dir = " + System.getProperty("datafold.data")
                + "\ndurability = WRITE_NO_SYNC\ncache_size_mb = 32\n");
        assertEquals("WRITE_NO_SYNC", storage.stats().durability());
        assertEquals(32L << 20, storage.stats().cacheSizeBytes());
    }

    @Test
    public void theKeysOfAnEarlierReleaseStillWork() throws Exception {
        // Only the old keys, as a file of an earlier release leaves them (a deploy/ file would be
        // merged with the new keys of etc/, which win): through ConfigAdmin, as FileInstall gives them.
        // Held for the whole test: ConfigAdmin is a service factory, its object dies with the last unget.
        ServiceReference<ConfigurationAdmin> ref = context.getServiceReference(ConfigurationAdmin.class);
        assertNotNull("ConfigurationAdmin", ref);
        ConfigurationAdmin cm = context.getService(ref);
        try {
            Configuration config = cm.getConfiguration("org.datafold.storage", "?");
            Dictionary<String, Object> original = config.getProperties();
            Hashtable<String, Object> old = new Hashtable<>();
            old.put("dataDir", System.getProperty("datafold.data"));
            old.put("durability", "NO_SYNC");
            old.put("cacheSizeMb", "24");
            try {
                Storage storage = reconfigureStorage("NO_SYNC", () -> config.update(old));
                assertEquals("the old key cacheSizeMb is read", 24L << 20, storage.stats().cacheSizeBytes());
                assertEquals("the old key dataDir is read", Path.of(System.getProperty("datafold.data"))
                        .toAbsolutePath().normalize().toString(), storage.stats().dataDirectory());
            } finally {
                reconfigureStorage(String.valueOf(original.get("durability")), () -> config.update(original));
            }
        } finally {
            context.ungetService(ref);
        }
    }

    /** Writes {@code org.datafold.storage.cfg} into deploy/ and waits for the storage with that durability. */
    private Storage deployStorageCfg(String durability, String content) throws Exception {
        Path cfg = deployDir().resolve("org.datafold.storage.cfg");
        return reconfigureStorage(durability, () -> Files.writeString(cfg, content));
    }

    /** A change of the storage's configuration. */
    private interface Change {
        void apply() throws Exception;
    }

    /** Applies the change and waits for the storage to be registered again with the given durability. */
    private Storage reconfigureStorage(String durability, Change change) throws Exception {
        CountDownLatch reconfigured = new CountDownLatch(1);
        ServiceListener listener = e -> {
            if (e.getType() != ServiceEvent.UNREGISTERING
                    && durability.equals(e.getServiceReference().getProperty("durability"))) {
                reconfigured.countDown();
            }
        };
        context.addServiceListener(listener, "(objectClass=" + Storage.class.getName() + ")");
        try {
            change.apply();
            assertTrue("storage re-registered with the new configuration",
                    reconfigured.await(TIMEOUT_S, TimeUnit.SECONDS));
        } finally {
            context.removeServiceListener(listener);
        }
        Await.ready(context);
        Storage storage = (Storage) Await.service(context, "(&(objectClass=" + Storage.class.getName()
                + ")(durability=" + durability + "))");
        assertNotNull(storage);
        return storage;
    }

    private Bundle find(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }
}
