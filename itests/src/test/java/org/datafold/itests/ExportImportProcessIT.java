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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Rule;
import org.junit.Test;

/**
 * Export and import through the assembled node as processes: a node with single and range
 * schemas, a field mapped from another schema, declarative transforms, deleted atoms, a trust
 * entry and a grant is exported with {@code bin/datafold export}, imported with
 * {@code bin/datafold import} into a new data directory, and answers every query and history as
 * the source did (same values, same atom ids). A truncated file and a line that is not JSON are
 * refused, naming the line, and import nothing.
 */
public class ExportImportProcessIT {

    @Rule
    public final NodeProcess proc = new NodeProcess("export-");

    /** The commands whose output must be the same on both nodes. */
    private static final List<String[]> COMPARED = List.of(
            new String[] { "schema:list" },
            new String[] { "perm:grants" },
            new String[] { "fold:query", "Note", "title,body,created_at" },
            new String[] { "fold:history", "Note", "body" },
            new String[] { "fold:history", "Note", "title" },
            new String[] { "fold:query", "Reading", "timestamp,sensor_id,value,unit" },
            new String[] { "fold:history", "Reading", "value", "k1" },
            new String[] { "fold:history", "Reading", "value", "k2" },
            new String[] { "fold:history", "Reading", "unit", "k3" },
            new String[] { "fold:query", "Contact", "name,email,phone,notes" },
            new String[] { "fold:history", "Contact", "name" },
            new String[] { "fold:query", "PublicProfile", "display_name,bio" },
            new String[] { "fold:history", "PublicProfile", "display_name" },
            new String[] { "fold:query", "Order", "price,quantity,discount" },
            new String[] { "fold:query", "OrderTotal", "total,label" },
            new String[] { "fold:history", "OrderTotal", "total" },
            new String[] { "fold:history", "OrderTotal", "label" });

    private String shell(String... command) throws Exception {
        String[] args = new String[command.length + 1];
        args[0] = "shell";
        System.arraycopy(command, 0, args, 1, command.length);
        NodeProcess.Result r = proc.datafold(args);
        assertEquals(r.all(), 0, r.exit());
        return r.out();
    }

    private Map<String, String> answers() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] c : COMPARED) {
            out.put(String.join(" ", c), shell(c));
        }
        // The owner's own entry is each node's own; the rest of the trust table moves.
        out.put("perm:keys", shell("perm:keys").lines().filter(l -> !l.contains(" owner "))
                .collect(Collectors.joining("\n")));
        return out;
    }

    @Test
    public void anExportImportedIntoANewNodeAnswersEveryQueryAndHistoryAsTheSourceDid() throws Exception {
        Path work = proc.home().getParent();
        proc.start();
        List<String> lines = new ArrayList<>();
        for (String s : List.of("Note", "Reading", "Contact", "PublicProfile", "Order", "OrderTotal")) {
            lines.add("schema:approve " + s);
        }
        lines.add("fold:mutate Note create '{\"title\": \"diary\", \"body\": \"first\", \"created_at\": \"2026-01-01\"}'");
        lines.add("fold:mutate Note update '{\"body\": \"second\"}'");
        lines.add("fold:mutate Note delete '{\"body\": null}'");
        lines.add("fold:mutate Note update '{\"title\": \"diary \u00e9t\u00e9\"}'");
        for (int i = 1; i <= 3; i++) {
            lines.add("fold:mutate Reading create '{\"timestamp\": \"k" + i + "\", \"sensor_id\": \"s\", \"value\": " + i * 1.5
                    + ", \"unit\": \"C\"}'");
        }
        lines.add("fold:mutate Reading update '{\"timestamp\": \"k1\", \"value\": 9}'");
        lines.add("fold:mutate Reading delete '{\"timestamp\": \"k2\"}'");
        lines.add("fold:mutate Contact create '{\"name\": \"Ann\", \"email\": \"ann@example.org\"}'");
        lines.add("fold:mutate Contact update '{\"name\": \"Ann B.\"}'");
        lines.add("fold:mutate PublicProfile update '{\"bio\": \"hello\"}'");
        lines.add("fold:mutate Order create '{\"price\": 40, \"quantity\": 3, \"discount\": 0.1}'");
        Path commands = work.resolve("data.txt");
        Files.write(commands, lines);
        Process writer = new ProcessBuilder(proc.home().resolve("bin/datafold").toString(), "shell")
                .redirectInput(commands.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve("data.out").toFile()).start();
        assertTrue(writer.waitFor(120, TimeUnit.SECONDS));
        assertEquals(Files.readString(work.resolve("data.out")), 0, writer.exitValue());
        NodeProcess.Result keygen = proc.client("keygen", work.resolve("app.key").toString());
        assertEquals(keygen.all(), 0, keygen.exit());
        shell("perm:trust", keygen.out().trim(), "1", "reader");
        shell("perm:grant", "reader", "Note.title", "read");
        await("the transforms ran").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> shell("fold:query", "OrderTotal", "total,label"), out -> out.contains("\"value\" : 108"));
        await("no transform run queued").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> shell("fold:transform", "OrderTotal.label"), out -> out.contains("Queued        0"));

        Map<String, String> source = answers();
        Path file = work.resolve("node.jsonl");
        NodeProcess.Result exported = proc.datafold("export", file.toString());
        assertEquals(exported.all(), 0, exported.exit());
        assertTrue(exported.out(), exported.out().contains("atoms") && exported.out().contains("Records"));
        NodeProcess.Result some = proc.datafold("export", work.resolve("notes.jsonl").toString(), "--schemas", "Note");
        assertEquals(some.all(), 0, some.exit());
        assertTrue(some.out(), some.out().matches("(?s).*schemas\\s+1\\n.*"));
        assertEquals(0, proc.datafold("stop").exit());

        // Bad input: refused, naming the line, and no data directory is created.
        List<String> all = Files.readAllLines(file);
        Path truncated = work.resolve("truncated.jsonl");
        Files.write(truncated, all.subList(0, all.size() - 3));
        Path garbled = work.resolve("garbled.jsonl");
        List<String> g = new ArrayList<>(all);
        g.set(5, "{\"repository\": \"atoms\", \"key\": ");
        Files.write(garbled, g);
        proc.env.put("DATAFOLD_DATA", work.resolve("refused").toString());
        NodeProcess.Result r1 = proc.datafold("import", truncated.toString());
        assertEquals(r1.all(), 1, r1.exit());
        assertTrue(r1.all(), r1.err().contains("truncated: the file ends at line " + (all.size() - 3)));
        NodeProcess.Result r2 = proc.datafold("import", garbled.toString());
        assertEquals(r2.all(), 1, r2.exit());
        assertTrue(r2.all(), r2.err().contains("line 6: not JSON"));
        assertFalse(Files.exists(work.resolve("refused")));

        proc.env.put("DATAFOLD_DATA", work.resolve("imported").toString());
        NodeProcess.Result imported = proc.datafold("import", file.toString());
        assertEquals(imported.all(), 0, imported.exit());
        assertTrue(imported.out(), imported.out().contains("imported " + (all.size() - 2) + " records"));
        proc.start();
        Map<String, String> copy = answers();
        for (String command : source.keySet()) {
            assertEquals(command, source.get(command), copy.get(command));
        }
        assertTrue(source.get("fold:history Note body"), source.get("fold:history Note body").contains("DELETED"));
        assertTrue(source.get("perm:keys"), source.get("perm:keys").contains("reader"));
        assertTrue(source.get("perm:grants"), source.get("perm:grants").contains("Note.title"));
        assertTrue(source.get("fold:query PublicProfile display_name,bio"),
                source.get("fold:query PublicProfile display_name,bio").contains("Ann B."));
        assertEquals(0, proc.datafold("stop").exit());
        assertTrue(new File(work.resolve("imported").toString()).isDirectory());
    }
}
