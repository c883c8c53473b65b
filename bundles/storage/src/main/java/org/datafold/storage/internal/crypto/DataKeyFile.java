package org.datafold.storage.internal.crypto;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.crypto.generators.SCrypt;
import org.datafold.storage.internal.crypto.EncryptionSettings.Mode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The wrapped data key, {@value #NAME} in the data directory: the 256-bit data key encrypted
 * (AES-256-GCM) under a key-encryption key (KEK), with what it takes to derive the KEK again.
 * For a passphrase the KEK is scrypt(passphrase, salt, N, r, p); for a key file it is
 * HMAC-SHA256 keyed with the file's bytes over a domain string and the salt. The associated data of
 * the wrap covers the key id and every derivation parameter, so an edited file does not open.
 */
public final class DataKeyFile {

    /** The file's name in the data directory. */
    public static final String NAME = "data-key.json";
    static final String FORMAT = "datafold-data-key";
    static final int VERSION = 1;
    /** scrypt cost of new wraps: N = 2^17, r = 8, p = 1 (128 MiB, a fraction of a second to a second). */
    static final int LOG2_N = 17;
    static final int R = 8;
    static final int P = 1;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int MAX_FILE_BYTES = 4096;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    final String keyId;
    final Mode protection;
    final String kdf;
    final int log2N;
    final int r;
    final int p;
    final byte[] salt;
    final byte[] nonce;
    final byte[] wrapped;
    final String createdAt;

    private DataKeyFile(String keyId, Mode protection, String kdf, int log2N, int r, int p, byte[] salt, byte[] nonce,
            byte[] wrapped, String createdAt) {
        this.keyId = keyId;
        this.protection = protection;
        this.kdf = kdf;
        this.log2N = log2N;
        this.r = r;
        this.p = p;
        this.salt = salt;
        this.nonce = nonce;
        this.wrapped = wrapped;
        this.createdAt = createdAt;
    }

    /** A derivation (fresh salt, current cost) for a new wrap in the given mode. */
    static Kek newKek(Mode mode, byte[] secret) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return mode == Mode.PASSPHRASE
                ? derive(mode, "scrypt", LOG2_N, R, P, salt, secret)
                : derive(mode, "hmac-sha256", 0, 0, 0, salt, secret);
    }

    /** The KEK of this file's wrap, derived from the owner's secret. */
    Kek kek(byte[] secret) {
        return derive(protection, kdf, log2N, r, p, salt, secret);
    }

    /** A key-encryption key and how it was derived. */
    record Kek(Mode mode, String kdf, int log2N, int r, int p, byte[] salt, byte[] key) {
        void wipe() {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    private static Kek derive(Mode mode, String kdf, int log2N, int r, int p, byte[] salt, byte[] secret) {
        byte[] key;
        if ("scrypt".equals(kdf)) {
            key = SCrypt.generate(secret, salt, 1 << log2N, r, p, 32);
        } else {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                mac.update("datafold.kek.key_file.v1".getBytes(StandardCharsets.US_ASCII));
                key = mac.doFinal(salt);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 unavailable: " + e, e);
            }
        }
        return new Kek(mode, kdf, log2N, r, p, salt, key);
    }

    /** Wraps {@code dataKey} under {@code kek}. */
    static DataKeyFile wrap(String keyId, byte[] dataKey, Kek kek, String createdAt) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        DataKeyFile unsealed = new DataKeyFile(keyId, kek.mode(), kek.kdf(), kek.log2N(), kek.r(), kek.p(),
                kek.salt(), nonce, null, createdAt);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(kek.key(), "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(unsealed.associatedData());
            byte[] wrapped = cipher.doFinal(dataKey);
            return new DataKeyFile(keyId, kek.mode(), kek.kdf(), kek.log2N(), kek.r(), kek.p(), kek.salt(), nonce,
                    wrapped, createdAt);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e, e);
        }
    }

    /**
     * The data key, unwrapped with {@code kek}.
     *
     * @throws AEADBadTagException when the KEK is not the one the key was wrapped with (a wrong
     *         passphrase or key file), or the file was edited
     */
    byte[] unwrap(Kek kek) throws AEADBadTagException {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(kek.key(), "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(associatedData());
            byte[] key = cipher.doFinal(wrapped);
            if (key.length != 32) {
                throw new AEADBadTagException("the data key is not 32 bytes");
            }
            return key;
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable: " + e, e);
        }
    }

    private byte[] associatedData() {
        return String.join("|", FORMAT, Integer.toString(VERSION), keyId, protection.configName(), kdf,
                Integer.toString(log2N), Integer.toString(r), Integer.toString(p),
                Base64.getEncoder().encodeToString(salt)).getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- the file

    /** Reads and checks the file (its format, and bounds on the derivation cost). */
    static DataKeyFile read(Path file) throws EncryptionException {
        JsonNode json;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new EncryptionException(null, "the data key file " + file + " is too large to be one");
            }
            json = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new EncryptionException(null, "cannot read the data key file " + file + ": " + e.getMessage(), e);
        }
        try {
            if (json == null || !FORMAT.equals(json.path("format").asText()) || json.path("version").asInt() != VERSION) {
                throw new IllegalArgumentException("not a " + FORMAT + " file of version " + VERSION);
            }
            Mode protection = switch (json.path("protection").asText()) {
                case "passphrase" -> Mode.PASSPHRASE;
                case "key_file" -> Mode.KEY_FILE;
                default -> throw new IllegalArgumentException("unknown protection " + json.path("protection"));
            };
            String kdf = json.path("kdf").asText();
            int log2N = json.path("log2_n").asInt(0);
            int r = json.path("r").asInt(0);
            int p = json.path("p").asInt(0);
            if (protection == Mode.PASSPHRASE) {
                // Bounded, so that an edited file cannot make the node allocate without limit.
                if (!"scrypt".equals(kdf) || log2N < 10 || log2N > 20 || r < 1 || r > 16 || p < 1 || p > 4) {
                    throw new IllegalArgumentException("unsupported key derivation " + kdf + " N=2^" + log2N + " r=" + r
                            + " p=" + p);
                }
            } else if (!"hmac-sha256".equals(kdf)) {
                throw new IllegalArgumentException("unsupported key derivation " + kdf);
            }
            String keyId = json.path("key_id").asText();
            HexFormat.of().parseHex(keyId);
            byte[] salt = Base64.getDecoder().decode(json.path("salt").asText());
            byte[] nonce = Base64.getDecoder().decode(json.path("nonce").asText());
            byte[] wrapped = Base64.getDecoder().decode(json.path("wrapped_key").asText());
            if (keyId.length() != 32 || salt.length != SALT_BYTES || nonce.length != NONCE_BYTES || wrapped.length != 48) {
                throw new IllegalArgumentException("a field has the wrong length");
            }
            return new DataKeyFile(keyId, protection, kdf, log2N, r, p, salt, nonce, wrapped,
                    json.path("created_at").asText(null));
        } catch (IllegalArgumentException e) {
            throw new EncryptionException(null, "the data key file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the file atomically: a temporary file (mode 0600) written and synced, renamed over
     * {@code file}, and the folder synced. A crash leaves the old file or the new one, never a mix.
     */
    void write(Path file) throws IOException {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("format", FORMAT);
        json.put("version", VERSION);
        json.put("key_id", keyId);
        json.put("protection", protection.configName());
        json.put("kdf", kdf);
        if ("scrypt".equals(kdf)) {
            json.put("log2_n", log2N);
            json.put("r", r);
            json.put("p", p);
        }
        json.put("salt", Base64.getEncoder().encodeToString(salt));
        json.put("nonce", Base64.getEncoder().encodeToString(nonce));
        json.put("wrapped_key", Base64.getEncoder().encodeToString(wrapped));
        json.put("cipher", "AES-256-GCM");
        if (createdAt != null) {
            json.put("created_at", createdAt);
        }
        json.put("wrapped_at", Instant.now().toString());
        byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(json);

        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + temp + ": it appeared while being written", e);
        }
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a folder; the rename is done all the same.
        }
    }

    /** A description for logs and commands (no secret in it). */
    String describe() {
        return protection == Mode.PASSPHRASE
                ? "passphrase, scrypt N=2^" + log2N + " r=" + r + " p=" + p
                : "key file, HMAC-SHA256";
    }
}
