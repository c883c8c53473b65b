package org.datafold.apps.internal;

import java.util.function.IntSupplier;

import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;

/**
 * An app the node hosts: its header, its bundle and its identity.
 *
 * @param id           the app id
 * @param name         the display name
 * @param bundleId     the bundle
 * @param symbolicName the bundle's symbolic name
 * @param version      the bundle's version
 * @param publicKey    the app's key (canonical form)
 * @param keySource    {@link #NODE_KEY} or {@link #DECLARED_KEY}
 * @param stats        its call counts
 * @param state        the bundle's current state ({@link org.osgi.framework.Bundle#getState()})
 */
public record App(String id, String name, long bundleId, String symbolicName, String version, String publicKey,
        String keySource, AppStats stats, IntSupplier state) {

    /** {@code keySource} of an app whose key pair the node created and keeps. */
    public static final String NODE_KEY = "node";
    /** {@code keySource} of an app whose key its header declares. */
    public static final String DECLARED_KEY = "declared";

    /** The identity every call of this app carries. */
    Caller caller() {
        return Caller.key(publicKey);
    }

    String fingerprint() {
        return PublicKeys.fingerprint(publicKey);
    }

    /** {@code notes (bundle 42 com.example.notes)}, for logs. */
    String describe() {
        return id + " (bundle " + bundleId + " " + symbolicName + ")";
    }
}
