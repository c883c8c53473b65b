package org.datafold.mesh.internal;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed generator: the value of a step is the first 8 bytes (big-endian, sign bit cleared) of the
 * HMAC-SHA256 of the step (8 bytes, big-endian) under the mesh secret. Nodes that share the secret
 * agree; an outsider who has seen any number of values cannot compute the next one.
 */
final class HmacGenerator implements PatternGenerator {

    static final String NAME = "hmac";
    static final String ALGORITHM = "HmacSHA256";
    /** The shortest secret accepted. */
    static final int MIN_SECRET_BYTES = 16;

    private final SecretKeySpec key;

    /** @param secret at least {@value #MIN_SECRET_BYTES} bytes; copied */
    HmacGenerator(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the mesh secret must have at least " + MIN_SECRET_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(Arrays.copyOf(secret, secret.length), ALGORITHM);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long value(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("negative step " + step);
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong() & Long.MAX_VALUE;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from the JDK", e);
        }
    }
}
