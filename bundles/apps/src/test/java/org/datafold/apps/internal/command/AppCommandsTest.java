package org.datafold.apps.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.datafold.api.app.AppInfo;
import org.datafold.api.app.Apps;
import org.junit.jupiter.api.Test;

/** {@code fold:apps} and {@code fold:app} print every field of an app, and its key only in full view. */
class AppCommandsTest {

    private static final String KEY = "MCowBQYDK2VwAyEAl8pWg0mXoZbVxqgkJ0v3m6Vh2n0kq0n3Xk0r2n6o8Yc=";

    private static AppInfo notes(Integer trust) {
        return new AppInfo("notes", "My Notes", 10, "com.example.b10", "1.0.0", "ACTIVE", KEY, "fp:ab12cd34ef56",
                "node", trust, List.of("Note", "Tag"), List.of("api.example.com"), 2, 1,
                "SCHEMA_NOT_FOUND: no schema X", Instant.parse("2026-12-01T10:00:00.250Z"));
    }

    private static Apps apps(AppInfo app) {
        return new Apps() {
            @Override
            public List<AppInfo> list() {
                return List.of(app);
            }

            @Override
            public AppInfo get(String id) {
                return app;
            }
        };
    }

    @Test
    void theTableShowsTheFingerprintNotTheKey() {
        String table = new AppCommands(apps(notes(null))).apps();
        assertThat(table).contains("ID", "FINGERPRINT", "notes", "fp:ab12cd34ef56", "ACTIVE", "Note,Tag",
                "SCHEMA_NOT_FOUND: no schema X").doesNotContain(KEY);
    }

    @Test
    void oneAppIsShownInFull() {
        String one = new AppCommands(apps(notes(null))).app("notes");
        assertThat(one).contains("My Notes", "10 com.example.b10 1.0.0", "ed25519:" + KEY, "fp:ab12cd34ef56",
                "node (a pair the node created and keeps)", "not trusted (perm:trust ed25519:" + KEY,
                "api.example.com", "Requests", "Last error", "(2026-12-01T10:00:00Z)");
        assertThat(new AppCommands(apps(notes(3))).app("notes")).contains("distance 3");
    }
}
