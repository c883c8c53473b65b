package org.datafold.api.permission;

import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.support.keys.Ed25519Keys;

/**
 * Identities and their keys, in one place: the text form of an identity (the standard base64 of the
 * raw 32-byte Ed25519 public key, optionally prefixed {@code ed25519:}), its canonical form and
 * fingerprint, the conversion between raw keys and the X.509 SubjectPublicKeyInfo the JDK uses, key
 * pairs, and Ed25519 signatures of any message (the socket's authentication, the mesh's messages).
 *
 * <p>Malformed keys are {@link FoldException}s with {@link ErrorCode#INVALID_ARGUMENT}; the messages
 * never contain key material.
 */
public final class PublicKeys {

    /** The optional prefix of the text form. */
    public static final String PREFIX = Ed25519Keys.PREFIX;
    /** The JDK's name of the algorithm of every key (key factory, key pair generator, signature). */
    public static final String ALGORITHM = Ed25519Keys.ALGORITHM;
    /** Bytes of a raw public key. */
    public static final int KEY_BYTES = Ed25519Keys.KEY_BYTES;
    /** Bytes of a signature. */
    public static final int SIGNATURE_BYTES = Ed25519Keys.SIGNATURE_BYTES;

    private PublicKeys() {
    }

    /**
     * The canonical form of a key: base64 without the prefix.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not the base64 of 32 bytes
     */
    public static String normalize(String key) {
        return Ed25519Keys.encode(decode(key));
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
        try {
            return Ed25519Keys.decode(key);
        } catch (IllegalArgumentException e) {
            throw invalid(e, Map.of("length", key == null ? 0 : key.length()));
        }
    }

    /**
     * The canonical form of a raw key.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it does not have 32 bytes
     * @since 1.1
     */
    public static String encode(byte[] raw) {
        try {
            return Ed25519Keys.encode(raw);
        } catch (IllegalArgumentException e) {
            throw invalid(e, Map.of("bytes", raw == null ? 0 : raw.length));
        }
    }

    /**
     * The canonical form of a JDK public key (as {@link KeyPair#getPublic()} gives it).
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not an Ed25519 key
     * @since 1.1
     */
    public static String of(PublicKey key) {
        return encode(fromX509(key.getEncoded()));
    }

    /**
     * The X.509 SubjectPublicKeyInfo (DER) of a key, as {@link java.security.spec.X509EncodedKeySpec}
     * reads it.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not the base64 of 32 bytes
     * @since 1.1
     */
    public static byte[] toX509(String key) {
        return Ed25519Keys.toX509(decode(key));
    }

    /**
     * The raw key of an Ed25519 X.509 SubjectPublicKeyInfo (DER), as {@link PublicKey#getEncoded()}
     * gives it.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not the encoding of an Ed25519 key
     * @since 1.1
     */
    public static byte[] fromX509(byte[] der) {
        try {
            return Ed25519Keys.fromX509(der);
        } catch (IllegalArgumentException e) {
            throw invalid(e, Map.of("bytes", der == null ? 0 : der.length));
        }
    }

    /**
     * The JDK public key of a key in the text form.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not a valid key
     * @since 1.1
     */
    public static PublicKey publicKey(String key) {
        try {
            return Ed25519Keys.publicKey(decode(key));
        } catch (IllegalArgumentException e) {
            throw invalid(e, Map.of());
        }
    }

    /**
     * The JDK private key of a PKCS#8 (DER) encoding, as {@link PrivateKey#getEncoded()} gives it.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when it is not an Ed25519 private key
     * @since 1.1
     */
    public static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return Ed25519Keys.privateKey(pkcs8);
        } catch (IllegalArgumentException e) {
            throw invalid(e, Map.of());
        }
    }

    /**
     * A new random Ed25519 key pair; {@link #of(PublicKey)} gives the text form of its public key.
     *
     * @since 1.1
     */
    public static KeyPair generate() {
        return Ed25519Keys.generate();
    }

    /**
     * The Ed25519 signature ({@value #SIGNATURE_BYTES} bytes) of a message.
     *
     * @throws FoldException {@code INVALID_ARGUMENT} when the key is not an Ed25519 private key
     * @since 1.1
     */
    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            return Ed25519Keys.sign(key, message);
        } catch (IllegalArgumentException e) {
            throw invalid(e, Map.of());
        }
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code key} (the
     * text form). False, never an exception, for a malformed key or signature.
     *
     * @since 1.1
     */
    public static boolean verify(String key, byte[] message, byte[] signature) {
        return isKey(key) && Ed25519Keys.verify(decode(key), message, signature);
    }

    /**
     * Whether the halves of a key pair belong together (a probe signed with the private key verifies
     * with the public one).
     *
     * @since 1.1
     */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        return Ed25519Keys.matches(privateKey, publicKey);
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

    private static FoldException invalid(IllegalArgumentException e, Map<String, ?> context) {
        return new FoldException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), context, null);
    }
}
