package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.datafold.core.api.FieldChangeEvent;
import org.datafold.api.FoldException;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldChange;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Field-change events: one per field written, only after a commit. */
class EventsTest extends EngineFixture {

    @BeforeEach
    void schemas() {
        registry.approved(TestSchemas.single("Person").field("name", "age").build(),
                TestSchemas.range("Event", "day").field("title").build());
    }

    @Test
    void eachFieldWrittenIsPublishedAfterTheCommit() throws Exception {
        List<String> seenByAnotherThread = Collections.synchronizedList(new ArrayList<>());
        FoldEngine observed = new FoldEngine(storage, registry, changes -> {
            // Another thread reads the new atoms while the publisher runs: this only works once
            // the transaction has committed (before, the write locks would hold the reader back).
            for (FieldChangeEvent change : changes) {
                FieldOutcome outcome = CompletableFuture.supplyAsync(() -> outcome("Person", change.field()))
                        .orTimeout(10, TimeUnit.SECONDS).join();
                seenByAnotherThread.add(outcome.atomUuid());
            }
            published.add(changes);
        });

        MutationResult result = observed.mutate(Caller.key("c2Vu"),
                new Mutation("Person", Mutation.Type.CREATE, values("name", "Ada", "age", 36)));

        assertThat(published).hasSize(1);
        List<FieldChangeEvent> changes = published.get(0);
        assertThat(changes).extracting(FieldChangeEvent::field).containsExactly("name", "age");
        assertThat(seenByAnotherThread).containsExactly(result.atoms().get("name"), result.atoms().get("age"));
        FieldChangeEvent name = changes.get(0);
        assertThat(name).isEqualTo(new FieldChangeEvent("Person", "name", null, result.atoms().get("name"),
                registry.approved("Person").field("name").refAtomUuid(), "c2Vu", "CREATE"));
        assertThat(name.properties()).containsOnlyKeys(FieldChange.SCHEMA, FieldChange.FIELD, FieldChange.ATOM_UUID,
                FieldChange.FIELD_REF, FieldChange.SOURCE, FieldChange.KIND);
    }

    @Test
    void rangeChangesCarryTheRangeKeyAndTheKind() {
        create("Event", "day", "d1", "title", "A");
        delete("Event", "day", "d1", "title", null);

        assertThat(published).hasSize(2);
        assertThat(published.get(0)).extracting(FieldChangeEvent::field).containsExactly("day", "title");
        assertThat(published.get(1)).singleElement().satisfies(change -> {
            assertThat(change.kind()).isEqualTo("DELETE");
            assertThat(change.rangeKey()).isEqualTo("d1");
            assertThat(change.properties()).containsEntry(FieldChange.RANGE_KEY, "d1");
        });
    }

    @Test
    void aFailedMutationPublishesNothing() {
        create("Person", "name", "Ada");
        published.clear();

        assertThatThrownBy(() -> update("Person", "name", "Grace", "age", 37)).isInstanceOf(FoldException.class);
        assertThatThrownBy(() -> create("Person", "name", "Grace", "nope", 1)).isInstanceOf(FoldException.class);
        assertThatThrownBy(() -> create("Event", "title", "no key")).isInstanceOf(FoldException.class);

        assertThat(published).isEmpty();
    }

    @Test
    void aFailingPublisherDoesNotFailTheCommittedMutation() {
        FoldEngine failing = new FoldEngine(storage, registry, changes -> {
            throw new IllegalStateException("subscriber path broken");
        });

        MutationResult result = failing.mutate(OWNER, new Mutation("Person", Mutation.Type.CREATE, values("name", "Ada")));

        assertThat(outcome("Person", "name").atomUuid()).isEqualTo(result.atoms().get("name"));
    }

    @Test
    void theEventAdminPublisherPostsOneEventPerChange() {
        List<Event> posted = new ArrayList<>();
        EventAdmin admin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                throw new AssertionError("events are posted asynchronously, never sent");
            }
        };
        FieldChangeEvent single = new FieldChangeEvent("Person", "name", null, "u1", "r1", "owner", "UPDATE");
        FieldChangeEvent ranged = new FieldChangeEvent("Event", "title", "d1", "u2", "r2", "owner", "CREATE");

        new EventAdminPublisher(() -> admin).publish(List.of(single, ranged));

        assertThat(posted).hasSize(2);
        assertThat(posted).allSatisfy(e -> assertThat(e.getTopic()).isEqualTo(FieldChange.TOPIC));
        Event first = posted.get(0);
        assertThat(first.getProperty(FieldChange.SCHEMA)).isEqualTo("Person");
        assertThat(first.getProperty(FieldChange.FIELD)).isEqualTo("name");
        assertThat(first.getProperty(FieldChange.ATOM_UUID)).isEqualTo("u1");
        assertThat(first.getProperty(FieldChange.FIELD_REF)).isEqualTo("r1");
        assertThat(first.getProperty(FieldChange.SOURCE)).isEqualTo("owner");
        assertThat(first.getProperty(FieldChange.KIND)).isEqualTo("UPDATE");
        assertThat(first.containsProperty(FieldChange.RANGE_KEY)).isFalse();
        assertThat(posted.get(1).getProperty(FieldChange.RANGE_KEY)).isEqualTo("d1");
    }

    @Test
    void withoutEventAdminChangesAreDropped() {
        FoldEngine withoutAdmin = new FoldEngine(storage, registry, new EventAdminPublisher(() -> null));

        MutationResult result = withoutAdmin.mutate(OWNER, new Mutation("Person", Mutation.Type.CREATE,
                values("name", "Ada")));

        assertThat(result.atoms()).containsOnlyKeys("name");
        assertThat(value("Person", "name")).isEqualTo("Ada");
    }
}
