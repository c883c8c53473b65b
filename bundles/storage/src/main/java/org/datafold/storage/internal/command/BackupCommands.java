package org.datafold.storage.internal.command;

import java.io.PrintStream;
import java.nio.file.Path;

import org.apache.felix.service.command.Descriptor;
import org.datafold.storage.api.BackupReport;
import org.datafold.storage.api.Backups;
import org.datafold.support.text.ByteSizes;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code fold:backup <dir>}: an online backup of the node's data directory. Progress lines go to
 * the command's output as the files are copied (in the console they show at once; through the
 * admin socket with the rest of the output), and to the node's log for large stores.
 */
@Component(service = BackupCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=backup" })
public final class BackupCommands {

    /** Smaller backups print no progress lines, only the summary. */
    private static final long PROGRESS_ABOVE = 8L << 20;

    private final Backups backups;

    @Activate
    public BackupCommands(@Reference Backups backups) {
        this.backups = backups;
    }

    @Descriptor("Back up the node's data (storage and owner key files) into a folder while it runs; "
            + "a folder holding an earlier backup is updated incrementally")
    public String backup(@Descriptor("backup folder: new, empty, or holding an earlier backup") String dir) {
        if (dir == null || dir.isBlank()) {
            throw new IllegalArgumentException("INVALID_ARGUMENT: give the backup folder");
        }
        PrintStream console = System.out;
        BackupReport r = backups.backup(Path.of(dir.strip()), (done, total, file) -> {
            if (done < total && total >= PROGRESS_ABOVE) {
                console.printf("backup: %3d%% (%s of %s) %s%n", done * 100 / Math.max(total, 1),
                        ByteSizes.format(done), ByteSizes.format(total), file);
            }
        });
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Backup       %s%n", r.directory()));
        sb.append(String.format("Snapshot     %s (last log file %08x)%n", r.createdAt(), r.lastLogFile()));
        sb.append(String.format("Files        %d (%s), %d copied (%s)%s%n", r.files(), ByteSizes.format(r.bytes()),
                r.filesCopied(), ByteSizes.format(r.bytesCopied()), r.incremental() ? ", incremental" : ""));
        if (r.filesRemoved() > 0) {
            sb.append(String.format("Removed      %d file(s) the store no longer needs%n", r.filesRemoved()));
        }
        sb.append(String.format("Private      %s (written with mode 0600)%n",
                r.privateFiles().isEmpty() ? "(none)" : String.join(", ", r.privateFiles())));
        if (!r.skipped().isEmpty()) {
            sb.append(String.format("Not copied   %s (not part of a backup)%n", String.join(", ", r.skipped())));
        }
        sb.append(String.format("Took         %d ms%n", r.took().toMillis()));
        sb.append(String.format("Manifest     %s%n", r.directory().resolve(Backups.MANIFEST)));
        return sb.toString();
    }
}
