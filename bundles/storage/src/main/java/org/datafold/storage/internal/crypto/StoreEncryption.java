package org.datafold.storage.internal.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Function;

import javax.crypto.AEADBadTagException;

import org.datafold.storage.internal.crypto.DataKeyFile.Kek;
import org.datafold.storage.internal.crypto.EncryptionSettings.Mode;

/**
 * Encryption at rest of one store: checks, before the store is opened, that the owner's
 * passphrase or key file opens the data key ({@link #prepare}); then, once it is open, that the
 * store matches the mode, creating the data key for a new encrypted store ({@link #attach}).
 *
 * <p>The store records {@value #META_KEY} in its meta database ({@code {"key_id": ...}}) when it
 * is encrypted, so a store and a data key file that do not belong together are refused, and so is
 * a store that once was encrypted opened without encryption.
 */
public final class StoreEncryption {

    /** The record in the storage's meta database that marks an encrypted store. */
    public static final String META_KEY = "encryption";

    /** The storage's meta database, as far as encryption needs it. */
    public interface Meta {
        /** The record under {@code key}, or {@code null}. */
        byte[] get(String key);

        /** Writes the record under {@code key}, durably. */
        void put(String key, byte[] value);

        /** Whether the store holds any database besides the meta database. */
        boolean hasData();
    }

    /** The last secret refused for a data key file in this JVM (as a keyed digest, never the secret). */
    private static volatile Refusal lastRefusal;
    /** The key of those digests: random, in memory only. */
    private static final byte[] REFUSAL_KEY = new SecureRandom().generateSeed(32);

    private final EncryptionSettings settings;
    private final Path file;
    /** The KEK derived at {@link #prepare}; wiped once {@link #attach} used it. */
    private Kek kek;
    private DataKeyFile keyFile;
    private ValueCipher cipher;
    private byte[] dataKey;

    private StoreEncryption(EncryptionSettings settings, Path file) {
        this.settings = settings;
        this.file = file;
    }

    /**
     * Before the store is opened: with encryption off, refuses a data directory holding a data
     * key file; with it on, reads the owner's secret, derives the KEK and unwraps the data key if
     * the file exists (a wrong passphrase or key is refused here, before anything is opened or
     * written).
     */
    public static StoreEncryption prepare(EncryptionSettings settings, Path dataDirectory,
            Function<String, String> environment) throws EncryptionException {
        StoreEncryption e = new StoreEncryption(settings, dataDirectory.resolve(DataKeyFile.NAME));
        boolean exists = Files.exists(e.file);
        if (!settings.enabled()) {
            if (exists) {
                throw new EncryptionException("encryption", "the store in " + dataDirectory + " is encrypted ("
                        + DataKeyFile.NAME + " is there) but encryption is none: set encryption to passphrase or "
                        + "key_file");
            }
            return e;
        }
        byte[] secret = settings.readSecret(environment);
        try {
            if (exists) {
                DataKeyFile existing = DataKeyFile.read(e.file);
                if (existing.protection != settings.mode()) {
                    throw new EncryptionException("encryption", "the data key in " + e.file + " is protected by a "
                            + existing.protection.configName() + ", but encryption is " + settings.mode().configName());
                }
                Refusal attempt = Refusal.of(e.file, secret);
                Refusal last = lastRefusal;
                if (attempt != null && attempt.sameAs(last)) {
                    // The same secret against the same file failed already: refuse without
                    // deriving again (the framework retries a failed activation on each use).
                    throw last.exception.repeated();
                }
                Kek derived = existing.kek(secret);
                try {
                    e.dataKey = existing.unwrap(derived);
                } catch (AEADBadTagException bad) {
                    derived.wipe();
                    EncryptionException refused = new EncryptionException(
                            settings.mode() == Mode.PASSPHRASE ? "passphrase_file" : "key_file",
                            (settings.mode() == Mode.PASSPHRASE ? "wrong passphrase" : "wrong key file")
                                    + ": it does not open the data key in " + e.file
                                    + "; the store was not opened and nothing was written");
                    if (attempt != null) {
                        lastRefusal = attempt.with(refused);
                    }
                    throw refused;
                }
                e.keyFile = existing;
                e.kek = derived;
            } else {
                e.kek = DataKeyFile.newKek(settings.mode(), secret);
            }
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
        return e;
    }

    /**
     * Once the store is open: checks that it matches the mode and, for a new encrypted store,
     * creates the data key (the wrapped key file first, then the meta record).
     *
     * @param writable whether the store may be written (a new data key needs it)
     */
    public void attach(Meta meta, boolean writable) throws EncryptionException {
        byte[] record = meta.get(META_KEY);
        if (!settings.enabled()) {
            if (record != null) {
                throw new EncryptionException("encryption", "the store is encrypted (its data key file "
                        + DataKeyFile.NAME + " is missing from the data directory) but encryption is none");
            }
            return;
        }
        try {
            if (keyFile == null) {
                if (record != null) {
                    throw new EncryptionException(null, "the store is encrypted but its data key file " + file
                            + " is missing: restore it from a backup of this node");
                }
                if (meta.hasData()) {
                    throw new EncryptionException("encryption", "the store holds unencrypted data: encryption "
                            + "cannot be switched on in place. Export the node (bin/datafold export), then import "
                            + "the export into a new data directory with encryption on (bin/datafold import); "
                            + "see docs/operations.md, \"Encryption at rest\"");
                }
                if (!writable) {
                    throw new EncryptionException(null, "cannot create the data key: the store is open read-only");
                }
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                byte[] id = new byte[16];
                new SecureRandom().nextBytes(id);
                DataKeyFile created = DataKeyFile.wrap(HexFormat.of().formatHex(id), key, kek, Instant.now().toString());
                try {
                    created.write(file);
                } catch (IOException e) {
                    throw new EncryptionException(null, "cannot write the data key file " + file + ": " + e, e);
                }
                dataKey = key;
                keyFile = created;
            }
            String expected = metaRecord(keyFile.keyId);
            if (record == null) {
                if (meta.hasData()) {
                    // A data key file dropped next to a plain store.
                    throw new EncryptionException("encryption", "the store holds unencrypted data but "
                            + file + " is there: it belongs to another store");
                }
                meta.put(META_KEY, expected.getBytes(StandardCharsets.UTF_8));
            } else if (!expected.equals(new String(record, StandardCharsets.UTF_8))) {
                throw new EncryptionException(null, "the data key file " + file + " belongs to another store (key id "
                        + keyFile.keyId + ")");
            }
            cipher = new ValueCipher(dataKey);
        } finally {
            kek.wipe();
            kek = null;
        }
    }

    /** A refused secret for a data key file: the file's identity and an HMAC of the secret. */
    private record Refusal(Path file, long size, long modified, byte[] digest, EncryptionException exception) {
        static Refusal of(Path file, byte[] secret) {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(REFUSAL_KEY, "HmacSHA256"));
                return new Refusal(file.toAbsolutePath(), Files.size(file), Files.getLastModifiedTime(file).toMillis(),
                        mac.doFinal(secret), null);
            } catch (IOException | java.security.GeneralSecurityException e) {
                return null;
            }
        }

        Refusal with(EncryptionException refused) {
            return new Refusal(file, size, modified, digest, refused);
        }

        boolean sameAs(Refusal other) {
            return other != null && other.file.equals(file) && other.size == size && other.modified == modified
                    && java.security.MessageDigest.isEqual(other.digest, digest);
        }
    }

    private static String metaRecord(String keyId) {
        return "{\"key_id\":\"" + keyId + "\"}";
    }

    /** The cipher of values, or {@code null} without encryption. */
    public ValueCipher cipher() {
        return cipher;
    }

    public EncryptionSettings settings() {
        return settings;
    }

    /** The data key file of the store. */
    public Path file() {
        return file;
    }

    /** The mode and derivation, for logs (no secret). */
    public String describe() {
        if (cipher == null) {
            return "none";
        }
        return "AES-256-GCM, data key " + keyFile.keyId + " (" + keyFile.describe() + ")";
    }

    /**
     * Wraps the data key under a new KEK derived from {@code secret} (a new passphrase, or a new
     * key file's content; the mode stays), with a fresh salt, and replaces the data key file
     * atomically. The data itself is not touched.
     */
    public synchronized String rekey(byte[] secret) throws EncryptionException {
        if (cipher == null) {
            throw new EncryptionException("encryption", "encryption is none: there is no data key to re-wrap");
        }
        Kek next = DataKeyFile.newKek(settings.mode(), secret);
        try {
            DataKeyFile rewrapped = DataKeyFile.wrap(keyFile.keyId, dataKey, next, keyFile.createdAt);
            try {
                rewrapped.write(file);
            } catch (IOException e) {
                throw new EncryptionException(null, "cannot write the data key file " + file + " (the old one is "
                        + "still in place): " + e, e);
            }
            keyFile = rewrapped;
            return keyFile.describe();
        } finally {
            next.wipe();
        }
    }

    /** Reads a new secret for {@link #rekey} from {@code path}: a passphrase file or a key file, by mode. */
    public byte[] readNewSecret(Path path) throws EncryptionException {
        return settings.mode() == Mode.PASSPHRASE
                ? EncryptionSettings.readPassphraseFile(path, null)
                : EncryptionSettings.readKeyFile(path, null);
    }
}
