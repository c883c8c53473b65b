package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.inject.Inject;

import org.datafold.api.FoldNode;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.SchemaState;
import org.junit.Test;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/** A bundle that carries schemas (manifest header DataFold-Schemas) makes them Available, never Approved. */
public class SchemaBundleIT extends NodeTestBase {
    static final String WIDGET = """
            {
              "name": "Widget",
              "schema_type": "Single",
              "payment_config": {"base_multiplier": 1.0, "min_payment_threshold": 0},
              "fields": {"label": %s}
            }
            """.formatted(Gogo.field("Single"));

    @Inject
    FoldNode node;

    @Test
    public void deployedBundleSchemasBecomeAvailable() throws Exception {
        String bsn = "org.datafold.it.widgets";
        CountDownLatch started = new CountDownLatch(1);
        BundleListener listener = e -> {
            if (bsn.equals(e.getBundle().getSymbolicName()) && e.getType() == BundleEvent.STARTED) {
                started.countDown();
            }
        };
        context.addBundleListener(listener);
        try {
            Manifest mf = new Manifest();
            Attributes a = mf.getMainAttributes();
            a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            a.putValue("Bundle-ManifestVersion", "2");
            a.putValue("Bundle-SymbolicName", bsn);
            a.putValue("Bundle-Version", "1.0.0");
            a.putValue("DataFold-Schemas", "schemas");
            Path deploy = Path.of(System.getProperty("datafold.home"), "deploy");
            Path tmp = deploy.resolve("widgets.jar.tmp");
            try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out, mf)) {
                jar.putNextEntry(new JarEntry("schemas/"));
                jar.closeEntry();
                jar.putNextEntry(new JarEntry("schemas/Widget.json"));
                jar.write(WIDGET.getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
            Files.move(tmp, deploy.resolve("widgets.jar"), StandardCopyOption.ATOMIC_MOVE);
            // Bundle listeners run after the synchronous listener of the schema registry's tracker.
            assertTrue("bundle started", started.await(60, TimeUnit.SECONDS));
        } finally {
            context.removeBundleListener(listener);
        }
        assertEquals(SchemaState.AVAILABLE, node.schema("Widget").state());
        assertTrue(node.schema("Widget").source(), node.schema("Widget").source().contains(bsn));
        DiscoveryReport report = node.discover();
        assertTrue(report.toString(), report.entries().stream()
                .anyMatch(e -> "Widget".equals(e.name()) && e.source().contains(bsn)));
        assertEquals("discovery never approves", SchemaState.AVAILABLE, node.schema("Widget").state());
    }
}
