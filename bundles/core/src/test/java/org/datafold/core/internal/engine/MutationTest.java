package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.AtomVersion;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.schema.SchemaState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mutations of a single schema and the history they leave. */
class MutationTest extends EngineFixture {

    @BeforeEach
    void schemas() {
        registry.approved(TestSchemas.single("Person").field("name", "age", "bio").readOnly("id")
                .transformed("summary").build());
        registry.add(TestSchemas.single("Draft").field("text").build(), SchemaState.AVAILABLE);
        registry.add(TestSchemas.single("Banned").field("text").build(), SchemaState.BLOCKED);
    }

    @Test
    void threeWritesThenHistoryIsNewestFirst() {
        MutationResult first = create("Person", "age", 1);
        MutationResult second = update("Person", "age", 2);
        MutationResult third = update("Person", "age", 3);

        List<AtomVersion> history = history("Person", "age", null);
        assertThat(contents(history)).containsExactly(3, 2, 1);
        assertThat(history).extracting(AtomVersion::uuid)
                .containsExactly(third.atoms().get("age"), second.atoms().get("age"), first.atoms().get("age"));
        assertThat(history).extracting(AtomVersion::prevAtomUuid)
                .containsExactly(second.atoms().get("age"), first.atoms().get("age"), null);
        assertThat(history).allSatisfy(v -> {
            assertThat(v.schema()).isEqualTo("Person");
            assertThat(v.field()).isEqualTo("age");
            assertThat(v.rangeKey()).isNull();
            assertThat(v.sourceKey()).isEqualTo("owner");
            assertThat(v.status()).isEqualTo(AtomVersion.Status.ACTIVE);
            assertThat(v.createdAt()).isNotNull();
        });
        assertThat(history.get(0).createdAt()).isAfterOrEqualTo(history.get(2).createdAt());
        assertThat(value("Person", "age")).isEqualTo(3);
        assertThat(outcome("Person", "age").atomUuid()).isEqualTo(third.atoms().get("age"));
    }

    @Test
    void historyStopsAtItsLimitAndRefusesALimitBelowOne() {
        create("Person", "age", 1);
        update("Person", "age", 2);
        update("Person", "age", 3);

        assertThat(contents(engine.history(OWNER, "Person", "age", null, 2))).containsExactly(3, 2);
        assertThat(contents(engine.history(OWNER, "Person", "age", null, 1))).containsExactly(3);
        assertThatThrownBy(() -> engine.history(OWNER, "Person", "age", null, 0))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void historyOfAFieldNeverWrittenIsEmptyAndOfAnUnknownFieldIsAnError() {
        assertThat(history("Person", "bio", null)).isEmpty();
        assertThatThrownBy(() -> history("Person", "nope", null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FIELD_NOT_FOUND));
        assertThatThrownBy(() -> history("Person", "age", "k"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void deleteLeavesANullValueAndADeletedAtomInTheHistory() {
        create("Person", "name", "Ada");
        MutationResult deleted = delete("Person", "name", "ignored");

        FieldOutcome outcome = outcome("Person", "name");
        assertThat(outcome.status()).isEqualTo(FieldOutcome.Status.OK);
        assertThat(outcome.value()).isNull();
        assertThat(outcome.atomUuid()).isEqualTo(deleted.atoms().get("name"));

        List<AtomVersion> history = history("Person", "name", null);
        assertThat(history).extracting(AtomVersion::status)
                .containsExactly(AtomVersion.Status.DELETED, AtomVersion.Status.ACTIVE);
        assertThat(contents(history)).containsExactly(null, "Ada");
    }

    @Test
    void aDeletedFieldCanBeUpdatedAgain() {
        create("Person", "name", "Ada");
        delete("Person", "name", null);
        update("Person", "name", "Grace");

        assertThat(value("Person", "name")).isEqualTo("Grace");
        assertThat(contents(history("Person", "name", null))).containsExactly("Grace", null, "Ada");
    }

    @Test
    void createWritesOverAnExistingValue() {
        create("Person", "name", "Ada");
        create("Person", "name", "Grace");

        assertThat(contents(history("Person", "name", null))).containsExactly("Grace", "Ada");
    }

    @Test
    void updateOfAFieldWithoutValueIsRefused() {
        assertThatThrownBy(() -> update("Person", "bio", "text"))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NO_VALUE);
                    assertThat(e.getMessage()).contains("Person.bio");
                    assertThat(e.context()).containsEntry("schema", "Person").containsEntry("field", "bio");
                });
        assertThat(outcome("Person", "bio").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
    }

    @Test
    void deleteOfAFieldWithoutValueIsRefused() {
        assertThatThrownBy(() -> delete("Person", "bio", null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_VALUE));
        assertThat(history("Person", "bio", null)).isEmpty();
    }

    @Test
    void aMutationFailingInStorageOnItsLastFieldWritesNothing() {
        create("Person", "name", "Ada", "age", 36);

        // name and age have values; bio has none, so the update fails inside the transaction.
        assertThatThrownBy(() -> update("Person", "name", "Grace", "age", 37, "bio", "pioneer"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_VALUE));

        assertThat(value("Person", "name")).isEqualTo("Ada");
        assertThat(value("Person", "age")).isEqualTo(36);
        assertThat(history("Person", "name", null)).hasSize(1);
        assertThat(history("Person", "age", null)).hasSize(1);
        assertThat(storage.repository(FoldEngine.ATOMS).count()).isEqualTo(2);
        assertThat(published).hasSize(1);
    }

    @Test
    void aMutationWithAnUnknownLastFieldWritesNothing() {
        assertThatThrownBy(() -> create("Person", "name", "Ada", "age", 36, "shoeSize", 38))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FIELD_NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("schema Person has no field 'shoeSize'");
                    assertThat(e.context()).containsExactly(entry("schema", "Person"), entry("field", "shoeSize"));
                });
        assertThat(outcome("Person", "name").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
        assertThat(outcome("Person", "age").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
        assertThat(storage.repository(FoldEngine.ATOMS).count()).isZero();
    }

    @Test
    void aMutationWithAnInvalidLastValueWritesNothing() {
        assertThatThrownBy(() -> create("Person", "name", "Ada", "age", new Date()))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
                    assertThat(e.getMessage()).contains("Person.age").contains("java.util.Date");
                });
        assertThat(storage.repository(FoldEngine.ATOMS).count()).isZero();
    }

    @Test
    void writesToUnwritableFieldsAreRefused() {
        assertThatThrownBy(() -> create("Person", "name", "Ada", "id", "p-1"))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FIELD_NOT_WRITABLE);
                    assertThat(e.getMessage()).isEqualTo("field Person.id is not writable");
                });
        assertThatThrownBy(() -> create("Person", "summary", "x"))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.FIELD_NOT_WRITABLE);
                    assertThat(e.getMessage()).contains("Person.summary").contains("transform");
                });
        assertThatThrownBy(() -> delete("Person", "id", null))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FIELD_NOT_WRITABLE));
        assertThat(outcome("Person", "name").status()).isEqualTo(FieldOutcome.Status.NO_VALUE);
    }

    @Test
    void unknownAndUnapprovedSchemasAreRefusedWithTheRegistryCodes() {
        assertThatThrownBy(() -> create("Nobody", "x", 1))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> create("Draft", "text", "x"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
        assertThatThrownBy(() -> create("Banned", "text", "x"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
    }

    @Test
    void aMutationWithoutValuesIsRefused() {
        assertThatThrownBy(() -> engine.mutate(OWNER, new Mutation("Person", Mutation.Type.CREATE, Map.of())))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        assertThatThrownBy(() -> engine.mutate(null, new Mutation("Person", Mutation.Type.CREATE, values("name", "x"))))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void valuesThatAreNotJsonAreRefusedNamingTheFieldAndPath() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("tags", List.of("a", Map.of("when", new Object())));
        assertThatThrownBy(() -> create("Person", "bio", nested))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
                    assertThat(e.getMessage()).contains("Person.bio").contains("$.tags[1].when");
                    assertThat(e.context()).containsEntry("path", "$.tags[1].when");
                });
        assertThatThrownBy(() -> create("Person", "age", Double.NaN))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        assertThatThrownBy(() -> create("Person", "name", "broken \uD800 text"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE));
        assertThat(storage.repository(FoldEngine.ATOMS).count()).isZero();
    }

    @Test
    void jsonValuesOfEveryKindRoundTripThroughStorage() {
        Map<String, Object> bio = new LinkedHashMap<>();
        bio.put("text", "héllo 😀");
        bio.put("int", 7);
        bio.put("long", 1L << 40);
        bio.put("big", new BigInteger("123456789012345678901234567890"));
        bio.put("double", 2.5);
        bio.put("float", 0.1f);
        bio.put("decimal", new BigDecimal("1.25"));
        bio.put("yes", true);
        bio.put("nothing", null);
        bio.put("list", Arrays.asList(1, "two", null, List.of(false)));
        bio.put("map", Map.of("inner", List.of()));
        create("Person", "bio", bio, "name", null);

        Object read = value("Person", "bio");
        Map<String, Object> expected = new LinkedHashMap<>(bio);
        expected.put("float", 0.1);
        expected.put("decimal", 1.25);
        assertThat(read).isEqualTo(expected);
        // Maps keep their key order.
        assertThat(new ArrayList<Object>(((Map<?, ?>) read).keySet())).containsExactlyElementsOf(bio.keySet());
        // A JSON null is a value like any other: written as ACTIVE.
        assertThat(outcome("Person", "name").status()).isEqualTo(FieldOutcome.Status.OK);
        assertThat(history("Person", "name", null).get(0).status()).isEqualTo(AtomVersion.Status.ACTIVE);
    }

    @Test
    void atomsRecordWhoWroteThem() {
        engine.mutate(Caller.key("a2V5"), new Mutation("Person", Mutation.Type.CREATE, values("name", "Ada")));
        update("Person", "name", "Grace");

        assertThat(history("Person", "name", null)).extracting(AtomVersion::sourceKey).containsExactly("owner", "a2V5");
    }

    @Test
    void theResultNamesTheAtomOfEachField() {
        MutationResult result = create("Person", "name", "Ada", "age", 36);

        assertThat(result.schema()).isEqualTo("Person");
        assertThat(result.rangeKey()).isNull();
        assertThat(result.atoms()).containsOnlyKeys("name", "age");
        assertThat(outcome("Person", "name").atomUuid()).isEqualTo(result.atoms().get("name"));
        assertThat(storage.repository(FoldEngine.ATOM_REFS).get(
                registry.approved("Person").field("name").refAtomUuid()))
                .hasValueSatisfying(ref -> assertThat(ref).isEqualTo(new AtomRef(result.atoms().get("name"), 1, false)));
    }
}
