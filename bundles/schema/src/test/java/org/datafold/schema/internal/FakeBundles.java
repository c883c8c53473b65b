package org.datafold.schema.internal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * Bundles and a bundle context without a framework: just what schema discovery uses (headers,
 * entries, state, bundle listeners).
 */
final class FakeBundles {

    private FakeBundles() {
    }

    /**
     * A bundle with the given manifest headers and entries (entry path, e.g.
     * {@code schemas/Note.json}, to content), in the given state.
     */
    static Bundle bundle(long id, String symbolicName, Map<String, String> headers, Map<String, String> entries,
            int state) {
        Map<String, String> sortedEntries = new TreeMap<>(entries);
        return (Bundle) Proxy.newProxyInstance(FakeBundles.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> symbolicName;
                    case "getBundleId" -> id;
                    case "getState" -> state;
                    case "getHeaders" -> new Hashtable<>(headers);
                    case "findEntries" -> findEntries(id, sortedEntries, (String) args[0], (String) args[1]);
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "bundle " + id + " " + symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Entries directly in {@code folder} whose name matches {@code *<suffix>}, in reverse order. */
    private static Object findEntries(long id, Map<String, String> entries, String folder, String pattern) {
        String prefix = folder.replaceAll("^/+|/+$", "") + "/";
        String suffix = pattern.substring(1);
        List<URL> urls = new ArrayList<>();
        entries.forEach((path, content) -> {
            String rest = path.startsWith(prefix) ? path.substring(prefix.length()) : null;
            if (rest != null && !rest.contains("/") && rest.endsWith(suffix)) {
                urls.add(entryUrl(id, path, content));
            }
        });
        // A framework returns entries in no particular order.
        Collections.reverse(urls);
        return urls.isEmpty() ? null : Collections.enumeration(urls);
    }

    private static URL entryUrl(long id, String path, String content) {
        URLStreamHandler handler = new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL url) {
                return new URLConnection(url) {
                    @Override
                    public void connect() {
                        // The content is in memory.
                    }

                    @Override
                    public InputStream getInputStream() {
                        return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
                    }
                };
            }
        };
        try {
            return new URL("bundle", id + ".0", -1, "/" + path, handler);
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A bundle context listing {@code bundles}, which remembers its bundle listeners. */
    static final class Context {
        final List<Bundle> bundles = new CopyOnWriteArrayList<>();
        final List<BundleListener> listeners = new CopyOnWriteArrayList<>();
        final BundleContext context = (BundleContext) Proxy.newProxyInstance(FakeBundles.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> bundles.toArray(new Bundle[0]);
                    case "addBundleListener" -> listeners.add((BundleListener) args[0]);
                    case "removeBundleListener" -> listeners.remove(args[0]);
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "fake bundle context";
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        /** Installs and resolves a bundle: the framework's bundle event reaches every listener. */
        void resolved(Bundle bundle) {
            bundles.add(bundle);
            for (BundleListener listener : listeners) {
                listener.bundleChanged(new BundleEvent(BundleEvent.RESOLVED, bundle));
            }
        }
    }
}
