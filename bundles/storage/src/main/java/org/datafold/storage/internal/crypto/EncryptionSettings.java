package org.datafold.storage.internal.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * The encryption settings of the storage configuration: the mode ({@code encryption}), where the
 * key file is ({@code key_file}) and where the passphrase comes from ({@code passphrase_file}, else
 * the environment variable {@value #PASSPHRASE_ENV}). The passphrase itself never comes from a
 * configuration file.
 */
public record EncryptionSettings(Mode mode, Path keyFile, Path passphraseFile) {

    /** The environment variable holding the passphrase when no {@code passphrase_file} is set. */
    public static final String PASSPHRASE_ENV = "DATAFOLD_PASSPHRASE";
    /** Passphrases shorter than this are refused. */
    static final int MIN_PASSPHRASE_CHARS = 8;
    /** Key files must hold at least this many bytes (a 256-bit key)... */
    static final int MIN_KEY_FILE_BYTES = 32;
    /** ...and at most this many. */
    static final int MAX_KEY_FILE_BYTES = 4096;
    private static final int MAX_PASSPHRASE_FILE_BYTES = 4096;

    /** How the data key is protected. */
    public enum Mode {
        /** Values are stored in clear. */
        NONE("none"),
        /** The data key is wrapped by a key derived from the owner's passphrase (scrypt). */
        PASSPHRASE("passphrase"),
        /** The data key is wrapped by a key derived from a key file kept outside the data directory. */
        KEY_FILE("key_file");

        private final String configName;

        Mode(String configName) {
            this.configName = configName;
        }

        /** The value of the {@code encryption} key. */
        public String configName() {
            return configName;
        }
    }

    /** No encryption. */
    public static final EncryptionSettings NONE = new EncryptionSettings(Mode.NONE, null, null);

    /**
     * Reads the three configuration values; paths resolve with {@code resolve} (against the node's
     * home). Blank {@code encryption} means {@code none}.
     */
    public static EncryptionSettings parse(String encryption, String keyFile, String passphraseFile,
            Function<String, Path> resolve) throws EncryptionException {
        String name = encryption == null ? "" : encryption.strip().toLowerCase(Locale.ROOT);
        Mode mode = switch (name) {
            case "", "none" -> Mode.NONE;
            case "passphrase" -> Mode.PASSPHRASE;
            case "key_file" -> Mode.KEY_FILE;
            default -> throw new EncryptionException("encryption",
                    "must be one of none, passphrase, key_file (was " + encryption + ")");
        };
        Path key = blank(keyFile) ? null : path("key_file", keyFile, resolve);
        Path passphrase = blank(passphraseFile) ? null : path("passphrase_file", passphraseFile, resolve);
        if (mode == Mode.KEY_FILE && key == null) {
            throw new EncryptionException("key_file", "must name the key file when encryption is key_file");
        }
        return new EncryptionSettings(mode, key, passphrase);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static Path path(String key, String value, Function<String, Path> resolve) throws EncryptionException {
        try {
            return resolve.apply(value.strip());
        } catch (RuntimeException e) {
            throw new EncryptionException(key, "is not a valid path (was " + value + ")", e);
        }
    }

    /** Whether values are encrypted. */
    public boolean enabled() {
        return mode != Mode.NONE;
    }

    /**
     * The owner's secret as bytes: the key file's content, or the passphrase (from
     * {@code passphrase_file}, else the environment) in UTF-8, Unicode-normalized (NFC). The
     * caller wipes the array.
     */
    byte[] readSecret(Function<String, String> environment) throws EncryptionException {
        return switch (mode) {
            case NONE -> throw new IllegalStateException("no secret without encryption");
            case KEY_FILE -> readKeyFile(keyFile, "key_file");
            case PASSPHRASE -> passphraseFile != null
                    ? readPassphraseFile(passphraseFile, "passphrase_file")
                    : passphraseBytes(environment.apply(PASSPHRASE_ENV), "the environment variable " + PASSPHRASE_ENV);
        };
    }

    /** A key file: 32 to 4096 bytes, used as they are. */
    static byte[] readKeyFile(Path file, String configKey) throws EncryptionException {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new EncryptionException(configKey, "cannot read the key file " + file + ": " + e.getClass().getSimpleName());
        }
        if (size < MIN_KEY_FILE_BYTES || size > MAX_KEY_FILE_BYTES) {
            throw new EncryptionException(configKey, "the key file " + file + " holds " + size + " bytes; it must hold "
                    + MIN_KEY_FILE_BYTES + " to " + MAX_KEY_FILE_BYTES + " (for example 32 random bytes)");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EncryptionException(configKey, "cannot read the key file " + file + ": " + e.getClass().getSimpleName());
        }
    }

    /** A passphrase file: UTF-8 text, one trailing line break ignored. */
    static byte[] readPassphraseFile(Path file, String configKey) throws EncryptionException {
        byte[] raw;
        try {
            if (Files.size(file) > MAX_PASSPHRASE_FILE_BYTES) {
                throw new EncryptionException(configKey, "the passphrase file " + file + " is longer than "
                        + MAX_PASSPHRASE_FILE_BYTES + " bytes");
            }
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EncryptionException(configKey, "cannot read the passphrase file " + file + ": "
                    + e.getClass().getSimpleName());
        }
        int end = raw.length;
        if (end > 0 && raw[end - 1] == '\n') {
            end--;
            if (end > 0 && raw[end - 1] == '\r') {
                end--;
            }
        }
        CharBuffer chars;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, 0, end));
        } catch (CharacterCodingException e) {
            throw new EncryptionException(configKey, "the passphrase file " + file + " is not UTF-8 text");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        String passphrase = chars.toString();
        Arrays.fill(chars.array(), '\0');
        return passphraseBytes(passphrase, "the passphrase file " + file);
    }

    private static byte[] passphraseBytes(String passphrase, String source) throws EncryptionException {
        if (passphrase == null || passphrase.isEmpty()) {
            throw new EncryptionException("passphrase_file", "encryption is passphrase but no passphrase was given: "
                    + "set the environment variable " + PASSPHRASE_ENV + " or passphrase_file");
        }
        String normalized = Normalizer.normalize(passphrase, Normalizer.Form.NFC);
        if (normalized.codePointCount(0, normalized.length()) < MIN_PASSPHRASE_CHARS) {
            throw new EncryptionException("passphrase_file", "the passphrase from " + source + " is shorter than "
                    + MIN_PASSPHRASE_CHARS + " characters");
        }
        return normalized.getBytes(StandardCharsets.UTF_8);
    }
}
