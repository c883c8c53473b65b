package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.DiscoveryReport.Entry;
import org.datafold.api.schema.DiscoveryReport.Outcome;
import org.datafold.api.schema.SchemaState;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

/** The service component, with a bundle context that stands in for the framework. */
class JeSchemaRegistryTest extends RegistryFixture {

    private record Config(String folder) implements SchemaConfig {
        @Override
        public Class<? extends Annotation> annotationType() {
            return SchemaConfig.class;
        }
    }

    private final FakeBundles.Context framework = new FakeBundles.Context();

    private JeSchemaRegistry activate() {
        return new JeSchemaRegistry(new Config(schemaFolder().toString()), framework.context, storage);
    }

    private static Bundle schemaBundle(long id, String name, String schema, int state) {
        return FakeBundles.bundle(id, name, Map.of(BundleSchemaSource.HEADER, "schemas"),
                Map.of("schemas/" + schema + ".json", TestSchemas.single(schema, schema.toLowerCase())), state);
    }

    @Test
    void activationDiscoversTheFolderAndEveryResolvedBundleThatCarriesSchemas() throws IOException {
        Files.createDirectories(schemaFolder());
        Files.writeString(schemaFolder().resolve("Note.json"), TestSchemas.single("Note", "title"));
        framework.bundles.add(schemaBundle(1, "org.acme.orders", "Order", Bundle.ACTIVE));
        framework.bundles.add(schemaBundle(2, "org.acme.unresolved", "Draft", Bundle.INSTALLED));
        framework.bundles.add(FakeBundles.bundle(3, "org.acme.lib", Map.of(), Map.of(), Bundle.ACTIVE));

        JeSchemaRegistry component = activate();

        assertThat(component.lastDiscovery().entries()).containsExactly(
                new Entry("Note", "file:" + schemaFolder().resolve("Note.json"), Outcome.LOADED, null),
                new Entry("Order", "bundle:org.acme.orders/schemas/Order.json", Outcome.LOADED, null));
        assertThat(component.get("Order").state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(component.find("Draft")).isEmpty();
        component.deactivate();
        assertThat(framework.listeners).isEmpty();
    }

    @Test
    void aBundleResolvedLaterHasItsSchemasLoadedAsAvailable() {
        JeSchemaRegistry component = activate();
        assertThat(component.all()).isEmpty();

        framework.resolved(schemaBundle(4, "org.acme.late", "Late", Bundle.RESOLVED));

        assertThat(component.get("Late").state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(component.get("Late").source()).isEqualTo("bundle:org.acme.late/schemas/Late.json");
        assertThat(component.lastDiscovery().entries())
                .containsExactly(new Entry("Late", "bundle:org.acme.late/schemas/Late.json", Outcome.LOADED, null));
        assertThat(component.discover().entries()).extracting(Entry::outcome).containsExactly(Outcome.UNCHANGED);
        component.deactivate();
    }

    @Test
    void theComponentServesTheRegistry() {
        JeSchemaRegistry component = activate();

        component.load(TestSchemas.single("Api", "a"), null);
        component.approve("Api");
        assertThat(component.approved("Api").field("a").refAtomUuid()).isNotNull();
        assertThat(component.block("Api").state()).isEqualTo(SchemaState.BLOCKED);
        assertThat(component.unload("Api").state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(component.all()).extracting(i -> i.source()).containsExactly("api");
        component.deactivate();
    }

    @Test
    void theFolderIsResolvedAgainstTheNodeHome() {
        String previous = System.getProperty("datafold.home");
        try {
            System.setProperty("datafold.home", dir.toString());
            assertThat(JeSchemaRegistry.resolveFolder("schemas")).isEqualTo(dir.resolve("schemas"));
            assertThat(JeSchemaRegistry.resolveFolder(" /opt/schemas/../shared ")).isEqualTo(Path.of("/opt/shared"));
            System.clearProperty("datafold.home");
            assertThat(JeSchemaRegistry.resolveFolder("schemas"))
                    .isEqualTo(Path.of("").toAbsolutePath().resolve("schemas"));
        } finally {
            if (previous == null) {
                System.clearProperty("datafold.home");
            } else {
                System.setProperty("datafold.home", previous);
            }
        }
    }

    @Test
    void aBlankFolderIsAConfigurationError() {
        FoldException e = failure(ErrorCode.CONFIGURATION_INVALID, () -> JeSchemaRegistry.resolveFolder(" "));

        assertThat(e.getMessage()).isEqualTo("configuration org.datafold.schema: folder must not be blank (was \" \")");
        assertThat(e.context()).containsEntry("key", "folder");
    }
}
