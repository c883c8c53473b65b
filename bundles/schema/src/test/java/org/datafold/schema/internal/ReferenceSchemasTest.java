package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.FieldType;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaPaymentConfig;
import org.datafold.api.schema.SchemaType;
import org.datafold.api.schema.TransformDefinition;
import org.datafold.api.schema.TrustDistanceScaling;
import org.junit.jupiter.api.Test;

/** The example files of the original DataFold project (src/test/resources/reference, see SOURCES.md). */
class ReferenceSchemasTest {

    private static Schema parse(String file) {
        return SchemaParser.parse(TestResources.reference(file), file);
    }

    @Test
    void userIsRefusedForItsCollectionField() {
        FoldException e = catchThrowableOfType(FoldException.class, () -> parse("User.json"));

        assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_INVALID);
        assertThat(e.getMessage()).isEqualTo("User.json: $.fields.roles.field_type: unsupported field type "
                + "\"Collection\" in field \"roles\" (supported: Single, Range)");
        assertThat(e.context()).containsEntry("path", "$.fields.roles.field_type");
    }

    @Test
    void userWithoutItsCollectionFieldLoadsWithEveryScalingVariant() {
        String json = TestResources.reference("User.json").replace("\"Collection\"", "\"Single\"");

        Schema schema = SchemaParser.parse(json, "User.json");

        assertThat(schema.fields()).containsOnlyKeys("username", "email", "profile", "created_at", "roles");
        assertThat(schema.field("username").payment().trustDistanceScaling()).isEqualTo(TrustDistanceScaling.NONE);
        assertThat(schema.field("email").payment().trustDistanceScaling())
                .isEqualTo(TrustDistanceScaling.exponential(2, 1, 1));
        assertThat(schema.field("email").payment().minPayment()).isEqualTo(50L);
        assertThat(schema.field("profile").payment().trustDistanceScaling())
                .isEqualTo(TrustDistanceScaling.linear(0.5, 0, 1));
        assertThat(schema.field("created_at").writable()).isFalse();
        assertThat(schema.field("roles").permissions().write()).isEqualTo(Policy.distance(4));
        assertThat(schema.payment()).isEqualTo(new SchemaPaymentConfig(1.2, 5));
    }

    @Test
    void transformBaseLoads() {
        Schema schema = parse("TransformBase.json");

        assertThat(schema.name()).isEqualTo("TransformBase");
        assertThat(schema.type()).isEqualTo(SchemaType.SINGLE);
        assertThat(schema.fields()).containsOnlyKeys("value1", "value2");
        FieldDefinition value1 = schema.field("value1");
        assertThat(value1.permissions().read()).isEqualTo(Policy.NO_REQUIREMENT);
        assertThat(value1.permissions().write()).isEqualTo(Policy.distance(0));
        assertThat(value1.transform()).isNull();
        assertThat(value1.refAtomUuid()).isNull();
    }

    @Test
    void transformSchemaLoadsWithItsCrossSchemaTransform() {
        Schema schema = parse("TransformSchema.json");

        FieldDefinition result = schema.field("result");
        assertThat(result.transform()).isEqualTo(new TransformDefinition(
                List.of("TransformBase.value1", "TransformBase.value2"),
                "TransformBase.value1 + TransformBase.value2", "TransformSchema.result"));
        assertThat(result.writable()).isFalse();
    }

    @Test
    void userScoresLoadsAsARangeSchemaAndKeepsItsTransformLogicAsWritten() {
        Schema schema = parse("UserScores.json");

        assertThat(schema.type()).isEqualTo(SchemaType.range("user_id"));
        assertThat(schema.fields().values()).extracting(FieldDefinition::fieldType).containsOnly(FieldType.RANGE);
        assertThat(schema.field("player_statistics").payment().trustDistanceScaling())
                .isEqualTo(TrustDistanceScaling.exponential(1.5, 1, 1));
        // The logic calls a function the transform language does not define; logic is stored
        // as text and only checked to be non-empty when a schema is loaded.
        assertThat(schema.field("ranking_data").transform()).isEqualTo(new TransformDefinition(List.of(),
                "return calculate_rank_from_scores(game_scores)", "UserScores.ranking_data"));
    }

    @Test
    void userProfile2LoadsWithExplicitPoliciesAndFieldMappers() {
        Schema schema = parse("UserProfile2.json");

        assertThat(schema.fields()).containsOnlyKeys("user_name", "contact_email", "display_name",
                "profile_description", "user_location");
        FieldDefinition email = schema.field("contact_email");
        assertThat(email.fieldMappers()).containsExactly(Map.entry("UserProfile", "email"));
        assertThat(email.permissions().explicitRead()).containsExactly(Map.entry("trusted_service_key", 1));
        assertThat(email.permissions().explicitWrite()).isEmpty();
        assertThat(email.payment().trustDistanceScaling()).isEqualTo(TrustDistanceScaling.linear(0.5, 1, 1));
        assertThat(schema.field("user_name").payment().trustDistanceScaling()).isEqualTo(TrustDistanceScaling.NONE);
        assertThat(schema.field("user_name").writable()).isTrue();
        assertThat(schema.fields().values()).extracting(f -> f.fieldMappers().keySet())
                .allSatisfy(keys -> assertThat(keys).containsExactly("UserProfile"));
    }

    @Test
    void theLoadableReferenceSchemasHaveDistinctHashes() {
        List<String> hashes = List.of("TransformBase.json", "TransformSchema.json", "UserScores.json",
                "UserProfile2.json").stream().map(f -> parse(f).hash()).toList();

        assertThat(hashes).doesNotHaveDuplicates();
    }
}
