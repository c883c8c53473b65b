package org.datafold.permissions.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.permission.PublicKeys;

/**
 * The owner's Ed25519 key pair: the private key in {@code owner.key} (PKCS#8, mode 0600) and the
 * public key in {@code owner.pub} (the text form), both in the data directory. Created on first
 * use; the private key never leaves this class (it is not logged, printed or returned).
 */
final class OwnerKey {

    static final String PRIVATE_FILE = "owner.key";
    static final String PUBLIC_FILE = "owner.pub";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final String publicKey;

    private OwnerKey(String publicKey) {
        this.publicKey = publicKey;
    }

    /** The canonical text form of the owner's public key. */
    String publicKey() {
        return publicKey;
    }

    /** Loads the key pair from {@code dir}, creating it if there is none. */
    static OwnerKey loadOrCreate(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        Path publicFile = dir.resolve(PUBLIC_FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(privateFile)) {
                return load(privateFile, publicFile);
            }
            return create(dir, privateFile, publicFile);
        } catch (IOException e) {
            throw new FoldException(ErrorCode.INTERNAL, "cannot load or create the owner key: " + e,
                    Map.of("file", privateFile.toString()), e);
        }
    }

    private static OwnerKey create(Path dir, Path privateFile, Path publicFile) throws IOException {
        KeyPair pair = PublicKeys.generate();
        String pub = PublicKeys.of(pair.getPublic());
        // The public key first: a private key without its public key cannot be used.
        Path pubTemp = dir.resolve(PUBLIC_FILE + ".tmp");
        Files.deleteIfExists(pubTemp);
        Files.writeString(pubTemp, PublicKeys.PREFIX + pub + "\n", StandardCharsets.US_ASCII);
        Files.move(pubTemp, publicFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        Path keyTemp = dir.resolve(PRIVATE_FILE + ".tmp");
        Files.deleteIfExists(keyTemp);
        createOwnerOnly(keyTemp);
        byte[] encoded = pair.getPrivate().getEncoded();
        try {
            Files.write(keyTemp, encoded);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
        try {
            Files.move(keyTemp, privateFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(keyTemp);
            return load(privateFile, publicFile);
        }
        return new OwnerKey(pub);
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
    }

    private static OwnerKey load(Path privateFile, Path publicFile) throws IOException {
        if (!Files.exists(publicFile)) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "the owner key " + privateFile
                    + " has no public key file " + publicFile + " next to it; restore it from a backup",
                    Map.of("file", publicFile.toString()), null);
        }
        PosixFileAttributeView view = Files.getFileAttributeView(privateFile, PosixFileAttributeView.class);
        if (view != null && !view.readAttributes().permissions().equals(OWNER_ONLY)) {
            PermissionServiceImpl.SECURITY.warn("owner key {} was readable by others; mode set to 0600", privateFile);
            view.setPermissions(OWNER_ONLY);
        }
        byte[] encoded = Files.readAllBytes(privateFile);
        PrivateKey privateKey;
        try {
            privateKey = PublicKeys.privateKey(encoded);
        } catch (FoldException e) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "the owner key " + privateFile
                    + " is not an Ed25519 private key (PKCS#8); restore it from a backup",
                    Map.of("file", privateFile.toString()), null);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
        String pub = PublicKeys.normalize(Files.readString(publicFile, StandardCharsets.US_ASCII).strip());
        // The two files must belong together: sign with one, verify with the other.
        if (!PublicKeys.matches(privateKey, PublicKeys.publicKey(pub))) {
            throw new FoldException(ErrorCode.CONFIGURATION_INVALID, "the owner key files " + privateFile + " and "
                    + publicFile + " do not belong together", Map.of("file", privateFile.toString()), null);
        }
        return new OwnerKey(pub);
    }
}
