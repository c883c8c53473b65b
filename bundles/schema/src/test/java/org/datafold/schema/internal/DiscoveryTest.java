package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.DiscoveryReport.Entry;
import org.datafold.api.schema.DiscoveryReport.Outcome;
import org.datafold.api.schema.SchemaState;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class DiscoveryTest extends RegistryFixture {

    private Path write(String file, String content) throws IOException {
        Path folder = Files.createDirectories(schemaFolder());
        return Files.writeString(folder.resolve(file), content);
    }

    private String source(String file) {
        return "file:" + schemaFolder().toAbsolutePath().normalize().resolve(file);
    }

    @Test
    void reportsAGoodABadAndADuplicateNameFile() throws IOException {
        write("a_Note.json", TestSchemas.single("Note", "title"));
        write("b_Broken.json", "{\"name\": \"Broken\", \"fields\": {}}");
        write("c_Note.json", TestSchemas.single("Note", "title", "body"));
        write("README.md", "not a schema");
        Files.createDirectories(schemaFolder().resolve("nested"));
        write("nested/Deep.json", TestSchemas.single("Deep", "d"));

        DiscoveryReport report = registry.discover();

        assertThat(report.entries()).containsExactly(
                new Entry("Note", source("a_Note.json"), Outcome.LOADED, null),
                new Entry("Broken", source("b_Broken.json"), Outcome.FAILED,
                        "SCHEMA_INVALID: " + source("b_Broken.json") + ": $.fields: must have at least one field"),
                new Entry("Note", source("c_Note.json"), Outcome.DIFFERS,
                        "SCHEMA_CONFLICT: schema \"Note\" from " + source("c_Note.json") + " differs from the known "
                                + "schema \"Note\" (from " + source("a_Note.json") + "); the known schema is kept"));
        assertThat(registry.lastDiscovery()).isEqualTo(report);
        assertThat(registry.all()).extracting(i -> i.schema().name()).containsExactly("Note");
        assertThat(registry.get("Note").state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(registry.get("Note").source()).isEqualTo(source("a_Note.json"));
    }

    @Test
    void discoveringAgainFindsTheKnownSchemasUnchanged() throws IOException {
        write("Note.json", TestSchemas.single("Note", "title"));
        registry.discover();
        registry.approve("Note");

        DiscoveryReport again = registry.discover();

        assertThat(again.entries()).containsExactly(new Entry("Note", source("Note.json"), Outcome.UNCHANGED, null));
        assertThat(registry.get("Note").state()).as("discovery never changes a state")
                .isEqualTo(SchemaState.APPROVED);
    }

    @Test
    void aStoredSchemaWinsOverAChangedFileOfTheSameName() throws IOException {
        write("Note.json", TestSchemas.single("Note", "title"));
        registry.discover();
        var approved = registry.approve("Note");
        write("Note.json", TestSchemas.single("Note", "title", "body"));

        restart();
        DiscoveryReport report = registry.discover();

        assertThat(report.entries()).singleElement().satisfies(entry -> {
            assertThat(entry.outcome()).isEqualTo(Outcome.DIFFERS);
            assertThat(entry.error()).startsWith("SCHEMA_CONFLICT: schema \"Note\" from " + source("Note.json")
                    + " differs from the known schema \"Note\"");
        });
        assertThat(registry.get("Note")).isEqualTo(approved);
    }

    @Test
    void theSameContentUnderAnotherNameFails() throws IOException {
        write("a.json", TestSchemas.single("Note", "title"));
        write("b.json", TestSchemas.single("Memo", "title"));

        List<Entry> entries = registry.discover().entries();

        assertThat(entries.get(1)).isEqualTo(new Entry("Memo", source("b.json"), Outcome.FAILED,
                "SCHEMA_CONFLICT: schema \"Memo\" from " + source("b.json") + " has the same content as the known "
                        + "schema \"Note\" (from " + source("a.json") + ")"));
    }

    @Test
    void unreadableFilesFailWithoutStoppingDiscovery() throws IOException {
        Files.createDirectories(schemaFolder());
        Files.write(schemaFolder().resolve("a_latin1.json"), "{\"name\": \"Caf\u00e9\"}".getBytes(
                StandardCharsets.ISO_8859_1));
        write("b_huge.json", " ".repeat(SchemaText.MAX_BYTES + 1));
        write("c_malformed.json", "{\"name\": \"Half\", ");
        write("d_bom.json", "\uFEFF" + TestSchemas.single("Bom", "b"));

        List<Entry> entries = registry.discover().entries();

        assertThat(entries).containsExactly(
                new Entry(null, source("a_latin1.json"), Outcome.FAILED,
                        "SCHEMA_INVALID: " + source("a_latin1.json") + ": cannot read: not valid UTF-8"),
                new Entry(null, source("b_huge.json"), Outcome.FAILED,
                        "SCHEMA_INVALID: " + source("b_huge.json") + ": cannot read: larger than 1048576 bytes"),
                new Entry(null, source("c_malformed.json"), Outcome.FAILED,
                        "SCHEMA_INVALID: " + source("c_malformed.json") + ": malformed JSON at line 1, column 18: "
                                + "Unexpected end-of-input within/between Object entries"),
                new Entry("Bom", source("d_bom.json"), Outcome.LOADED, null));
    }

    @Test
    void aMissingFolderHoldsNoSchemas() {
        assertThat(registry.discover().entries()).isEmpty();
        assertThat(registry.lastDiscovery().entries()).isEmpty();
    }

    @Test
    void theShippedExampleSchemasAllLoad() {
        SchemaRegistryCore examples = new SchemaRegistryCore(storage, SchemaFormatTest.EXAMPLES);

        DiscoveryReport report = examples.discover();

        assertThat(report.entries()).extracting(Entry::name)
                .containsExactly("Contact", "Note", "Order", "OrderTotal", "PublicProfile", "Reading");
        assertThat(report.entries()).allSatisfy(e -> assertThat(e.outcome()).as(e.error()).isEqualTo(Outcome.LOADED));
        assertThat(report.entries()).allSatisfy(e -> assertThat(e.source())
                .startsWith("file:" + SchemaFormatTest.EXAMPLES.toAbsolutePath().normalize() + "/"));
        assertThat(examples.get("Reading").schema().type().rangeKey()).isEqualTo("timestamp");
    }

    // ---------------------------------------------------------------- other sources

    /** Named JSON documents in memory, as a bundle carries them. */
    private record MemorySource(String id, Map<String, String> files) implements SchemaSource {
        @Override
        public List<SchemaDocument> documents() {
            List<SchemaDocument> list = new ArrayList<>();
            new TreeMap<>(files).forEach((path, json) -> list.add(new SchemaDocument() {
                @Override
                public String source() {
                    return id + "/" + path;
                }

                @Override
                public String read() {
                    return json;
                }
            }));
            return list;
        }
    }

    @Test
    void aPassCoversTheFolderThenEverySchemaCarryingBundle() throws IOException {
        write("Note.json", TestSchemas.single("Note", "title"));
        MemorySource bundle = new MemorySource("bundle:org.acme.app",
                Map.of("schemas/Order.json", TestSchemas.single("Order", "item", "qty")));
        SchemaRegistryCore withBundles = new SchemaRegistryCore(storage, schemaFolder(), () -> List.of(bundle));

        DiscoveryReport report = withBundles.discover();

        assertThat(report.entries()).containsExactly(
                new Entry("Note", source("Note.json"), Outcome.LOADED, null),
                new Entry("Order", "bundle:org.acme.app/schemas/Order.json", Outcome.LOADED, null));
        assertThat(withBundles.get("Order").state()).isEqualTo(SchemaState.AVAILABLE);
    }

    @Test
    void aSourceDiscoveredOnItsOwnReplacesOnlyItsEntriesInTheLastReport() throws IOException {
        write("Note.json", TestSchemas.single("Note", "title"));
        MemorySource acme = new MemorySource("bundle:org.acme", Map.of("s/A.json", TestSchemas.single("A", "a")));
        MemorySource acmeMore = new MemorySource("bundle:org.acme.more",
                Map.of("s/B.json", TestSchemas.single("B", "b")));
        SchemaRegistryCore withBundles = new SchemaRegistryCore(storage, schemaFolder(), () -> List.of(acme, acmeMore));
        withBundles.discover();
        MemorySource acmeUpdated = new MemorySource("bundle:org.acme",
                Map.of("s/A.json", TestSchemas.single("A", "a"), "s/C.json", TestSchemas.single("C", "c")));

        DiscoveryReport merged = withBundles.discover(acmeUpdated);

        assertThat(merged.entries()).containsExactly(
                new Entry("Note", source("Note.json"), Outcome.LOADED, null),
                new Entry("B", "bundle:org.acme.more/s/B.json", Outcome.LOADED, null),
                new Entry("A", "bundle:org.acme/s/A.json", Outcome.UNCHANGED, null),
                new Entry("C", "bundle:org.acme/s/C.json", Outcome.LOADED, null));
        assertThat(withBundles.lastDiscovery()).isEqualTo(merged);
    }

    @Test
    void aBundleArrivingDuringAPassKeepsItsEntriesInTheReport() {
        MemorySource late = new MemorySource("bundle:org.late", Map.of("s/L.json", TestSchemas.single("L", "l")));
        AtomicReference<SchemaRegistryCore> core = new AtomicReference<>();
        SchemaSource arrivesMeanwhile = new SchemaSource() {
            @Override
            public String id() {
                return "bundle:org.first";
            }

            @Override
            public List<SchemaDocument> documents() {
                // While the pass lists this bundle, another one is resolved and discovered.
                core.get().discover(late);
                return List.of();
            }
        };
        core.set(new SchemaRegistryCore(storage, schemaFolder(), () -> List.of(arrivesMeanwhile)));

        DiscoveryReport report = core.get().discover();

        assertThat(report.entries()).containsExactly(new Entry("L", "bundle:org.late/s/L.json", Outcome.LOADED, null));
        assertThat(core.get().lastDiscovery()).isEqualTo(report);
    }

    @Test
    void aSourceThatCannotBeListedFailsAsAWhole() {
        SchemaSource broken = new SchemaSource() {
            @Override
            public String id() {
                return "bundle:org.broken";
            }

            @Override
            public List<SchemaDocument> documents() throws IOException {
                throw new IOException("zip file closed");
            }
        };
        SchemaRegistryCore withBroken = new SchemaRegistryCore(storage, schemaFolder(), () -> List.of(broken));

        assertThat(withBroken.discover().entries()).containsExactly(new Entry(null, "bundle:org.broken",
                Outcome.FAILED, "SCHEMA_INVALID: cannot list bundle:org.broken: java.io.IOException: zip file closed"));
    }

    @Test
    void aBundleWithASchemaHeaderIsASourceOfItsJsonEntries() throws IOException {
        Bundle bundle = FakeBundles.bundle(7, "org.acme.app", Map.of(BundleSchemaSource.HEADER, " schemas , more/"),
                Map.of("schemas/B.json", TestSchemas.single("B", "b"),
                        "schemas/A.json", TestSchemas.single("A", "a"),
                        "schemas/readme.txt", "text",
                        "schemas/sub/C.json", TestSchemas.single("C", "c"),
                        "more/D.json", TestSchemas.single("D", "d"),
                        "other/E.json", TestSchemas.single("E", "e")),
                Bundle.RESOLVED);

        BundleSchemaSource source = BundleSchemaSource.of(bundle);

        assertThat(source.id()).isEqualTo("bundle:org.acme.app");
        List<SchemaSource.SchemaDocument> documents = source.documents();
        assertThat(documents).extracting(SchemaSource.SchemaDocument::source).containsExactly(
                "bundle:org.acme.app/schemas/A.json", "bundle:org.acme.app/schemas/B.json",
                "bundle:org.acme.app/more/D.json");
        assertThat(documents.get(0).read()).isEqualTo(TestSchemas.single("A", "a"));
    }

    @Test
    void aBundleWithoutTheHeaderIsNoSource() {
        Bundle plain = FakeBundles.bundle(8, "org.acme.lib", Map.of(), Map.of(), Bundle.ACTIVE);
        Bundle blank = FakeBundles.bundle(9, "org.acme.blank", Map.of(BundleSchemaSource.HEADER, " , "), Map.of(),
                Bundle.ACTIVE);

        assertThat(BundleSchemaSource.of(plain)).isNull();
        assertThat(BundleSchemaSource.of(blank)).isNull();
    }

    @Test
    void aBundleWhoseFolderIsMissingHasNoDocuments() {
        Bundle bundle = FakeBundles.bundle(10, null, Map.of(BundleSchemaSource.HEADER, "schemas"), Map.of(),
                Bundle.RESOLVED);

        BundleSchemaSource source = BundleSchemaSource.of(bundle);

        assertThat(source.id()).isEqualTo("bundle:#10");
        assertThat(source.documents()).isEmpty();
    }
}
