package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.app.AppInfo;
import org.datafold.api.app.Apps;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldChange;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.schema.SchemaState;
import org.datafold.api.transform.Transform;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.Transforms;
import org.junit.After;
import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The example bundles ({@code examples/sample-app}, {@code examples/sample-transform}) deployed
 * through the real {@code deploy/} folder: an app acts as its own identity and is refused until
 * the owner trusts its key; a Java transform computes its output, goes away with its bundle and
 * comes back changed with a new version. No platform bundle moves meanwhile.
 *
 * <p>The jars are the modules' build output; the failsafe configuration passes their paths as
 * {@code datafold.it.example.app} and {@code datafold.it.example.transform}.
 */
// One framework for the class: the app test (a) must see the journal app as new (schema Available,
// key untrusted), so the tests run in name order, and it comes first.
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ExamplesIT extends NodeTestBase {
    private static final long TIMEOUT_S = Await.TIMEOUT_MS / 1000;
    private static final String APP_BSN = "org.datafold.examples-sample-app";
    private static final String TRANSFORM_BSN = "org.datafold.examples-sample-transform";
    private static final String TRANSFORM_ID = "sample.fahrenheit";
    private static final String TRANSFORM_SOURCE = "transform:" + TRANSFORM_ID;
    /** A schema of the owner's, written and read while an app comes and goes. */
    private static final String MEMO = """
            {"name": "Memo", "fields": {"body": {"field_type": "Single",
              "permission_policy": {"read_policy": {"Distance": 0}, "write_policy": {"Distance": 0}},
              "payment_config": {"base_multiplier": 1.0, "trust_distance_scaling": "None", "min_payment": null},
              "field_mappers": {}, "transform": null, "writable": true}},
             "payment_config": {"base_multiplier": 1.0, "min_payment_threshold": 0}}""";

    @Inject
    FoldNode node;

    @Inject
    CommandProcessor processor;

    /** Platform bundles (header DataFold-Role: platform) by id, recorded before each test. */
    private Map<Long, String> platform;
    /** Any lifecycle event of a platform bundle during the test. */
    private final List<String> platformEvents = new CopyOnWriteArrayList<>();
    private BundleListener platformListener;

    @Before
    public void recordPlatform() throws InterruptedException {
        platform = platformBundles();
        assertFalse("platform bundles found", platform.isEmpty());
        platformListener = e -> {
            Bundle b = e.getBundle();
            if (platform.containsKey(b.getBundleId())) {
                platformEvents.add(b.getSymbolicName() + " " + e.getType());
            }
        };
        context.addBundleListener(platformListener);
    }

    @After
    public void stopListening() {
        context.removeBundleListener(platformListener);
    }

    // ---------------------------------------------------------------------------------------------
    // (a) the journal app

    @Test
    public void appActsAsItsOwnKeyAndIsDeniedUntilTheOwnerTrustsIt() throws Exception {
        Bundle app = deploy(jar("datafold.it.example.app"), "sample-app.jar", APP_BSN);
        assertEquals(Bundle.ACTIVE, app.getState());
        assertNotNull("journal commands registered (the app's FoldNode reference is satisfied)",
                Await.service(context, "(osgi.command.scope=journal)"));

        assertEquals("the schema the app ships is Available", SchemaState.AVAILABLE, node.schema("Journal").state());
        assertTrue(node.schema("Journal").source(), node.schema("Journal").source().contains(APP_BSN));
        assertEquals(SchemaState.APPROVED, node.approve("Journal").state());

        String denied = Gogo.run(processor, "journal:write first-entry \"dear diary\"");
        assertTrue(denied, denied.contains("ERROR " + ErrorCode.PERMISSION_DENIED + ":"));
        String unreadable = Gogo.run(processor, "journal:read");
        assertFalse("an untrusted app reads nothing of Journal: " + unreadable, unreadable.contains("dear diary"));
        assertEquals("the denied write left nothing", List.of(),
                node.query(Caller.localOwner(), Query.of("Journal", List.of("text"))).rows());

        Apps apps = (Apps) Await.service(context, "(objectClass=" + Apps.class.getName() + ")");
        assertNotNull("the Apps service", apps);
        AppInfo info = apps.get("journal");
        assertEquals("Journal", info.name());
        assertEquals(app.getBundleId(), info.bundleId());
        assertEquals(List.of("Journal"), info.schemas());
        assertNull("the app's key is not trusted yet", info.trustDistance());
        String key = info.publicKey();
        assertNotNull(key);

        String trusted = Gogo.run(processor, "perm:trust \"" + key + "\" 1");
        assertTrue(trusted, trusted.contains("distance 1"));
        assertEquals(Integer.valueOf(1), apps.get("journal").trustDistance());

        String written = Gogo.run(processor, "journal:write first-entry \"dear diary\"");
        assertFalse(written, written.contains("ERROR"));
        assertTrue(written, written.startsWith("written first-entry"));
        String read = Gogo.run(processor, "journal:read first-entry");
        assertTrue(read, read.startsWith("first-entry ") && read.contains("dear diary"));

        List<AtomVersion> history = node.history(Caller.localOwner(), "Journal", "text", "first-entry", 10);
        assertEquals(1, history.size());
        assertEquals("dear diary", history.get(0).content());
        assertNotEquals("written as the app, not as the owner", "owner", history.get(0).sourceKey());
        assertEquals("the atom's source is the app's key", bare(key), bare(history.get(0).sourceKey()));

        assertPlatformUntouched();
    }

    // ---------------------------------------------------------------------------------------------
    // (b) the Fahrenheit transform

    @Test
    public void transformRunsStopsWithItsBundleAndChangesWithANewVersion() throws Exception {
        BlockingQueue<Event> changes = new LinkedBlockingQueue<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, FieldChange.TOPIC);
        props.put(EventConstants.EVENT_FILTER, "(" + FieldChange.SCHEMA + "=Temperature)");
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, changes::add, props);
        try {
            Path v1 = jar("datafold.it.example.transform");
            Bundle bundle = deploy(v1, "sample-transform.jar", TRANSFORM_BSN);
            assertEquals(Bundle.ACTIVE, bundle.getState());
            assertNotNull("Transform service registered", transformService());

            assertEquals(SchemaState.AVAILABLE, node.schema("Temperature").state());
            assertEquals(SchemaState.APPROVED, node.approve("Temperature").state());

            // v1 keeps one decimal: 21.5 C = 70.7 F
            writeCelsius(21.5);
            awaitFahrenheit(changes, "70.7");
            AtomVersion latest = node.history(Caller.localOwner(), "Temperature", "fahrenheit", null, 1).get(0);
            assertEquals("written by the transform", TRANSFORM_SOURCE, latest.sourceKey());
            Transforms transforms = (Transforms) Await.service(context,
                    "(objectClass=" + Transforms.class.getName() + ")");
            assertNotNull("the Transforms service", transforms);
            TransformInfo info = transforms.get(TRANSFORM_ID);
            assertEquals(TransformInfo.Kind.JAVA, info.kind());
            assertEquals(TransformInfo.State.ACTIVE, info.state());
            assertEquals(List.of("Temperature.celsius"), info.inputs());
            assertEquals("Temperature.fahrenheit", info.output());
            assertTrue(info.provider(), info.provider().contains(TRANSFORM_BSN));
            assertTrue("runs: " + info.runs(), info.runs() >= 1);
            String listed = Gogo.run(processor, "fold:transforms");
            assertTrue(listed, listed.contains(TRANSFORM_ID));

            // the output refuses direct writes, from the owner too
            FoldException refused = assertThrows(() -> node.mutate(Caller.localOwner(),
                    new Mutation("Temperature", Mutation.Type.CREATE, Map.of("fahrenheit", 1))));
            assertEquals(refused.describe(), ErrorCode.FIELD_NOT_WRITABLE, refused.code());

            // undeploy: the service goes, and a new input no longer changes the output
            CountDownLatch unregistered = new CountDownLatch(1);
            ServiceListener gone = e -> {
                if (e.getType() == ServiceEvent.UNREGISTERING) {
                    unregistered.countDown();
                }
            };
            context.addServiceListener(gone, transformFilter());
            CountDownLatch uninstalled = bundleEvent(TRANSFORM_BSN, BundleEvent.UNINSTALLED);
            try {
                Files.delete(deployDir().resolve("sample-transform.jar"));
                assertTrue("Transform service unregistered", unregistered.await(TIMEOUT_S, TimeUnit.SECONDS));
                assertTrue("bundle uninstalled", uninstalled.await(TIMEOUT_S, TimeUnit.SECONDS));
            } finally {
                context.removeServiceListener(gone);
            }
            changes.clear();
            writeCelsius(30);
            // The commit's own event is the signal that the write went through; no run may follow it.
            awaitChange(changes, "celsius");
            assertTrue("no transform left for " + TRANSFORM_ID + ": " + transforms.list(), transforms.list().stream()
                    .noneMatch(t -> TRANSFORM_ID.equals(t.id()) && t.state() == TransformInfo.State.ACTIVE));
            assertEquals("fahrenheit unchanged without the transform", 0,
                    new BigDecimal("70.7").compareTo(decimal(fahrenheit())));
            assertTrue("no output written: " + changes, changes.stream()
                    .noneMatch(e -> "fahrenheit".equals(e.getProperty(FieldChange.FIELD))));

            // version 2 rounds to whole degrees: 22.3 C = 72.14 F -> 72 (v1 would write 72.1)
            Path v2 = version2(v1);
            Bundle updated = deploy(v2, "sample-transform.jar", TRANSFORM_BSN);
            assertEquals("v2", updated.getVersion().getQualifier());
            assertNotNull("Transform service registered again", transformService());
            writeCelsius(22.3);
            BigDecimal whole = awaitFahrenheit(changes, "72", "72.1");
            assertEquals("v2 writes whole degrees, was " + whole, 0, new BigDecimal("72").compareTo(whole));
            assertEquals(TRANSFORM_SOURCE,
                    node.history(Caller.localOwner(), "Temperature", "fahrenheit", null, 1).get(0).sourceKey());
            assertTrue(transforms.get(TRANSFORM_ID).provider(),
                    transforms.get(TRANSFORM_ID).provider().contains(updated.getVersion().toString()));
        } finally {
            handler.unregister();
        }
        assertPlatformUntouched();
    }

    // ---------------------------------------------------------------------------------------------
    // (d) outbound access through the node, allowed by the owner per app

    @Test
    public void theAppReachesTheNetworkOnlyWhereTheOwnerAllowsIt() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger served = new AtomicInteger();
            Thread server = new Thread(() -> serveOnePage(http, served), "local-http");
            server.setDaemon(true);
            server.start();
            trustedApp();
            String url = "http://127.0.0.1:" + http.getLocalPort() + "/page";

            // By default plain http is refused, and so is every destination.
            String refused = Gogo.run(processor, "journal:clip clip-1 " + url);
            assertTrue(refused, refused.contains("ERROR " + ErrorCode.INVALID_ARGUMENT + ": plain http is refused"));

            Path cfg = Path.of(System.getProperty("datafold.home"), "etc", "org.datafold.apps.cfg");
            String original = Files.readString(cfg);
            Apps apps = (Apps) Await.service(context, "(objectClass=" + Apps.class.getName() + ")");
            try {
                String httpAllowed = original.replaceFirst("(?m)^outbound_allow_http =.*$", "outbound_allow_http = true");
                Files.writeString(cfg, httpAllowed);
                // FileInstall applies the file within its poll interval; until then http stays refused.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
                String denied = refused;
                while (denied.contains(ErrorCode.INVALID_ARGUMENT.name())) {
                    assertTrue("outbound_allow_http applied", System.nanoTime() < deadline);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    denied = Gogo.run(processor, "journal:clip clip-1 " + url);
                }
                assertTrue(denied, denied.contains("ERROR " + ErrorCode.PERMISSION_DENIED + ":"));
                assertEquals("nothing left the node", 0, served.get());

                Files.writeString(cfg, httpAllowed.replaceFirst("(?m)^outbound_allow =.*$",
                        "outbound_allow = journal=127.0.0.1"));
                while (!apps.get("journal").outbound().contains("127.0.0.1")) {
                    assertTrue("the outbound rule is applied", System.nanoTime() < deadline);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                String clipped = Gogo.run(processor, "journal:clip clip-1 " + url);
                assertTrue(clipped, clipped.startsWith("written clip-1"));
                assertEquals(1, served.get());
                String read = Gogo.run(processor, "journal:read clip-1");
                assertTrue(read, read.contains("hello from outside"));
            } finally {
                Files.writeString(cfg, original);
            }
        }
    }

    /** Deploys the journal app unless it is there, approves its schema and trusts its key (distance 1). */
    private void trustedApp() throws Exception {
        boolean deployed = false;
        for (Bundle b : context.getBundles()) {
            deployed |= APP_BSN.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE;
        }
        if (!deployed) {
            deploy(jar("datafold.it.example.app"), "sample-app.jar", APP_BSN);
        }
        assertNotNull(Await.service(context, "(osgi.command.scope=journal)"));
        if (node.schema("Journal").state() != SchemaState.APPROVED) {
            node.approve("Journal");
        }
        Apps apps = (Apps) Await.service(context, "(objectClass=" + Apps.class.getName() + ")");
        String trusted = Gogo.run(processor, "perm:trust \"" + apps.get("journal").publicKey() + "\" 1");
        assertTrue(trusted, trusted.contains("distance 1"));
    }

    /** A one-page HTTP/1.1 server on a plain socket: answers every request with the same text. */
    private static void serveOnePage(ServerSocket server, AtomicInteger served) {
        byte[] body = "hello from outside".getBytes(StandardCharsets.UTF_8);
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String line;
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    // the request line and headers
                }
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                out.flush();
                served.incrementAndGet();
            } catch (IOException e) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // (c) other callers are not disturbed

    @Test
    public void deployingAndRemovingAnAppDisturbsNoOtherCaller() throws Exception {
        node.loadSchema(MEMO, "test");
        node.approve("Memo");
        node.mutate(Caller.localOwner(), new Mutation("Memo", Mutation.Type.CREATE, Map.of("body", "start")));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong served = new AtomicLong();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            for (long i = 0; !stop.get(); i++) {
                try {
                    node.mutate(Caller.localOwner(), new Mutation("Memo", Mutation.Type.UPDATE, Map.of("body", "n" + i)));
                    FieldOutcome body = node.query(Caller.localOwner(), Query.of("Memo", List.of("body"))).rows().get(0)
                            .fields().get("body");
                    assertEquals(FieldOutcome.Status.OK, body.status());
                    served.incrementAndGet();
                    running.countDown();
                } catch (Throwable e) {
                    errors.add(e);
                }
            }
        }, "other-caller");
        caller.start();
        try {
            assertTrue("the other caller is served", running.await(TIMEOUT_S, TimeUnit.SECONDS));
            Path jar = jar("datafold.it.example.app");
            if (Files.exists(deployDir().resolve("sample-app.jar"))) {
                undeploy("sample-app.jar", APP_BSN);
            }
            for (int round = 0; round < 2; round++) {
                deploy(jar, "sample-app.jar", APP_BSN);
                assertNotNull("the app's components are active", Await.service(context, "(osgi.command.scope=journal)"));
                undeploy("sample-app.jar", APP_BSN);
                assertNull("the app's commands went with it",
                        context.getServiceReferences((String) null, "(osgi.command.scope=journal)"));
            }
        } finally {
            stop.set(true);
            caller.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        }
        assertTrue("calls of another caller failed while the app came and went: " + errors, errors.isEmpty());
        assertTrue("served: " + served.get(), served.get() > 0);
        assertPlatformUntouched();
    }

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** Deletes a jar from deploy/ and waits until its bundle is uninstalled. */
    private void undeploy(String name, String bsn) throws Exception {
        CountDownLatch uninstalled = bundleEvent(bsn, BundleEvent.UNINSTALLED);
        Files.delete(deployDir().resolve(name));
        assertTrue(bsn + " uninstalled", uninstalled.await(TIMEOUT_S, TimeUnit.SECONDS));
    }

    private static Path deployDir() {
        return Path.of(System.getProperty("datafold.home")).resolve("deploy");
    }

    /** The built jar of an example, named by a system property of the failsafe configuration. */
    private static Path jar(String property) {
        String path = System.getProperty(property);
        assertNotNull("system property " + property + " (set by itests/pom.xml)", path);
        Path jar = Path.of(path);
        assertTrue("built: " + jar, Files.isRegularFile(jar));
        return jar;
    }

    /** Copies a jar into deploy/ (under a temporary name, then renamed) and waits until it started. */
    private Bundle deploy(Path jar, String name, String bsn) throws Exception {
        CountDownLatch started = bundleEvent(bsn, BundleEvent.STARTED);
        Path tmp = deployDir().resolve(name + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, deployDir().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(bsn + " started from deploy/", started.await(TIMEOUT_S, TimeUnit.SECONDS));
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " not installed");
    }

    /** A latch released by the next event of that type for the bundle (the listener removes itself). */
    private CountDownLatch bundleEvent(String bsn, int type) {
        CountDownLatch latch = new CountDownLatch(1);
        context.addBundleListener(new BundleListener() {
            @Override
            public void bundleChanged(BundleEvent e) {
                if (e.getType() == type && bsn.equals(e.getBundle().getSymbolicName())) {
                    latch.countDown();
                    context.removeBundleListener(this);
                }
            }
        });
        return latch;
    }

    private static String transformFilter() {
        return "(&(objectClass=" + Transform.class.getName() + ")(" + Transform.ID_PROPERTY + "=" + TRANSFORM_ID + "))";
    }

    private Object transformService() throws InterruptedException {
        return Await.service(context, transformFilter());
    }

    /**
     * The v2 of the transform bundle: the built jar with {@code sample-transform.properties}
     * rewritten to {@code decimals=0} and the micro version raised (qualifier {@code v2}).
     */
    private static Path version2(Path v1) throws IOException {
        Path v2 = Files.createTempFile(Path.of(System.getProperty("datafold.home")), "sample-transform-v2-", ".jar");
        try (InputStream raw = Files.newInputStream(v1); JarInputStream in = new JarInputStream(raw)) {
            Manifest mf = new Manifest(in.getManifest());
            Attributes main = mf.getMainAttributes();
            Version version = Version.parseVersion(main.getValue("Bundle-Version"));
            main.putValue("Bundle-Version",
                    new Version(version.getMajor(), version.getMinor(), version.getMicro() + 1, "v2").toString());
            boolean rewritten = false;
            try (OutputStream file = Files.newOutputStream(v2); JarOutputStream out = new JarOutputStream(file, mf)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    if (e.getName().equals("sample-transform.properties")) {
                        out.write("decimals=0\n".getBytes(StandardCharsets.ISO_8859_1));
                        rewritten = true;
                    } else {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            assertTrue("the v1 jar has sample-transform.properties", rewritten);
        }
        return v2;
    }

    private void writeCelsius(double celsius) {
        node.mutate(Caller.localOwner(), new Mutation("Temperature", Mutation.Type.CREATE, Map.of("celsius", celsius)));
    }

    private Object fahrenheit() {
        FieldOutcome outcome = node.query(Caller.localOwner(), Query.of("Temperature", List.of("fahrenheit")))
                .rows().get(0).fields().get("fahrenheit");
        assertEquals(outcome.toString(), FieldOutcome.Status.OK, outcome.status());
        return outcome.value();
    }

    private static BigDecimal decimal(Object value) {
        assertTrue("a number: " + value, value instanceof Number);
        return new BigDecimal(value.toString());
    }

    /**
     * Waits for transform writes of fahrenheit until it holds one of the expected values (the
     * outputs of either version for the latest input; earlier outputs may come first) and returns it.
     */
    private BigDecimal awaitFahrenheit(BlockingQueue<Event> changes, String... expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        List<String> seen = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            Event e = left > 0 ? changes.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                fail("Temperature.fahrenheit written by " + TRANSFORM_SOURCE + " within " + TIMEOUT_S + " s; saw "
                        + seen);
            }
            seen.add(e.getProperty(FieldChange.FIELD) + " by " + e.getProperty(FieldChange.SOURCE));
            if ("fahrenheit".equals(e.getProperty(FieldChange.FIELD))) {
                assertEquals(TRANSFORM_SOURCE, e.getProperty(FieldChange.SOURCE));
                BigDecimal value = decimal(fahrenheit());
                for (String x : expected) {
                    if (value.compareTo(new BigDecimal(x)) == 0) {
                        return value;
                    }
                }
                seen.add("value " + value);
            }
        }
    }

    private static void awaitChange(BlockingQueue<Event> changes, String field) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        List<Event> other = new ArrayList<>();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Event e = left > 0 ? changes.poll(left, TimeUnit.NANOSECONDS) : null;
                assertNotNull("a change of Temperature." + field + " within " + TIMEOUT_S + " s", e);
                if (field.equals(e.getProperty(FieldChange.FIELD))) {
                    return;
                }
                other.add(e);
            }
        } finally {
            changes.addAll(other);
        }
    }

    private static FoldException assertThrows(Runnable call) {
        try {
            call.run();
        } catch (FoldException e) {
            return e;
        }
        throw new AssertionError("expected a FoldException");
    }

    /** A key without the optional {@code ed25519:} prefix. */
    private static String bare(String key) {
        return key.startsWith("ed25519:") ? key.substring("ed25519:".length()) : key;
    }

    private Map<Long, String> platformBundles() {
        Map<Long, String> out = new TreeMap<>();
        for (Bundle b : context.getBundles()) {
            if ("platform".equals(b.getHeaders("").get("DataFold-Role"))) {
                assertEquals(b.getSymbolicName() + " is active", Bundle.ACTIVE, b.getState());
                out.put(b.getBundleId(), b.getSymbolicName());
            }
        }
        return out;
    }

    /** Every platform bundle kept its id and stayed ACTIVE; none was stopped, refreshed or re-resolved. */
    private void assertPlatformUntouched() {
        assertEquals("platform bundles (id -> name)", platform, platformBundles());
        assertEquals("no platform bundle event", List.of(), platformEvents);
    }
}
