package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.Rule;
import org.junit.Test;

/**
 * Encryption at rest through real node processes: a node configured with encryption = passphrase
 * (the passphrase in DATAFOLD_PASSPHRASE) keeps its values out of the JE files, serves them after a
 * restart, re-wraps its data key with {@code fold:rekey}, and refuses to start with a wrong
 * passphrase (storage not activated, the reason in fold:diag and the log, nothing written).
 */
public class EncryptionProcessIT {
    @Rule
    public final NodeProcess proc = new NodeProcess("enc-");

    private static final String FIRST = "first passphrase for the IT";
    private static final String SECOND = "second passphrase, after rekey";
    private static final String MARKER = "lichen-quartz-7319 private note";

    private void encryptionOn() throws Exception {
        Path cfg = proc.home().resolve("etc/org.datafold.storage.cfg");
        String text = Files.readString(cfg);
        assertTrue(text, text.contains("encryption = none"));
        Files.writeString(cfg, text.replace("encryption = none", "encryption = passphrase"));
    }

    private void stop(Process node) throws Exception {
        NodeProcess.Result stop = proc.datafold("stop");
        assertEquals(stop.all(), 0, stop.exit());
        assertTrue(node.waitFor(60, TimeUnit.SECONDS));
    }

    @Test
    public void encryptedNodeServesAfterRestartRekeysAndRefusesAWrongPassphrase() throws Exception {
        encryptionOn();
        proc.env.put("DATAFOLD_PASSPHRASE", FIRST);
        Process node = proc.start();
        NodeProcess.Result status = proc.datafold("shell", "fold:status");
        assertEquals(status.all(), 0, status.exit());
        assertEquals(0, proc.datafold("shell", "schema:approve", "Note").exit());
        NodeProcess.Result created = proc.datafold("shell", "fold:mutate", "Note", "create",
                "{\"title\": \"diary\", \"body\": \"" + MARKER + "\"}");
        assertEquals(created.all(), 0, created.exit());
        stop(node);

        Path data = proc.home().resolve("data");
        assertTrue(Files.exists(data.resolve("data-key.json")));
        assertFalse("the value is not in the JE files in clear", storeContains(data, MARKER));
        assertFalse(storeContains(data, "lichen-quartz"));
        String log = Files.readString(proc.home().resolve("logs/datafold.log"));
        assertTrue(log, log.contains("encryption AES-256-GCM"));
        assertFalse("the passphrase never reaches the log", log.contains(FIRST));

        // Restart: the data is served.
        node = proc.start();
        NodeProcess.Result query = proc.datafold("shell", "fold:query", "Note", "title,body");
        assertEquals(query.all(), 0, query.exit());
        assertTrue(query.out(), query.out().contains(MARKER));

        // A new passphrase, at once.
        Path next = proc.home().getParent().resolve("next-passphrase");
        Files.writeString(next, SECOND + "\n");
        NodeProcess.Result rekey = proc.datafold("shell", "fold:rekey", next.toString());
        assertEquals(rekey.all(), 0, rekey.exit());
        assertTrue(rekey.out(), rekey.out().contains("re-wrapped") && rekey.out().contains("NEW passphrase"));
        assertTrue(proc.datafold("shell", "fold:query", "Note", "title,body").out().contains(MARKER));
        stop(node);

        // The old passphrase no longer opens the store: refused, nothing written.
        Map<String, String> before = hashes(data);
        Process refused = proc.start();
        NodeProcess.Result notReady = proc.datafold("shell", "--wait", "25", "fold:status");
        assertEquals(notReady.all(), 3, notReady.exit());
        NodeProcess.Result diag = proc.datafold("shell", "--no-wait", "fold:diag");
        assertTrue(diag.all(), diag.out().contains("wrong passphrase"));
        String refusedLog = Files.readString(proc.home().resolve("logs/datafold.log"));
        assertTrue(refusedLog, refusedLog.contains("storage not opened: wrong passphrase"));
        assertFalse(refusedLog.contains(FIRST) || refusedLog.contains(SECOND));
        stop(refused);
        assertEquals("a refused start writes nothing", before, hashes(data));

        // The new passphrase does.
        proc.env.put("DATAFOLD_PASSPHRASE", SECOND);
        node = proc.start();
        NodeProcess.Result again = proc.datafold("shell", "fold:query", "Note", "title,body");
        assertEquals(again.all(), 0, again.exit());
        assertTrue(again.out(), again.out().contains(MARKER));
        stop(node);
    }

    @Test
    public void aPlainNodeIsNotEncryptedInPlaceButMovesThroughExportAndImport() throws Exception {
        Process node = proc.start();
        assertEquals(0, proc.datafold("shell", "schema:approve", "Note").exit());
        assertEquals(0, proc.datafold("shell", "fold:mutate", "Note", "create",
                "{\"title\": \"plain\", \"body\": \"" + MARKER + "\"}").exit());
        Path export = proc.home().getParent().resolve("plain.jsonl");
        NodeProcess.Result exported = proc.datafold("export", export.toString());
        assertEquals(exported.all(), 0, exported.exit());
        stop(node);
        Path plain = proc.home().resolve("data");
        assertTrue("control: the plain store holds the value in clear", storeContains(plain, MARKER));

        // Encryption switched on over the plain store: refused, nothing created.
        encryptionOn();
        proc.env.put("DATAFOLD_PASSPHRASE", FIRST);
        Process refused = proc.start();
        assertEquals(3, proc.datafold("shell", "--wait", "25", "fold:status").exit());
        NodeProcess.Result diag = proc.datafold("shell", "--no-wait", "fold:diag");
        assertTrue(diag.all(), diag.out().contains("unencrypted data") && diag.out().contains("bin/datafold import"));
        stop(refused);
        assertFalse(Files.exists(plain.resolve("data-key.json")));

        // Import into a new data directory with encryption on (bin/datafold import reads the .cfg).
        Path encrypted = proc.home().getParent().resolve("data-encrypted");
        proc.env.put("DATAFOLD_DATA", encrypted.toString());
        NodeProcess.Result imported = proc.datafold("import", export.toString());
        assertEquals(imported.all(), 0, imported.exit());
        assertTrue(imported.out(), imported.out().contains("encrypting values (AES-256-GCM"));
        assertTrue(Files.exists(encrypted.resolve("data-key.json")));
        assertFalse("the imported store is encrypted", storeContains(encrypted, MARKER));
        node = proc.start();
        NodeProcess.Result query = proc.datafold("shell", "fold:query", "Note", "title,body");
        assertEquals(query.all(), 0, query.exit());
        assertTrue(query.out(), query.out().contains(MARKER));
        stop(node);
    }

    /** SHA-256 of every file below {@code data} except JE's lock file. */
    private static Map<String, String> hashes(Path data) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!f.getFileName().toString().equals("je.lck")) {
                    out.put(data.relativize(f).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                }
            }
        }
        return out;
    }

    private static boolean storeContains(Path data, String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(data.resolve("store"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jdb")).toList()) {
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
}
