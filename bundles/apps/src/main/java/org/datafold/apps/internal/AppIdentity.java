package org.datafold.apps.internal;

import java.time.Instant;

/**
 * The key pair the node keeps for an app id that declares no key (repository {@code apps.identities},
 * keyed by app id). Kept when the app is removed, so that the same id gets the same identity back.
 *
 * @param appId      the app id
 * @param publicKey  the raw Ed25519 public key, standard base64
 * @param privateKey the private key, PKCS#8 (DER), standard base64; never logged or shown
 * @param createdAt  when the node created it
 */
record AppIdentity(String appId, String publicKey, String privateKey, Instant createdAt) {

    @Override
    public String toString() {
        return "AppIdentity[appId=" + appId + ", publicKey=" + org.datafold.api.permission.PublicKeys.fingerprint(publicKey)
                + ", createdAt=" + createdAt + "]";
    }
}
