package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.datafold.api.schema.Schema;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fields mapped to another schema's field share its data reference, so its data. */
class MappedFieldsTest extends EngineFixture {

    private Schema person;
    private Schema contact;

    @BeforeEach
    void schemas() {
        person = TestSchemas.single("Person").field("name", "age").build();
        contact = TestSchemas.single("Contact").mapped("fullName", person, "name").field("phone").build();
        registry.approved(person, contact);
    }

    @Test
    void aMappedFieldReadsTheDataOfItsSource() {
        create("Person", "name", "Ada");

        assertThat(value("Contact", "fullName")).isEqualTo("Ada");
        assertThat(outcome("Contact", "phone").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
    }

    @Test
    void writingThroughAMappedFieldWritesTheSourceAndKeepsOneLinearHistory() {
        create("Person", "name", "Ada");
        update("Contact", "fullName", "Ada Lovelace");

        assertThat(value("Person", "name")).isEqualTo("Ada Lovelace");
        List<AtomVersion> history = history("Person", "name", null);
        assertThat(history).isEqualTo(history("Contact", "fullName", null));
        assertThat(contents(history)).containsExactly("Ada Lovelace", "Ada");
        // Each version names the schema and field it was written through.
        assertThat(history).extracting(AtomVersion::schema).containsExactly("Contact", "Person");
        assertThat(history).extracting(AtomVersion::field).containsExactly("fullName", "name");
        assertThat(history.get(0).prevAtomUuid()).isEqualTo(history.get(1).uuid());
    }

    @Test
    void anUpdateThroughAMappedFieldNeedsTheSourceToHaveAValue() {
        create("Contact", "fullName", "Grace");

        assertThat(value("Person", "name")).isEqualTo("Grace");
        update("Person", "name", "Grace Hopper");
        assertThat(value("Contact", "fullName")).isEqualTo("Grace Hopper");
    }

    @Test
    void mappedRangeFieldsShareRowsAndRowsAreFoundThroughTheMappedField() {
        Schema events = TestSchemas.range("Event", "day").field("title").build();
        Schema agenda = TestSchemas.range("Agenda", "date").mapped("headline", events, "title").build();
        registry.approved(events, agenda);

        create("Event", "day", "2024-05-01", "title", "Launch");
        create("Agenda", "date", "2024-06-01", "headline", "Review");

        // Agenda's own range key field is not mapped: the row written through Event is found
        // through headline's data, and has no Agenda.date value.
        QueryResult q = engine.query(OWNER, Query.of("Agenda", List.of("headline", "date")));
        assertThat(q.rows()).extracting(QueryResult.Row::rangeKey).containsExactly("2024-05-01", "2024-06-01");
        assertThat(q.rows().get(0).fields().get("headline").value()).isEqualTo("Launch");
        assertThat(q.rows().get(0).fields().get("date").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
        assertThat(q.rows().get(1).fields().get("date").value()).isEqualTo("2024-06-01");

        QueryResult fromEvent = engine.query(OWNER, Query.of("Event", List.of("title"), new RangeFilter.Key("2024-06-01")));
        assertThat(fromEvent.rows()).singleElement()
                .satisfies(row -> assertThat(row.fields().get("title").value()).isEqualTo("Review"));
    }
}
