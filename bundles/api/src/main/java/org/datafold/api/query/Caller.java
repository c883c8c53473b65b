package org.datafold.api.query;

/**
 * Who makes a request: a public key (standard base64 of the raw 32-byte Ed25519 key, optionally
 * prefixed {@code ed25519:}), or the node owner acting through the local shell.
 *
 * @param publicKey the caller's key; null for {@link #localOwner()}
 * @param isOwner   true for the node owner
 */
public record Caller(String publicKey, boolean isOwner) {

    private static final Caller OWNER = new Caller(null, true);

    /** The node owner acting locally (the shell); the permission layer maps it to the owner key. */
    public static Caller localOwner() {
        return OWNER;
    }

    /** A caller identified by its public key. */
    public static Caller key(String publicKey) {
        if (publicKey == null || publicKey.isBlank()) {
            throw new IllegalArgumentException("a caller key must not be blank");
        }
        return new Caller(publicKey, false);
    }

    /** The key to record as the source of atoms this caller writes. */
    public String sourceKey() {
        return isOwner ? "owner" : publicKey;
    }
}
