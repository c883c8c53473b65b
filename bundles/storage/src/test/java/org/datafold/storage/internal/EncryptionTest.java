package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.datafold.api.ErrorCode;
import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.internal.crypto.DataKeyFile;
import org.datafold.storage.internal.crypto.EncryptionSettings;
import org.datafold.storage.internal.transfer.ImportAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.OperationStatus;

/** Encryption at rest through the real storage: AES-GCM values, the wrapped data key, refusals. */
class EncryptionTest {

    /** A field value as the engine stores it (an atom). */
    public record Atom(String uuid, String schema, String field, String content) {
    }

    static final RepositoryDescriptor<Atom> ATOMS = new RepositoryDescriptor<>("atoms", Atom.class);
    static final RepositoryDescriptor<Atom> OTHER = new RepositoryDescriptor<>("atoms_copy", Atom.class);

    @TempDir
    Path dir;

    private final List<JeStorage> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(JeStorage::close);
    }

    /** A storage configuration with the encryption keys set. */
    record Config(StorageConfig base, String encryption, String key__file, String passphrase__file)
            implements StorageConfig {
        @Override public String data__dir() { return base.data__dir(); }
        @Override public Durability durability() { return base.durability(); }
        @Override public int cache__size__mb() { return base.cache__size__mb(); }
        @Override public long lock__timeout__ms() { return base.lock__timeout__ms(); }
        @Override public int max__retries() { return base.max__retries(); }
        @Override public long max__disk__mb() { return base.max__disk__mb(); }
        @Override public long free__disk__mb() { return base.free__disk__mb(); }
        @Override public Class<? extends Annotation> annotationType() { return StorageConfig.class; }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private Path secretFile(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content + "\n", StandardCharsets.UTF_8);
        return f;
    }

    private JeStorage open(StorageConfig config) {
        JeStorage storage = new JeStorage(config);
        opened.add(storage);
        return storage;
    }

    private JeStorage openWithPassphrase(Path passphraseFile) {
        return open(new Config(TestStorageConfig.in(data()), "passphrase", "", passphraseFile.toString()));
    }

    private void close(JeStorage storage) {
        storage.close();
        opened.remove(storage);
    }

    private static final String SECRET_A = "Dr. Quinlan's diagnosis: zebra-striped-hepatitis-4471";
    private static final String SECRET_B = "bank PIN of Marguerite Okonkwo-Vasquez 9XQ2";

    private static void writeKnown(JeStorage storage) {
        storage.run(() -> {
            Repository<Atom> atoms = storage.repository(ATOMS);
            atoms.put("atom-key-0001", new Atom("atom-key-0001", "Health", "diagnosis", SECRET_A));
            atoms.put("atom-key-0002", new Atom("atom-key-0002", "Bank", "pin", SECRET_B));
            for (int i = 0; i < 300; i++) {
                atoms.put("atom-bulk-" + i, new Atom("atom-bulk-" + i, "Note", "body", "bulk note number " + i));
            }
        });
    }

    /** Whether any .jdb file of the store holds {@code text} in UTF-8. */
    private static boolean storeContains(Path data, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(data.resolve("store"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".jdb")).toList()) {
                byte[] hay = Files.readAllBytes(f);
                outer:
                for (int i = 0; i + needle.length <= hay.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (hay[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void valuesAreEncryptedInTheLogFilesAndReadBackAfterAReopen() throws Exception {
        // Control: without encryption the scan finds the values, so its "not found" below means something.
        Path plainData = dir.resolve("plain");
        JeStorage plain = open(TestStorageConfig.in(plainData));
        writeKnown(plain);
        close(plain);
        assertThat(storeContains(plainData, SECRET_A)).isTrue();
        assertThat(storeContains(plainData, "bulk note number 17")).isTrue();

        Path pass = secretFile("pass", "correct horse battery staple");
        JeStorage storage = openWithPassphrase(pass);
        assertThat(storage.encryption().describe()).contains("AES-256-GCM").contains("scrypt N=2^17");
        writeKnown(storage);
        assertThat(storage.repository(ATOMS).get("atom-key-0001")).map(Atom::content).contains(SECRET_A);
        close(storage);

        for (String s : List.of(SECRET_A, SECRET_B, "zebra-striped", "Okonkwo", "bulk note number 17", "diagnosis",
                "Health")) {
            assertThat(storeContains(data(), s)).as("plaintext %s in the .jdb files", s).isFalse();
        }
        // Keys stay in clear (documented): the scan does see the store's bytes.
        assertThat(storeContains(data(), "atom-key-0001")).isTrue();
        // The wrapped key file holds no key in clear, and is private.
        Path keyFile = data().resolve(DataKeyFile.NAME);
        assertThat(Files.readString(keyFile)).contains("\"kdf\" : \"scrypt\"").contains("\"log2_n\" : 17")
                .doesNotContain("correct horse");
        assertThat(Files.getPosixFilePermissions(keyFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        JeStorage again = openWithPassphrase(pass);
        Repository<Atom> atoms = again.repository(ATOMS);
        assertThat(atoms.get("atom-key-0002")).map(Atom::content).contains(SECRET_B);
        assertThat(atoms.scanPrefix("atom-bulk-", 1000)).hasSize(300);
        assertThat(atoms.list(5)).hasSize(5);
    }

    @Test
    void aWrongPassphraseIsRefusedBeforeAnythingIsOpenedOrWritten() throws Exception {
        Path pass = secretFile("pass", "correct horse battery staple");
        JeStorage storage = openWithPassphrase(pass);
        writeKnown(storage);
        close(storage);
        Map<String, String> before = hashes(data());

        StorageException e = catchThrowableOfType(() -> openWithPassphrase(secretFile("wrong", "incorrect horse battery")),
                StorageException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
        assertThat(e.getMessage()).contains("wrong passphrase").contains("nothing was written")
                .doesNotContain("incorrect horse");
        assertThat(hashes(data())).isEqualTo(before);
        // The same wrong passphrase again (the framework retries a failed activation): the same refusal.
        StorageException again = catchThrowableOfType(() -> openWithPassphrase(dir.resolve("wrong")),
                StorageException.class);
        assertThat(again.getMessage()).isEqualTo(e.getMessage());

        StorageException none = catchThrowableOfType(() -> open(TestStorageConfig.in(data())), StorageException.class);
        assertThat(none.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
        assertThat(none.getMessage()).contains("is encrypted");
        StorageException tooShort = catchThrowableOfType(() -> openWithPassphrase(secretFile("short", "abc")),
                StorageException.class);
        assertThat(tooShort.getMessage()).contains("shorter than 8");
        assertThat(hashes(data())).isEqualTo(before);

        assertThat(openWithPassphrase(pass).repository(ATOMS).get("atom-key-0001")).map(Atom::content).contains(SECRET_A);
    }

    /** SHA-256 of every file of the data directory, by relative path. */
    private static Map<String, String> hashes(Path data) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals("je.lck")) {
                    continue;
                }
                out.put(data.relativize(f).toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    @Test
    void aValueCopiedOntoAnotherKeyOrRepositoryFailsAuthentication() throws Exception {
        Path pass = secretFile("pass", "correct horse battery staple");
        JeStorage storage = openWithPassphrase(pass);
        writeKnown(storage);
        storage.repository(OTHER).put("x", new Atom("x", "S", "f", "other"));
        close(storage);

        // An attacker with the files but not the key moves a sealed value to another record.
        EnvironmentConfig ec = new EnvironmentConfig().setTransactional(true);
        try (Environment env = new Environment(data().resolve("store").toFile(), ec);
                Database atoms = env.openDatabase(null, "atoms", new DatabaseConfig().setTransactional(true));
                Database other = env.openDatabase(null, "atoms_copy", new DatabaseConfig().setTransactional(true))) {
            DatabaseEntry sealed = new DatabaseEntry();
            assertThat(atoms.get(null, key("atom-key-0001"), sealed, LockMode.DEFAULT)).isEqualTo(OperationStatus.SUCCESS);
            assertThat(sealed.getData()[0]).isEqualTo((byte) 0x01);
            atoms.put(null, key("atom-key-0002"), sealed);
            other.put(null, key("atom-key-0001"), sealed);
            // A plain JSON value slipped into the encrypted store.
            atoms.put(null, key("atom-bulk-5"), new DatabaseEntry("{\"uuid\":\"atom-bulk-5\"}".getBytes(StandardCharsets.UTF_8)));
            // A flipped bit in a ciphertext.
            DatabaseEntry bulk = new DatabaseEntry();
            atoms.get(null, key("atom-bulk-6"), bulk, LockMode.DEFAULT);
            byte[] flipped = bulk.getData().clone();
            flipped[flipped.length - 3] ^= 1;
            atoms.put(null, key("atom-bulk-6"), new DatabaseEntry(flipped));
        }

        JeStorage again = openWithPassphrase(pass);
        Repository<Atom> atoms = again.repository(ATOMS);
        assertThat(atoms.get("atom-key-0001")).map(Atom::content).contains(SECRET_A);
        for (String k : List.of("atom-key-0002", "atom-bulk-5", "atom-bulk-6")) {
            StorageException e = catchThrowableOfType(() -> atoms.get(k), StorageException.class);
            assertThat(e).as(k).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_CORRUPTED);
            assertThat(e.context()).containsEntry("repository", "atoms").containsEntry("key", k);
        }
        assertThat(catchThrowableOfType(() -> atoms.get("atom-key-0002"), StorageException.class).getMessage())
                .contains("failed authentication");
        assertThat(catchThrowableOfType(() -> atoms.get("atom-bulk-5"), StorageException.class).getMessage())
                .contains("not encrypted");
        StorageException moved = catchThrowableOfType(() -> again.repository(OTHER).get("atom-key-0001"),
                StorageException.class);
        assertThat(moved.code()).isEqualTo(ErrorCode.STORAGE_CORRUPTED);
        assertThat(catchThrowableOfType(() -> atoms.scanPrefix("atom-", 1000), StorageException.class).code())
                .isEqualTo(ErrorCode.STORAGE_CORRUPTED);
        // The store stays usable.
        atoms.put("atom-key-0002", new Atom("atom-key-0002", "Bank", "pin", "rewritten"));
        assertThat(atoms.get("atom-key-0002")).map(Atom::content).contains("rewritten");
    }

    private static DatabaseEntry key(String k) {
        return new DatabaseEntry(k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anExistingPlainStoreIsNotEncryptedInPlace() throws Exception {
        JeStorage plain = open(TestStorageConfig.in(data()));
        writeKnown(plain);
        close(plain);
        StorageException e = catchThrowableOfType(() -> openWithPassphrase(secretFile("pass", "correct horse battery")),
                StorageException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
        assertThat(e.getMessage()).contains("unencrypted data").contains("bin/datafold export")
                .contains("bin/datafold import");
        assertThat(data().resolve(DataKeyFile.NAME)).doesNotExist();
        JeStorage reopened = open(TestStorageConfig.in(data()));
        assertThat(reopened.repository(ATOMS).get("atom-key-0001")).map(Atom::content).contains(SECRET_A);
    }

    @Test
    void aKeyFileProtectsTheDataKeyAndAnotherKeyFileIsRefused() throws Exception {
        Path keyFile = dir.resolve("node.key");
        Files.write(keyFile, new java.security.SecureRandom().generateSeed(32));
        Path otherKey = dir.resolve("other.key");
        Files.write(otherKey, new byte[32]);
        StorageConfig base = TestStorageConfig.in(data());
        JeStorage storage = open(new Config(base, "key_file", keyFile.toString(), ""));
        writeKnown(storage);
        close(storage);
        assertThat(storeContains(data(), SECRET_A)).isFalse();

        StorageException e = catchThrowableOfType(() -> open(new Config(base, "key_file", otherKey.toString(), "")),
                StorageException.class);
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION_INVALID);
        assertThat(e.getMessage()).contains("wrong key file");
        StorageException mode = catchThrowableOfType(() -> openWithPassphrase(secretFile("pass", "correct horse battery")),
                StorageException.class);
        assertThat(mode.getMessage()).contains("protected by a key_file");
        Files.write(otherKey, new byte[5]);
        assertThat(catchThrowableOfType(() -> open(new Config(base, "key_file", otherKey.toString(), "")),
                StorageException.class).getMessage()).contains("holds 5 bytes");
        assertThat(catchThrowableOfType(() -> open(new Config(base, "sometimes", "", "")),
                StorageException.class).getMessage()).contains("encryption").contains("none, passphrase, key_file");

        assertThat(open(new Config(base, "key_file", keyFile.toString(), "")).repository(ATOMS).get("atom-key-0002"))
                .map(Atom::content).contains(SECRET_B);
    }

    @Test
    void rekeyReplacesThePassphraseAtOnceAndKeepsTheData() throws Exception {
        Path pass = secretFile("pass", "correct horse battery staple");
        JeStorage storage = openWithPassphrase(pass);
        writeKnown(storage);
        String before = Files.readString(data().resolve(DataKeyFile.NAME));
        Path next = secretFile("next", "a much newer passphrase");
        assertThat(storage.rekey(next)).contains("scrypt");
        // The running store goes on with the same data key.
        storage.repository(ATOMS).put("after-rekey", new Atom("after-rekey", "Note", "body", "written after"));
        close(storage);
        String after = Files.readString(data().resolve(DataKeyFile.NAME));
        assertThat(after).isNotEqualTo(before);
        assertThat(data().resolve(DataKeyFile.NAME + ".tmp")).doesNotExist();
        // Same data key id: the data was not re-encrypted.
        assertThat(after).contains(before.substring(before.indexOf("\"key_id\""), before.indexOf("\"key_id\"") + 45));

        assertThat(catchThrowableOfType(() -> openWithPassphrase(pass), StorageException.class).getMessage())
                .contains("wrong passphrase");
        JeStorage again = openWithPassphrase(next);
        assertThat(again.repository(ATOMS).get("atom-key-0001")).map(Atom::content).contains(SECRET_A);
        assertThat(again.repository(ATOMS).get("after-rekey")).map(Atom::content).contains("written after");
    }

    @Test
    void exportOfAnEncryptedStoreIsPlainAndImportIntoAnEncryptedStoreEncrypts() throws Exception {
        Path pass = secretFile("pass", "correct horse battery staple");
        JeStorage storage = openWithPassphrase(pass);
        writeKnown(storage);
        Path export = dir.resolve("out.jsonl");
        new JeExport(storage).export(export, Set.of(), null);
        close(storage);
        assertThat(Files.readString(export)).contains(SECRET_A);

        Path target = dir.resolve("imported");
        EncryptionSettings settings = EncryptionSettings.parse("passphrase", "", pass.toString(), Path::of);
        ImportAccess.runEncrypted(export, target, new PrintStream(new ByteArrayOutputStream()), (n, d, l) -> { },
                settings);
        assertThat(target.resolve(DataKeyFile.NAME)).exists();
        assertThat(storeContains(target, SECRET_A)).isFalse();
        JeStorage imported = open(new Config(TestStorageConfig.in(target), "passphrase", "", pass.toString()));
        assertThat(imported.repository(ATOMS).get("atom-key-0001")).map(Atom::content).contains(SECRET_A);
        assertThat(imported.repository(ATOMS).scanPrefix("atom-bulk-", 1000)).hasSize(300);
    }
}
