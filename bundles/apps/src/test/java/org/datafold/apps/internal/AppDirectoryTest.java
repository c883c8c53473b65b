package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.app.AppInfo;
import org.junit.jupiter.api.Test;

class AppDirectoryTest extends StorageFixture {

    private final Fakes.Node node = new Fakes.Node();

    private AppDirectory directory(String... allow) {
        OutboundSettings settings = OutboundSettings.from(TestAppsConfig.allow(allow));
        return new AppDirectory(registry, node, permissions, () -> settings);
    }

    @Test
    void anAppIsDescribedInFull() {
        App app = add(10, "notes;name=\"My Notes\"");
        node.schemas.add(Fakes.schema("Note", "bundle:com.example.b10/schemas/note.json"));
        node.schemas.add(Fakes.schema("Tag", "app:notes"));
        node.schemas.add(Fakes.schema("Elsewhere", "bundle:com.example.b100/schemas/x.json"));
        node.schemas.add(Fakes.schema("File", "file:/tmp/x.json"));
        new AppNodeView(app, node).schemas();
        node.failure = new FoldException(ErrorCode.SCHEMA_NOT_FOUND, "no schema X");
        try {
            new AppNodeView(app, node).schema("X");
        } catch (FoldException expected) {
            // counted
        }
        node.failure = null;

        AppInfo info = directory("notes=api.example.com", "notes=*.example.org", "other=x.example.net:8443")
                .get("notes");
        assertThat(info.id()).isEqualTo("notes");
        assertThat(info.name()).isEqualTo("My Notes");
        assertThat(info.bundleId()).isEqualTo(10);
        assertThat(info.symbolicName()).isEqualTo("com.example.b10");
        assertThat(info.version()).isEqualTo("1.0.0");
        assertThat(info.state()).isEqualTo("ACTIVE");
        assertThat(info.publicKey()).isEqualTo(app.publicKey());
        assertThat(info.fingerprint()).isEqualTo(app.fingerprint()).startsWith("fp:");
        assertThat(info.keySource()).isEqualTo("node");
        assertThat(info.trustDistance()).isNull();
        assertThat(info.schemas()).containsExactly("Note", "Tag");
        assertThat(info.outbound()).containsExactly("api.example.com", "*.example.org");
        assertThat(info.requests()).isEqualTo(2);
        assertThat(info.errors()).isEqualTo(1);
        assertThat(info.lastError()).isEqualTo("SCHEMA_NOT_FOUND: no schema X");
        assertThat(info.lastErrorAt()).isEqualTo(CLOCK.instant());

        permissions.trust(app.publicKey(), 3, "notes");
        assertThat(directory().get("notes").trustDistance()).isEqualTo(3);
    }

    @Test
    void listIsById() {
        add(10, "zeta");
        add(11, "alpha");
        assertThat(directory().list()).extracting(AppInfo::id).containsExactly("alpha", "zeta");
    }

    @Test
    void anUnknownAppIsNotFound() {
        assertThatThrownBy(() -> directory().get("nope")).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
