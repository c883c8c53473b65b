package org.datafold.support.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys as DataFold writes them, with the JDK's crypto only: the text form (the standard
 * base64 of the raw 32-byte public key, optionally prefixed {@value #PREFIX}), the conversion between
 * the raw key and the X.509 SubjectPublicKeyInfo the JDK reads and writes, key pairs, and signatures
 * of any message.
 *
 * <p>The one implementation of these rules: the API's {@code PublicKeys} (for platform bundles) and
 * the client copy this package in. Malformed input is an {@link IllegalArgumentException} whose
 * message never contains key material; a JDK without Ed25519 is an {@link IllegalStateException}.
 */
public final class Ed25519Keys {
    /** The JDK's name of the algorithm (key factory, key pair generator, signature). */
    public static final String ALGORITHM = "Ed25519";
    /** The optional prefix of the text form. */
    public static final String PREFIX = "ed25519:";
    /** Bytes of a raw public key. */
    public static final int KEY_BYTES = 32;
    /** Bytes of a signature. */
    public static final int SIGNATURE_BYTES = 64;

    /** The DER of a SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112) up to the 32 raw key bytes. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private Ed25519Keys() {
    }

    /**
     * The raw 32 bytes of a key in the text form.
     *
     * @throws IllegalArgumentException when it is blank, not standard base64 or not 32 bytes
     */
    public static byte[] decode(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a public key must not be blank");
        }
        String t = text.strip();
        if (t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            t = t.substring(PREFIX.length());
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a public key must be the standard base64 of a 32-byte Ed25519 key"
                    + " (optionally prefixed " + PREFIX + ")");
        }
        checkLength(raw);
        return raw;
    }

    /**
     * The canonical text form of a raw key: standard base64, without the prefix.
     *
     * @throws IllegalArgumentException when it is not 32 bytes
     */
    public static String encode(byte[] raw) {
        checkLength(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    /**
     * The X.509 SubjectPublicKeyInfo (DER) of a raw key, as {@link X509EncodedKeySpec} reads it.
     *
     * @throws IllegalArgumentException when it is not 32 bytes
     */
    public static byte[] toX509(byte[] raw) {
        checkLength(raw);
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + KEY_BYTES);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, KEY_BYTES);
        return der;
    }

    /**
     * The raw key of an Ed25519 X.509 SubjectPublicKeyInfo (DER), as {@link PublicKey#getEncoded()}
     * gives it.
     *
     * @throws IllegalArgumentException when it is not the SubjectPublicKeyInfo of an Ed25519 key
     */
    public static byte[] fromX509(byte[] der) {
        if (der == null || der.length != X509_PREFIX.length + KEY_BYTES
                || !Arrays.equals(der, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
            throw new IllegalArgumentException("not the X.509 encoding of an Ed25519 public key");
        }
        return Arrays.copyOfRange(der, X509_PREFIX.length, der.length);
    }

    /**
     * The raw key of a JDK public key.
     *
     * @throws IllegalArgumentException when it is not an Ed25519 key
     */
    public static byte[] raw(PublicKey key) {
        return fromX509(key.getEncoded());
    }

    /**
     * The JDK public key of a raw key.
     *
     * @throws IllegalArgumentException when it is not 32 bytes or the JDK refuses it
     */
    public static PublicKey publicKey(byte[] raw) {
        try {
            return factory().generatePublic(new X509EncodedKeySpec(toX509(raw)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid Ed25519 public key: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The JDK private key of a PKCS#8 (DER) encoding.
     *
     * @throws IllegalArgumentException when it is not an Ed25519 private key
     */
    public static PrivateKey privateKey(byte[] pkcs8) {
        try {
            return factory().generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid Ed25519 private key: " + e.getClass().getSimpleName());
        }
    }

    /** A new random key pair. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    /**
     * The signature of a message.
     *
     * @throws IllegalArgumentException when the key is not an Ed25519 private key
     */
    public static byte[] sign(PrivateKey key, byte[] message) {
        Signature signer = signature();
        try {
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Whether {@code signature} is a valid signature of {@code message} by the raw public key
     * {@code raw}. False, never an exception, for a key or a signature of the wrong length, a key the
     * JDK refuses or a signature that does not verify.
     */
    public static boolean verify(byte[] raw, byte[] message, byte[] signature) {
        if (raw == null || raw.length != KEY_BYTES || signature == null || signature.length != SIGNATURE_BYTES
                || message == null) {
            return false;
        }
        try {
            Signature verifier = signature();
            verifier.initVerify(publicKey(raw));
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether the halves of a pair belong together: a probe signed with one verifies with the other. */
    public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        byte[] probe = "datafold key pair check".getBytes(StandardCharsets.US_ASCII);
        try {
            return verify(raw(publicKey), probe, sign(privateKey, probe));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkLength(byte[] raw) {
        if (raw == null || raw.length != KEY_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key has " + KEY_BYTES + " bytes, this one has "
                    + (raw == null ? 0 : raw.length));
        }
    }

    private static KeyFactory factory() {
        try {
            return KeyFactory.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    private static Signature signature() {
        try {
            return Signature.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }
}
