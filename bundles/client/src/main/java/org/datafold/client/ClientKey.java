package org.datafold.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Objects;

import org.datafold.support.keys.Ed25519Keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Ed25519 key pair: the identity of a client. Its {@linkplain #publicKey() public key} is the
 * standard base64 of the raw 32 bytes, the form the node's trust table uses.
 *
 * <p>Key file (JSON, mode 0600):
 * {@code {"type": "ed25519", "private_key": "<base64 PKCS#8>", "public_key": "<base64 raw 32 bytes>"}}.
 * Both halves are stored (the JDK cannot derive the public key from the private one); loading checks
 * that they belong together.
 */
public final class ClientKey {
    /** The {@code type} of a key file. */
    public static final String TYPE = "ed25519";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String publicKeyText;

    private ClientKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicKeyText = Ed25519Keys.encode(Ed25519Keys.raw(publicKey));
    }

    /** A new random key pair. */
    public static ClientKey generate() {
        return of(Ed25519Keys.generate());
    }

    /**
     * An existing Ed25519 key pair.
     *
     * @throws IllegalArgumentException when it is not Ed25519 or the halves do not belong together
     */
    public static ClientKey of(KeyPair pair) {
        Objects.requireNonNull(pair, "pair");
        if (!isEd25519(pair.getPrivate().getAlgorithm()) || !isEd25519(pair.getPublic().getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key pair: " + pair.getPrivate().getAlgorithm());
        }
        ClientKey key = new ClientKey(pair.getPrivate(), pair.getPublic());
        key.checkPair();
        return key;
    }

    /**
     * Reads a key file.
     *
     * @throws UncheckedIOException     when it cannot be read
     * @throws IllegalArgumentException when it is not a valid key file (the message never contains the private key)
     */
    public static ClientKey load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("key file " + file + " is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("key file " + file + " is not a JSON object");
        }
        if (!TYPE.equals(root.path("type").asText(null))) {
            throw new IllegalArgumentException("key file " + file + " is not of type \"" + TYPE + "\"");
        }
        String priv = root.path("private_key").asText(null);
        String pub = root.path("public_key").asText(null);
        if (priv == null || pub == null) {
            throw new IllegalArgumentException("key file " + file + " needs private_key and public_key");
        }
        try {
            PrivateKey privateKey = Ed25519Keys.privateKey(Base64.getDecoder().decode(priv));
            PublicKey publicKey = Ed25519Keys.publicKey(Ed25519Keys.decode(pub));
            ClientKey key = new ClientKey(privateKey, publicKey);
            key.checkPair();
            return key;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key file " + file + " does not hold a valid Ed25519 key pair: "
                    + e.getMessage());
        }
    }

    /**
     * Writes this key to a new file with mode 0600 (on POSIX file systems the file is created with
     * that mode, never more open).
     *
     * @throws UncheckedIOException when the file exists already ({@link java.nio.file.FileAlreadyExistsException}
     *                              as the cause) or cannot be written
     */
    public void save(Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("type", TYPE);
        root.put("private_key", Base64.getEncoder().encodeToString(privateKey.getEncoded()));
        root.put("public_key", publicKeyText);
        byte[] bytes;
        try {
            bytes = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create key file " + file + ": " + e, e);
        }
        try {
            Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // keep the first failure
            }
            throw new UncheckedIOException("cannot write key file " + file + ": " + e, e);
        }
    }

    /** The public key: standard base64 of the raw 32 bytes. */
    public String publicKey() {
        return publicKeyText;
    }

    /** An Ed25519 signature of the bytes. */
    public byte[] sign(byte[] message) {
        return Ed25519Keys.sign(privateKey, message);
    }

    /** Whether {@code signature} is a valid signature of {@code message} by {@code publicKey} (base64 raw). */
    public static boolean verify(String publicKey, byte[] message, byte[] signature) {
        byte[] raw;
        try {
            raw = Ed25519Keys.decode(publicKey);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return Ed25519Keys.verify(raw, message, signature);
    }

    @Override
    public String toString() {
        return "ClientKey[" + publicKeyText + "]";
    }

    private void checkPair() {
        if (!Ed25519Keys.matches(privateKey, publicKey)) {
            throw new IllegalArgumentException("the private and public keys do not belong together");
        }
    }

    private static boolean isEd25519(String algorithm) {
        return "Ed25519".equalsIgnoreCase(algorithm) || "EdDSA".equalsIgnoreCase(algorithm);
    }
}
