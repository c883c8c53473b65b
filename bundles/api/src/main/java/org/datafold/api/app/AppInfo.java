package org.datafold.api.app;

import java.time.Instant;
import java.util.List;

/**
 * One app bundle as the node sees it.
 *
 * @param id            the app id from the {@code DataFold-App} header
 * @param name          its display name (the id when none is given)
 * @param bundleId      the bundle
 * @param symbolicName  the bundle's symbolic name
 * @param version       the bundle's version
 * @param state         the bundle state ({@code ACTIVE}, {@code RESOLVED}, ...)
 * @param publicKey     the app's identity (standard base64 of the raw Ed25519 key)
 * @param fingerprint   the key's fingerprint ({@code fp:...}), as the logs and {@code perm:keys} show it
 * @param keySource     {@code node} (a pair the node created and keeps) or {@code declared} (from the header)
 * @param trustDistance the key's trust distance, null when the owner has not trusted it
 * @param schemas       the schemas the bundle ships
 * @param outbound      the outbound destinations the owner allows it ({@code host} or {@code *.domain})
 * @param requests      node calls served since it started
 * @param errors        node calls that failed
 * @param lastError     the latest failure ({@code CODE: message}), or null
 * @param lastErrorAt   when it happened, or null
 */
public record AppInfo(String id, String name, long bundleId, String symbolicName, String version, String state,
        String publicKey, String fingerprint, String keySource, Integer trustDistance, List<String> schemas,
        List<String> outbound, long requests, long errors, String lastError, Instant lastErrorAt) {

    public AppInfo {
        schemas = List.copyOf(schemas);
        outbound = List.copyOf(outbound);
    }
}
