package org.datafold.storage.internal.command;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.service.command.Descriptor;
import org.datafold.storage.api.Storage;
import org.datafold.storage.internal.JeStorage;
import org.datafold.storage.internal.crypto.EncryptionSettings;
import org.datafold.storage.internal.crypto.EncryptionSettings.Mode;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code fold:rekey <file>}: re-wraps the data key of an encrypted store under a new passphrase
 * (read from the file) or a new key file (the file itself), at once. The data is not re-encrypted.
 */
@Component(service = EncryptionCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=rekey" })
public final class EncryptionCommands {

    private final JeStorage storage;

    @Activate
    public EncryptionCommands(@Reference Storage storage) {
        if (!(storage instanceof JeStorage je)) {
            throw new IllegalArgumentException("fold:rekey needs the JE storage of this bundle, not " + storage.getClass());
        }
        this.storage = je;
    }

    @Descriptor("Protect the data key of the encrypted store with a new passphrase (read from FILE) or a new "
            + "key file (FILE), at once; the data key and the data stay as they are")
    public String rekey(@Descriptor("with encryption passphrase: a file holding the new passphrase; with "
            + "key_file: the new key file") String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("INVALID_ARGUMENT: give the file of the new passphrase or key");
        }
        Path path = Path.of(file.strip()).toAbsolutePath();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("INVALID_ARGUMENT: " + path + " is not a file");
        }
        String protection = storage.rekey(path);
        EncryptionSettings settings = storage.encryption().settings();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Data key     re-wrapped (%s)%n", protection));
        sb.append(String.format("Written      %s (replaced atomically)%n", storage.encryption().file()));
        if (settings.mode() == Mode.PASSPHRASE) {
            sb.append(String.format("Next start   needs the NEW passphrase: update %s before the node restarts%n",
                    settings.passphraseFile() != null ? "passphrase_file " + settings.passphraseFile()
                            : "the environment variable " + EncryptionSettings.PASSPHRASE_ENV));
            sb.append(String.format("             (%s can be deleted now)%n", path));
        } else {
            sb.append(String.format("Next start   needs the NEW key file: set key_file = %s in org.datafold.storage.cfg%n",
                    path));
        }
        sb.append(String.format("Backups      taken before hold the data key wrapped under the OLD passphrase or key%n"));
        return sb.toString();
    }
}
