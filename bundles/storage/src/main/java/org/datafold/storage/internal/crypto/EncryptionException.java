package org.datafold.storage.internal.crypto;

/**
 * Encryption at rest cannot be set up or used as configured: a wrong passphrase or key, a missing
 * or damaged data key file, a store in the other mode. {@link #key()} names the configuration key
 * at fault, if one is.
 */
public final class EncryptionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final boolean repeated;

    EncryptionException(String key, String message) {
        this(key, message, null, false);
    }

    EncryptionException(String key, String message, Throwable cause) {
        this(key, message, cause, false);
    }

    private EncryptionException(String key, String message, Throwable cause, boolean repeated) {
        super(message, cause);
        this.key = key;
        this.repeated = repeated;
    }

    /** The same refusal again, marked as a repetition (logged once, not at every retry). */
    EncryptionException repeated() {
        return new EncryptionException(key, getMessage(), null, true);
    }

    /** Whether this refusal repeats one already reported in this JVM. */
    public boolean isRepeated() {
        return repeated;
    }

    /** The configuration key at fault ({@code encryption}, {@code key_file}, ...), or {@code null}. */
    public String key() {
        return key;
    }
}
