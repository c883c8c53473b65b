package org.datafold.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.internal.transfer.ImportAccess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportTest {

    record SchemaRec(String name, String definition, String state, Map<String, String> refs) {
    }

    record AtomRec(String uuid, String schema, String field, String prevAtomUuid, String content) {
    }

    record RefRec(String atomUuid, long versions, boolean deleted) {
    }

    record TrustRec(String key, int distance, String label) {
    }

    record NodeRec(String nodeId) {
    }

    record Other(String value) {
    }

    static final RepositoryDescriptor<SchemaRec> SCHEMAS = new RepositoryDescriptor<>("schemas", SchemaRec.class);
    static final RepositoryDescriptor<AtomRec> ATOMS = new RepositoryDescriptor<>("atoms", AtomRec.class);
    static final RepositoryDescriptor<RefRec> REFS = new RepositoryDescriptor<>("atom_refs", RefRec.class);
    static final RepositoryDescriptor<TrustRec> TRUST = new RepositoryDescriptor<>("permission.trust", TrustRec.class);
    static final RepositoryDescriptor<NodeRec> NODE = new RepositoryDescriptor<>("node", NodeRec.class);
    static final RepositoryDescriptor<Other> OTHER = new RepositoryDescriptor<>("payments.state", Other.class);

    @TempDir
    Path dir;

    private final List<JeStorage> opened = new ArrayList<>();
    private JeStorage source;

    @AfterEach
    void closeAll() {
        opened.forEach(JeStorage::close);
    }

    private JeStorage open(Path data) {
        JeStorage storage = new JeStorage(TestStorageConfig.in(data));
        opened.add(storage);
        return storage;
    }

    @BeforeEach
    void fill() {
        source = open(dir.resolve("data"));
        source.run(() -> {
            source.repository(NODE).put("identity", new NodeRec("node-1"));
            source.repository(SCHEMAS).put("A", new SchemaRec("A", "{\"name\":\"A\"}", "APPROVED", Map.of("x", "ref-a")));
            source.repository(SCHEMAS).put("B", new SchemaRec("B", "{\"name\":\"B\"}", "AVAILABLE", Map.of("y", "ref-b")));
            source.repository(TRUST).put("ed25519:owner", new TrustRec("ed25519:owner", 0, "owner"));
            source.repository(TRUST).put("ed25519:app", new TrustRec("ed25519:app", 1, "app"));
            source.repository(OTHER).put("p1", new Other("paid"));
            for (int i = 0; i < 2500; i++) {
                String schema = i % 2 == 0 ? "A" : "B";
                String ref = i % 2 == 0 ? "ref-a" : "ref-b";
                source.repository(ATOMS).put("u" + i, new AtomRec("u" + i, schema, i % 2 == 0 ? "x" : "y",
                        i < 2 ? null : "u" + (i - 2), "v\u00e9" + i));
                source.repository(REFS).put(ref + "/row" + (i % 10), new RefRec("u" + i, i / 10 + 1, i % 7 == 0));
            }
        });
    }

    private JeExport.Report export(String name, Set<String> schemas) {
        return new JeExport(source).export(dir.resolve(name), schemas, null);
    }

    private String importInto(Path file, Path data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImportAccess.run(file, data, new PrintStream(out, true, StandardCharsets.UTF_8), (name, definition, line) -> {
            if (definition.contains("bad")) {
                throw ImportAccess.refusal("line " + line + ": schema " + name + " does not validate: bad");
            }
        });
        return out.toString(StandardCharsets.UTF_8);
    }

    private static <T> List<Repository.Entry<T>> all(JeStorage storage, RepositoryDescriptor<T> d) {
        return storage.repository(d).list(Integer.MAX_VALUE);
    }

    @Test
    void anExportImportedIntoANewDataDirectoryHoldsTheSameRecords() throws Exception {
        JeExport.Report report = export("all.jsonl", Set.of());
        assertThat(report.records()).containsEntry("atoms", 2500L).containsEntry("schemas", 2L)
                .containsEntry("permission.trust", 1L).containsEntry("payments.state", 1L).doesNotContainKey("node");
        List<String> lines = Files.readAllLines(report.file());
        assertThat(lines.get(0)).contains("\"format\":\"datafold-export\"").contains("\"version\":1")
                .contains("\"node_id\":\"node-1\"");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"end\":true,\"records\":" + report.total() + "}");
        assertThat(String.join("\n", lines)).doesNotContain("\"owner\"");

        Path data = dir.resolve("imported");
        String printed = importInto(report.file(), data);

        assertThat(printed).contains("checked " + report.total() + " records of the export of node node-1")
                .contains("imported " + report.total() + " records");
        JeStorage copy = open(data);
        assertThat(all(copy, ATOMS)).isEqualTo(all(source, ATOMS));
        assertThat(all(copy, REFS)).isEqualTo(all(source, REFS));
        assertThat(all(copy, SCHEMAS)).isEqualTo(all(source, SCHEMAS));
        assertThat(all(copy, OTHER)).isEqualTo(all(source, OTHER));
        assertThat(all(copy, TRUST)).extracting(Repository.Entry::key).containsExactly("ed25519:app");
        assertThat(copy.repository(NODE).count()).isZero();
    }

    @Test
    void anExportOfSomeSchemasHoldsTheirAtomsAndReferencesOnly() throws Exception {
        JeExport.Report report = export("a.jsonl", Set.of("A"));
        assertThat(report.records()).containsEntry("schemas", 1L).containsEntry("atoms", 1250L)
                .containsEntry("atom_refs", 10L - 5L);
        importInto(report.file(), dir.resolve("imported"));
        JeStorage copy = open(dir.resolve("imported"));
        assertThat(all(copy, ATOMS)).allMatch(e -> e.value().schema().equals("A")).hasSize(1250);
        assertThat(all(copy, REFS)).allMatch(e -> e.key().startsWith("ref-a/"));
        assertThatThrownBy(() -> export("c.jsonl", Set.of("C"))).isInstanceOf(StorageException.class)
                .hasMessageContaining("no schema named C");
        assertThatThrownBy(() -> export("a.jsonl", Set.of())).hasMessageContaining("never overwrites");
    }

    @Test
    void badInputIsRefusedNamingTheLineAndNothingIsImported() throws Exception {
        Path file = export("all.jsonl", Set.of()).file();
        List<String> lines = Files.readAllLines(file);
        Path data = dir.resolve("imported");

        assertRefused(lines.subList(0, lines.size() - 1), "truncated: the file ends at line " + (lines.size() - 1));
        assertRefused(lines.subList(0, 1200), "truncated: the file ends at line 1200");
        assertRefused(replace(lines, 0, lines.get(0).replace("\"version\":1", "\"version\":7")),
                "line 1: export format version 7 is not supported");
        assertRefused(replace(lines, 0, "{\"hello\":1}"), "line 1: not a DataFold export");
        assertRefused(replace(lines, 500, "{\"repository\": \"atoms\", oops"), "line 501: not JSON");
        assertRefused(replace(lines, 1, lines.get(1).replace("{\\\"name\\\":\\\"A\\\"}", "bad")),
                "line 2: schema A does not validate");
        assertRefused(replace(lines, 700, lines.get(699)), "line 701: a second record");
        assertRefused(replace(lines, 700, "{\"repository\":\"node\",\"key\":\"identity\",\"value\":{}}"),
                "line 701: \"node\" is not a repository an export holds");
        List<String> extra = new ArrayList<>(lines);
        extra.add(lines.get(5));
        assertRefused(extra, "line " + extra.size() + ": text after the end line");

        Files.createDirectories(data);
        Files.writeString(data.resolve("x"), "mine");
        assertThatThrownBy(() -> importInto(file, data)).hasMessageContaining("is not empty");
        assertThat(Files.readString(data.resolve("x"))).isEqualTo("mine");
    }

    private void assertRefused(List<String> lines, String message) throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, lines);
        Path data = dir.resolve("refused");
        assertThatThrownBy(() -> importInto(bad, data)).hasMessageContaining(message);
        assertThat(Files.exists(data)).as("nothing imported").isFalse();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("importing"));
        }
    }

    private static List<String> replace(List<String> lines, int index, String line) {
        List<String> copy = new ArrayList<>(lines);
        copy.set(index, line);
        return copy;
    }
}
