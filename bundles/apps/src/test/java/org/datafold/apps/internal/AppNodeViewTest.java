package org.datafold.apps.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PublicKeys;
import org.datafold.api.query.Caller;
import org.datafold.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;

class AppNodeViewTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-03T04:05:06Z"), ZoneOffset.UTC);

    private final String key = Fakes.newKey();
    private final App app = new App("notes", "Notes", 42, "com.example.notes", "1.0.0", key, App.NODE_KEY,
            new AppStats(CLOCK), () -> Bundle.ACTIVE);
    private final Fakes.Node node = new Fakes.Node();
    private final AppNodeView view = new AppNodeView(app, node);

    @Test
    void theViewActsAsTheApp() {
        assertThat(view.caller()).isEqualTo(Caller.key(key));
        view.query(null, null);
        assertThat(node.lastCaller).isEqualTo(Caller.key(key));
        node.lastCaller = null;
        view.mutate(view.caller(), null);
        assertThat(node.lastCaller).isEqualTo(Caller.key(key));
        node.lastCaller = null;
        view.history(Caller.key(PublicKeys.PREFIX + key), "S", "f", null, 1);
        assertThat(node.lastCaller).isEqualTo(Caller.key(key));
    }

    @Test
    void actingAsAnyoneElseIsRefusedAndLogged() {
        String other = Fakes.newKey();
        try (LogCapture log = new LogCapture()) {
            for (Caller as : new Caller[] { Caller.localOwner(), Caller.key(other), new Caller(key, true),
                    Caller.key("not-a-key") }) {
                expectDenied(v -> v.query(as, null), "can only act as itself");
                expectDenied(v -> v.mutate(as, null), "can only act as itself");
                expectDenied(v -> v.history(as, "S", "f", null, 1), "can only act as itself");
            }
            assertThat(node.lastCaller).isNull();
            assertThat(log.security()).hasSize(12).allSatisfy(l -> assertThat(l).contains("WARN")
                    .contains("notes").contains(app.fingerprint()).doesNotContain(key).doesNotContain(other));
        }
    }

    @Test
    void ownerOperationsAreRefused() {
        try (LogCapture log = new LogCapture()) {
            expectDenied(v -> v.approve("S"), "owner");
            expectDenied(v -> v.block("S"), "owner");
            expectDenied(v -> v.unload("S"), "owner");
            expectDenied(FoldNode::discover, "owner");
            expectDenied(FoldNode::lastDiscovery, "owner");
            assertThat(log.security()).hasSize(5);
        }
    }

    @Test
    void readingSchemasAndLoadingOneIsAllowed() {
        node.schemas.add(Fakes.schema("Notes", "api"));
        assertThat(view.schemas()).hasSize(1);
        assertThat(view.schema("Notes").schema().name()).isEqualTo("Notes");
        view.loadSchema("{}", "whatever/the/app/says");
        assertThat(node.lastSource).isEqualTo("app:notes");
    }

    @Test
    void callsAndFailuresAreCounted() {
        view.schemas();
        view.query(null, null);
        assertThat(app.stats().requests()).isEqualTo(2);
        assertThat(app.stats().errors()).isZero();
        assertThat(app.stats().lastError()).isNull();

        node.failure = new FoldException(ErrorCode.SCHEMA_NOT_APPROVED, "schema Notes is not approved");
        assertThatThrownBy(() -> view.query(null, null)).isSameAs(node.failure);
        assertThat(app.stats().requests()).isEqualTo(3);
        assertThat(app.stats().errors()).isEqualTo(1);
        assertThat(app.stats().lastError().text()).isEqualTo("SCHEMA_NOT_APPROVED: schema Notes is not approved");
        assertThat(app.stats().lastError().at()).isEqualTo(CLOCK.instant());

        node.failure = null;
        assertThatThrownBy(() -> view.approve("Notes")).isInstanceOf(FoldException.class);
        assertThat(app.stats().requests()).isEqualTo(4);
        assertThat(app.stats().errors()).isEqualTo(2);
        assertThat(app.stats().lastError().text()).startsWith("PERMISSION_DENIED: ");
    }

    @Test
    void aClosedViewIsUnavailable() {
        view.close();
        assertThatThrownBy(view::schemas).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThatThrownBy(() -> view.query(null, null)).isInstanceOfSatisfying(FoldException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(app.stats().requests()).isZero();
    }

    private void expectDenied(Consumer<FoldNode> call, String message) {
        assertThatThrownBy(() -> call.accept(view)).isInstanceOfSatisfying(FoldException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
