package org.datafold.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import java.util.Objects;

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

    private static final String ALGORITHM = "Ed25519";
    private static final int RAW_BYTES = 32;
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo, followed by the 32 raw bytes. */
    private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String publicKeyText;

    private ClientKey(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicKeyText = Base64.getEncoder().encodeToString(raw(publicKey));
    }

    /** A new random key pair. */
    public static ClientKey generate() {
        try {
            return of(KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
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
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(priv)));
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(x509(decodePublic(pub))));
            ClientKey key = new ClientKey(privateKey, publicKey);
            key.checkPair();
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("key file " + file + " does not hold a valid Ed25519 key pair: "
                    + (e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName()));
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
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519", e);
        }
    }

    /** Whether {@code signature} is a valid signature of {@code message} by {@code publicKey} (base64 raw). */
    public static boolean verify(String publicKey, byte[] message, byte[] signature) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509(decodePublic(publicKey))));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "ClientKey[" + publicKeyText + "]";
    }

    private void checkPair() {
        byte[] probe = "datafold-client key check".getBytes(StandardCharsets.UTF_8);
        if (!verify(publicKeyText, probe, sign(probe))) {
            throw new IllegalArgumentException("the private and public keys do not belong together");
        }
    }

    private static boolean isEd25519(String algorithm) {
        return "Ed25519".equalsIgnoreCase(algorithm) || "EdDSA".equalsIgnoreCase(algorithm);
    }

    private static byte[] raw(PublicKey key) {
        byte[] der = key.getEncoded();
        return Arrays.copyOfRange(der, der.length - RAW_BYTES, der.length);
    }

    private static byte[] decodePublic(String text) {
        String t = text.strip();
        if (t.regionMatches(true, 0, "ed25519:", 0, 8)) {
            t = t.substring(8);
        }
        byte[] raw = Base64.getDecoder().decode(t);
        if (raw.length != RAW_BYTES) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, this one has " + raw.length);
        }
        return raw;
    }

    private static byte[] x509(byte[] raw) {
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + RAW_BYTES);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, RAW_BYTES);
        return der;
    }
}
