package org.datafold.api.permission;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;

/**
 * The text form of identities: the standard base64 of the raw 32-byte Ed25519 public key,
 * optionally prefixed {@code ed25519:}.
 */
public final class PublicKeys {

    /** The optional prefix of the text form. */
    public static final String PREFIX = "ed25519:";

    private static final int KEY_BYTES = 32;

    private PublicKeys() {
    }

    /**
     * The canonical form of a key: base64 without the prefix.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not the base64 of 32 bytes
     */
    public static String normalize(String key) {
        byte[] raw = decode(key);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** Whether the text is a valid key. */
    public static boolean isKey(String text) {
        try {
            decode(text);
            return true;
        } catch (FoldException e) {
            return false;
        }
    }

    /**
     * The raw 32 bytes of a key.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not the base64 of 32 bytes
     */
    public static byte[] decode(String key) {
        if (key == null || key.isBlank()) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "a public key must not be blank");
        }
        String text = key.strip();
        if (text.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            text = text.substring(PREFIX.length());
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT,
                    "a public key must be the standard base64 of a 32-byte Ed25519 key (optionally prefixed "
                            + PREFIX + ")", Map.of("length", key.length()), null);
        }
        if (raw.length != KEY_BYTES) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "an Ed25519 public key has 32 bytes, this one has "
                    + raw.length, Map.of("bytes", raw.length), null);
        }
        return raw;
    }

    /**
     * A short, non-secret fingerprint of a key for logs and listings: {@code fp:} and the first 16 hex
     * digits of the SHA-256 of the raw key. Invalid keys get {@code fp:invalid}.
     */
    public static String fingerprint(String key) {
        byte[] raw;
        try {
            raw = decode(key);
        } catch (FoldException e) {
            return "fp:invalid";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return "fp:" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
