package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Packages for platform bundles only ({@code org.datafold.storage.api}, {@code org.datafold.schema.api},
 * {@code org.datafold.json}) are exported with {@code mandatory:=platform}: a bundle that imports one
 * the way an app would (no attribute) does not resolve, the same import with {@code platform=true}
 * does, the node API needs no attribute, and in the running node only platform bundles are wired to
 * them.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformExportsIT {
    private static final List<String> PLATFORM_ONLY = List.of("org.datafold.storage.api",
            "org.datafold.schema.api", "org.datafold.json");

    @Inject
    BundleContext context;

    private static int installed;

    @Configuration
    public Option[] config() {
        return NodeOptions.node("exports");
    }

    @Before
    public void awaitReady() throws InterruptedException {
        Await.ready(context);
    }

    @Test
    public void anAppBundleImportingAPlatformOnlyPackageDoesNotResolve() throws Exception {
        for (String pkg : PLATFORM_ONLY) {
            Bundle app = install(pkg);
            try {
                assertFalse(pkg, frameworkWiring().resolveBundles(List.of(app)));
                assertEquals(pkg, Bundle.INSTALLED, app.getState());
                try {
                    app.start();
                    fail("an app importing " + pkg + " without the attribute must not start");
                } catch (BundleException e) {
                    assertTrue(e.getMessage(), e.getMessage().contains(pkg));
                }
            } finally {
                app.uninstall();
            }
        }
    }

    @Test
    public void theSameImportWithThePlatformAttributeResolves() throws Exception {
        for (String pkg : PLATFORM_ONLY) {
            Bundle platform = install(pkg + ";platform=true");
            try {
                assertTrue(pkg, frameworkWiring().resolveBundles(List.of(platform)));
                List<BundleWire> wires = platform.adapt(BundleWiring.class)
                        .getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
                assertEquals(1, wires.size());
                assertEquals(pkg, wires.get(0).getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE));
            } finally {
                platform.uninstall();
            }
        }
    }

    @Test
    public void theNodeApiNeedsNoAttribute() throws Exception {
        Bundle app = install("org.datafold.api,org.datafold.api.query,org.datafold.api.permission");
        try {
            assertTrue(frameworkWiring().resolveBundles(List.of(app)));
        } finally {
            app.uninstall();
        }
    }

    @Test
    public void onlyPlatformBundlesAreWiredToPlatformOnlyPackages() {
        Map<String, Set<String>> importers = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            BundleWiring wiring = b.adapt(BundleWiring.class);
            if (wiring == null) {
                continue;
            }
            for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                Object pkg = wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                if (PLATFORM_ONLY.contains(pkg)) {
                    assertEquals(b.getSymbolicName() + " is wired to " + pkg, "platform",
                            b.getHeaders("").get("DataFold-Role"));
                    importers.computeIfAbsent((String) pkg, k -> new TreeSet<>()).add(b.getSymbolicName());
                }
            }
        }
        assertTrue(importers.toString(), importers.getOrDefault("org.datafold.storage.api", Set.of())
                .containsAll(Set.of("org.datafold.core", "org.datafold.permissions", "org.datafold.apps")));
        assertTrue(importers.toString(), importers.getOrDefault("org.datafold.schema.api", Set.of())
                .contains("org.datafold.core"));
        assertTrue(importers.toString(), importers.getOrDefault("org.datafold.json", Set.of())
                .contains("org.datafold.transport-uds"));
    }

    private FrameworkWiring frameworkWiring() {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
    }

    /** Installs a bundle without classes whose manifest imports {@code imports}. */
    private Bundle install(String imports) throws IOException, BundleException {
        String name = "it.exports.b" + (++installed);
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        main.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        main.putValue(Constants.IMPORT_PACKAGE, imports);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.flush();
        }
        return context.installBundle("it:" + name, new ByteArrayInputStream(bytes.toByteArray()));
    }
}
