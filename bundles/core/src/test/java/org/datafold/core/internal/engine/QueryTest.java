package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.datafold.api.schema.SchemaState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Queries of a single schema: per-field outcomes, history, and the errors of a whole query. */
class QueryTest extends EngineFixture {

    @BeforeEach
    void schemas() {
        registry.approved(TestSchemas.single("Person").field("name", "age", "bio").build());
        registry.add(TestSchemas.single("Draft").field("text").build(), SchemaState.AVAILABLE);
    }

    @Test
    void aQueryOfExistingUnknownAndUnwrittenFieldsAnswersEachField() {
        create("Person", "name", "Ada", "age", 36);

        QueryResult result = engine.query(OWNER, Query.of("Person", List.of("age", "shoeSize", "bio", "name")));

        assertThat(result.schema()).isEqualTo("Person");
        assertThat(result.rows()).hasSize(1);
        QueryResult.Row row = result.rows().get(0);
        assertThat(row.rangeKey()).isNull();
        assertThat(row.fields()).containsOnlyKeys("age", "shoeSize", "bio", "name");
        assertThat(row.fields().keySet()).containsExactly("age", "shoeSize", "bio", "name");
        assertThat(row.fields().get("age").status()).isEqualTo(FieldOutcome.Status.OK);
        assertThat(row.fields().get("age").value()).isEqualTo(36);
        assertThat(row.fields().get("name").value()).isEqualTo("Ada");
        FieldOutcome unknown = row.fields().get("shoeSize");
        assertThat(unknown.status()).isEqualTo(FieldOutcome.Status.ERROR);
        assertThat(unknown.code()).isEqualTo(ErrorCode.FIELD_NOT_FOUND);
        assertThat(unknown.message()).isEqualTo("schema Person has no field 'shoeSize'");
        assertThat(row.fields().get("bio")).isEqualTo(FieldOutcome.noValue());
    }

    @Test
    void aFieldAskedTwiceIsAnsweredOnce() {
        create("Person", "name", "Ada");

        QueryResult result = engine.query(OWNER, Query.of("Person", List.of("name", "name")));

        assertThat(result.rows().get(0).fields()).containsOnlyKeys("name");
    }

    @Test
    void historyComesWithTheValueWhenAsked() {
        create("Person", "age", 1);
        update("Person", "age", 2);
        update("Person", "age", 3);

        QueryResult result = engine.query(OWNER, new Query("Person", List.of("age", "bio"), null, true, 2));

        FieldOutcome age = result.rows().get(0).fields().get("age");
        assertThat(age.value()).isEqualTo(3);
        assertThat(contents(age.history())).containsExactly(3, 2);
        assertThat(age.history().get(0).uuid()).isEqualTo(age.atomUuid());
        assertThat(result.rows().get(0).fields().get("bio").history()).isEmpty();
        assertThat(engine.query(OWNER, Query.of("Person", List.of("age"))).rows().get(0).fields().get("age").history())
                .isEmpty();
    }

    @Test
    void malformedQueriesFailAsAWhole() {
        assertThatThrownBy(() -> engine.query(OWNER, new Query("Person", List.of("age"), null, true, 0)))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> engine.query(OWNER, Query.of("Person", List.of())))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> engine.query(OWNER, Query.of("Person", List.of("age"), new RangeFilter.Key("k"))))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("single schema");
                });
        assertThatThrownBy(() -> engine.query(null, Query.of("Person", List.of("age"))))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void unknownOrUnapprovedSchemasFailTheWholeQuery() {
        assertThatThrownBy(() -> engine.query(OWNER, Query.of("Nobody", List.of("x"))))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> engine.query(OWNER, Query.of("Draft", List.of("text"))))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
        assertThatThrownBy(() -> engine.history(OWNER, "Draft", "text", null, 5))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
    }

    @Test
    void anAccessPolicyDeniesFieldByFieldOnReadAndWholeMutationsOnWrite() {
        create("Person", "name", "Ada", "age", 36);
        FieldAccessPolicy noAge = (caller, schema, field, access) ->
                field.equals("age") ? Optional.of("age is private") : Optional.empty();
        FoldEngine guarded = newEngine(noAge);

        QueryResult result = guarded.query(OWNER, Query.of("Person", List.of("name", "age")));
        assertThat(result.rows().get(0).fields().get("name").value()).isEqualTo("Ada");
        assertThat(result.rows().get(0).fields().get("age")).isEqualTo(FieldOutcome.denied("age is private"));

        assertThatThrownBy(() -> guarded.mutate(OWNER, new Mutation("Person", Mutation.Type.UPDATE,
                values("name", "Grace", "age", 37))))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                    assertThat(e.getMessage()).isEqualTo("age is private");
                });
        assertThat(value("Person", "name")).isEqualTo("Ada");
        assertThatThrownBy(() -> guarded.history(OWNER, "Person", "age", null, 5))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    }
}
