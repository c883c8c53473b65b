package org.datafold.storage.internal.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens stored values with AES-256-GCM (the JDK's provider). A sealed value is
 * {@code [FORMAT][12-byte nonce][ciphertext and 16-byte tag]}; the nonce is fresh and random for
 * every value, and the associated data binds it to its repository and record key, so a value
 * copied onto another key (or into another repository) fails authentication.
 *
 * <p>The first byte tells sealed values from plain ones: plain values are JSON, whose first byte
 * is never {@value #FORMAT}.
 */
public final class ValueCipher {

    /** The first byte of a sealed value (format version 1). */
    public static final byte FORMAT = 0x01;
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;
    private static final byte[] DOMAIN = "datafold.value.v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(ValueCipher::newCipher);

    ValueCipher(byte[] dataKey) {
        if (dataKey.length != 32) {
            throw new IllegalArgumentException("the data key must be 32 bytes");
        }
        this.key = new SecretKeySpec(dataKey, "AES");
    }

    /** Whether {@code value} starts like a sealed value. */
    public static boolean isSealed(byte[] value) {
        return value.length > 0 && value[0] == FORMAT;
    }

    /** Seals the plain bytes of the value stored under {@code key} in {@code repository}. */
    public byte[] seal(String repository, byte[] recordKey, byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        Cipher cipher = ciphers.get();
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(repository, recordKey));
            byte[] out = new byte[1 + NONCE_BYTES + cipher.getOutputSize(plain.length)];
            out[0] = FORMAT;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            int written = cipher.doFinal(plain, 0, plain.length, out, 1 + NONCE_BYTES);
            if (written != out.length - 1 - NONCE_BYTES) {
                throw new IllegalStateException("AES-GCM wrote " + written + " bytes");
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed: " + e, e);
        }
    }

    /**
     * Opens a sealed value read from {@code key} in {@code repository}.
     *
     * @throws ValueAuthenticationException when the value is not sealed, is truncated, was altered,
     *         was sealed for another record, or under another data key
     */
    public byte[] open(String repository, byte[] recordKey, byte[] sealed) throws ValueAuthenticationException {
        if (!isSealed(sealed)) {
            throw new ValueAuthenticationException("the stored value is not encrypted, in an encrypted store");
        }
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
            throw new ValueAuthenticationException("the stored encrypted value is truncated");
        }
        Cipher cipher = ciphers.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            cipher.updateAAD(associatedData(repository, recordKey));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new ValueAuthenticationException("the stored value failed authentication: it was altered, "
                    + "copied from another record, or encrypted under another data key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed: " + e, e);
        }
    }

    /** {@code DOMAIN | len(repository) | repository | record key}: unambiguous for any names. */
    private static byte[] associatedData(String repository, byte[] recordKey) {
        byte[] name = repository.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(DOMAIN.length + 4 + name.length + recordKey.length)
                .put(DOMAIN).putInt(name.length).put(name).put(recordKey).array();
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no AES/GCM/NoPadding: " + e, e);
        }
    }

    /** A stored value that does not open under this data key for this record. */
    public static final class ValueAuthenticationException extends Exception {
        private static final long serialVersionUID = 1L;

        ValueAuthenticationException(String message) {
            super(message);
        }
    }
}
