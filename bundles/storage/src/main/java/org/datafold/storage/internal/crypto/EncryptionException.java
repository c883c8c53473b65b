package org.datafold.storage.internal.crypto;

/**
 * Encryption at rest cannot be set up or used as configured: a wrong passphrase or key, a missing
 * or damaged data key file, a store in the other mode. {@link #key()} names the configuration key
 * at fault, if one is.
 */
public final class EncryptionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;

    EncryptionException(String key, String message) {
        super(message);
        this.key = key;
    }

    EncryptionException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The configuration key at fault ({@code encryption}, {@code key_file}, ...), or {@code null}. */
    public String key() {
        return key;
    }
}
