package org.datafold.mesh.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Arrays;

import org.datafold.api.permission.PublicKeys;

/**
 * The owner's key pair as the mesh signs with it: read from {@code owner.key} / {@code owner.pub} in
 * the data directory, where the permissions bundle created them. The private key stays in memory
 * and is never logged or returned by the mesh's services.
 */
final class OwnerSigner {

    private OwnerSigner() {
    }

    /**
     * Loads the owner's private key and checks it belongs to {@code expectedPublicKey}.
     *
     * @throws IOException              when the files cannot be read
     * @throws IllegalArgumentException when they are not the owner's key pair
     */
    static PrivateKey load(Path dataDirectory, String expectedPublicKey) throws IOException {
        byte[] encoded = Files.readAllBytes(dataDirectory.resolve("owner.key"));
        PrivateKey key;
        try {
            key = PublicKeys.privateKey(encoded);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
        String pub = PublicKeys.normalize(Files.readString(dataDirectory.resolve("owner.pub"), StandardCharsets.US_ASCII)
                .strip());
        if (!pub.equals(PublicKeys.normalize(expectedPublicKey))
                || !PublicKeys.matches(key, PublicKeys.publicKey(pub))) {
            throw new IllegalArgumentException("the owner key files in " + dataDirectory
                    + " do not belong to the node's owner key");
        }
        return key;
    }
}
