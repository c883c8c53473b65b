package org.datafold.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Rule;
import org.junit.Test;

/**
 * Online backup and restore through the assembled node as processes: a backup taken with
 * {@code bin/datafold backup} while another client writes, restored with {@code bin/datafold restore}
 * into a fresh data directory, holds exactly the writes committed before the backup's snapshot
 * (a prefix of the sequence written) with the same atoms and histories, the node id, the owner
 * key, the trust table and the grants; JE's {@code DbVerify} finds the restored store clean. A
 * damaged backup is refused and restores nothing.
 */
public class BackupProcessIT {
    private static final int WRITES = 150;
    private static final Pattern ROW_KEY = Pattern.compile("\"(k\\d{4})\" : \\{");

    @Rule
    public final NodeProcess proc = new NodeProcess("backup-");

    private String shell(String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        NodeProcess.Result r = proc.datafold(args);
        assertEquals(r.all(), 0, r.exit());
        return r.out();
    }

    @Test
    public void aBackupTakenUnderWritesRestoresTheNodeAsItWasAtTheSnapshot() throws Exception {
        Path work = proc.home().getParent();
        Path backup = work.resolve("backup");
        Path restoredData = work.resolve("restored-data");
        proc.start();
        shell("schema:approve", "Reading");
        shell("schema:approve", "Note");
        shell("fold:mutate", "Note", "create", "{\"title\": \"diary\", \"body\": \"v0\"}");
        NodeProcess.Result keygen = proc.client("keygen", work.resolve("app.key").toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        shell("perm:trust", keygen.out().trim(), "1", "reader");
        shell("perm:grant", "reader", "Note.title", "read");

        // One admin client writes WRITES rows (and a Note version every 5th), one command after the other.
        Path commands = work.resolve("writes.txt");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < WRITES; i++) {
            lines.add(String.format("fold:mutate Reading create '{\"timestamp\": \"k%04d\", \"value\": %d, \"unit\": \"C\"}'", i, i));
            if (i % 5 == 0) {
                lines.add(String.format("fold:mutate Note update '{\"body\": \"v%d\"}'", i + 1));
            }
        }
        Files.write(commands, lines);
        Path writerOut = work.resolve("writer.out");
        ProcessBuilder pb = new ProcessBuilder(proc.home().resolve("bin/datafold").toString(), "shell");
        pb.redirectInput(commands.toFile());
        pb.redirectOutput(writerOut.toFile());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("writer.err").toFile()));
        Process writer = pb.start();
        try {
            await("writes under way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> count(Files.readString(writerOut), "\"range_key\"") >= 20);

            NodeProcess.Result backedUp = proc.datafold("backup", backup.toString());
            assertEquals(backedUp.all(), 0, backedUp.exit());
            assertTrue(backedUp.out(), backedUp.out().contains("Private      owner.key, owner.pub (written with mode 0600)"));

            assertTrue("the writer finished", writer.waitFor(120, TimeUnit.SECONDS));
        } finally {
            writer.destroyForcibly();
        }
        assertEquals(Files.readString(work.resolve("writer.err")), 0, writer.exitValue());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(backup.resolve("owner.key"))));

        String sourceStatus = shell("fold:status");
        String sourceKeys = shell("perm:keys");
        String sourceGrants = shell("perm:grants");
        String sourceHistory = shell("fold:history", "-n", "1000", "Note", "body");
        assertEquals(0, proc.datafold("stop").exit());

        // A damaged copy of the backup is refused, and nothing is written.
        Path damaged = work.resolve("damaged");
        copyTree(backup, damaged);
        Path log = damaged.resolve("store/00000000.jdb");
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length / 3] ^= 0x10;
        Files.write(log, bytes);
        proc.env.put("DATAFOLD_DATA", work.resolve("from-damaged").toString());
        NodeProcess.Result refused = proc.datafold("restore", damaged.toString());
        assertEquals(refused.all(), 1, refused.exit());
        assertTrue(refused.all(), refused.err().contains("incomplete or damaged")
                && refused.err().contains("store/00000000.jdb: checksum mismatch"));
        assertFalse(Files.exists(work.resolve("from-damaged")));

        // The real restore, into a fresh data directory; the node then starts on it.
        proc.env.put("DATAFOLD_DATA", restoredData.toString());
        NodeProcess.Result restored = proc.datafold("restore", backup.toString());
        assertEquals(restored.all(), 0, restored.exit());
        assertTrue(restored.out(), restored.out().contains("store verified by JE"));
        proc.start();
        String restoredRows = shell("fold:query", "Reading", "timestamp,value,unit");
        List<String> keys = new ArrayList<>();
        Matcher m = ROW_KEY.matcher(restoredRows);
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertTrue(restoredRows, keys.size() >= 20 && keys.size() <= WRITES);
        for (int i = 0; i < keys.size(); i++) {
            assertEquals("the restored rows are a prefix of the writes", String.format("k%04d", i), keys.get(i));
        }
        String restoredHistory = shell("fold:history", "-n", "1000", "Note", "body");
        assertEquals(sourceKeys, shell("perm:keys"));
        assertEquals(sourceGrants, shell("perm:grants"));
        assertEquals(line(sourceStatus, "Node"), line(shell("fold:status"), "Node"));
        assertEquals(line(sourceStatus, "Owner key"), line(shell("fold:status"), "Owner key"));
        assertEquals(0, proc.datafold("stop").exit());

        // The same rows and histories on the source node, at the backup's point.
        proc.env.remove("DATAFOLD_DATA");
        proc.start();
        String filter = "{\"Keys\": [\"" + String.join("\", \"", keys) + "\"]}";
        assertEquals(restoredRows, shell("fold:query", "Reading", "timestamp,value,unit", filter));
        String newest = uuid(restoredHistory);
        int at = sourceHistory.indexOf("{\n  \"uuid\" : \"" + newest + "\"");
        assertTrue("the restored newest version is in the source's history", at > 0);
        assertEquals("the restored history is the source's up to the snapshot",
                sourceHistory.substring(at), restoredHistory.substring(2));
        // The Note versions agree with the rows: the last update written before the snapshot's last
        // row is there, the first written after the first row not restored is not.
        int lastRow = keys.size() - 1;
        assertTrue(restoredHistory, restoredHistory.contains("\"v" + ((lastRow - 1) / 5 * 5 + 1) + "\""));
        assertFalse(restoredHistory, restoredHistory.contains("\"v" + ((lastRow / 5 + 1) * 5 + 1) + "\""));
        assertEquals(0, proc.datafold("stop").exit());

        // JE's own DbVerify on the restored (and now closed) store.
        Path system = proc.home().resolve("system");
        Process verify = new ProcessBuilder("java", "-cp", system.resolve("je.jar").toString(),
                "com.sleepycat.je.util.DbVerify", "-h", restoredData.resolve("store").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("dbverify.txt").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        assertTrue(verify.waitFor(120, TimeUnit.SECONDS));
        assertEquals(Files.readString(work.resolve("dbverify.txt")), 0, verify.exitValue());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    private static String uuid(String history) {
        Matcher m = Pattern.compile("\"uuid\" : \"([0-9a-f-]+)\"").matcher(history);
        assertTrue(history, m.find());
        return m.group(1);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
