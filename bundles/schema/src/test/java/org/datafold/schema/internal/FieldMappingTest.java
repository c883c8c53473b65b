package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.junit.jupiter.api.Test;

class FieldMappingTest extends RegistryFixture {

    private void loadUserProfiles() {
        registry.load(TestSchemas.userProfile(), "api");
        registry.load(TestResources.reference("UserProfile2.json"), "file:/node/schemas/UserProfile2.json");
    }

    @Test
    void aMappedFieldSharesTheDataReferenceOfTheFieldItMapsTo() {
        loadUserProfiles();
        Schema profile = registry.approve("UserProfile").schema();

        Schema profile2 = registry.approve("UserProfile2").schema();

        assertThat(profile2.field("user_name").refAtomUuid()).isEqualTo(profile.field("username").refAtomUuid());
        assertThat(profile2.field("contact_email").refAtomUuid()).isEqualTo(profile.field("email").refAtomUuid());
        assertThat(profile2.field("display_name").refAtomUuid()).isEqualTo(profile.field("full_name").refAtomUuid());
        assertThat(profile2.field("profile_description").refAtomUuid()).isEqualTo(profile.field("bio").refAtomUuid());
        assertThat(profile2.field("user_location").refAtomUuid()).isEqualTo(profile.field("location").refAtomUuid());
        assertThat(registry.approved("UserProfile2")).isEqualTo(profile2);
    }

    @Test
    void mappingsAreStoredAndSurviveARestart() {
        loadUserProfiles();
        registry.approve("UserProfile");
        Schema approved = registry.approve("UserProfile2").schema();

        restart();

        assertThat(registry.approved("UserProfile2")).isEqualTo(approved);
        assertThat(storage.repository(SchemaRegistryCore.SCHEMAS).get("UserProfile2").orElseThrow().mappings())
                .isEqualTo(Map.of(
                        "user_name", "UserProfile.username",
                        "contact_email", "UserProfile.email",
                        "display_name", "UserProfile.full_name",
                        "profile_description", "UserProfile.bio",
                        "user_location", "UserProfile.location"));
    }

    @Test
    void theSchemaMappedToMustBeApprovedFirst() {
        loadUserProfiles();

        FoldException e = failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("UserProfile2"));

        assertThat(e.getMessage()).isEqualTo("cannot approve \"UserProfile2\": mapping UserProfile2.user_name -> "
                + "UserProfile.username: schema \"UserProfile\" is Available; approve it first");
        assertThat(e.context()).containsEntry("schema", "UserProfile2").containsEntry("field", "user_name")
                .containsEntry("mapping", "UserProfile2.user_name -> UserProfile.username");
        SchemaInfo unchanged = registry.get("UserProfile2");
        assertThat(unchanged.state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(unchanged.schema().fields().values()).allSatisfy(f -> assertThat(f.refAtomUuid()).isNull());
    }

    @Test
    void aMappingToAnUnknownSchemaIsRefused() {
        registry.load(TestResources.reference("UserProfile2.json"), "api");

        FoldException e = failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("UserProfile2"));

        assertThat(e.getMessage()).isEqualTo("cannot approve \"UserProfile2\": mapping UserProfile2.user_name -> "
                + "UserProfile.username: no schema \"UserProfile\" is known");
    }

    @Test
    void aMappingToAnUnknownFieldIsRefused() {
        registry.load(TestSchemas.single("UserProfile", "username", "email", "full_name", "bio"), "api");
        registry.approve("UserProfile");
        registry.load(TestResources.reference("UserProfile2.json"), "api");

        FoldException e = failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("UserProfile2"));

        assertThat(e.getMessage()).isEqualTo("cannot approve \"UserProfile2\": mapping UserProfile2.user_location -> "
                + "UserProfile.location: schema \"UserProfile\" has no field \"location\"");
        assertThat(registry.get("UserProfile2").state()).isEqualTo(SchemaState.AVAILABLE);
    }

    @Test
    void aMappingCycleIsRefused() {
        registry.load(TestSchemas.single("A", "x->B.y"), "api");
        registry.load(TestSchemas.single("B", "y->C.z"), "api");
        registry.load(TestSchemas.single("C", "z->A.x"), "api");

        FoldException e = failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("A"));

        assertThat(e.getMessage()).isEqualTo("cannot approve \"A\": mapping A.x -> B.y -> C.z -> A.x: "
                + "the mappings form a cycle");
        assertThat(failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("C")).getMessage())
                .isEqualTo("cannot approve \"C\": mapping C.z -> A.x -> B.y -> C.z: the mappings form a cycle");
    }

    @Test
    void aCycleFurtherDownTheChainIsRefused() {
        registry.load(TestSchemas.single("A", "x->B.y"), "api");
        registry.load(TestSchemas.single("B", "y->C.z"), "api");
        registry.load(TestSchemas.single("C", "z->B.y"), "api");

        assertThat(failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("A")).getMessage())
                .isEqualTo("cannot approve \"A\": mapping A.x -> B.y -> C.z -> B.y: the mappings form a cycle");
    }

    @Test
    void fieldTypesMustAgree() {
        registry.load(TestSchemas.range("Series", "key", "value"), "api");
        registry.approve("Series");
        registry.load(TestSchemas.single("Latest", "value->Series.value"), "api");

        assertThat(failure(ErrorCode.MAPPING_INVALID, () -> registry.approve("Latest")).getMessage())
                .isEqualTo("cannot approve \"Latest\": mapping Latest.value -> Series.value: the field types "
                        + "differ (Single and Range)");
    }

    @Test
    void rangeFieldsMapToRangeFields() {
        registry.load(TestSchemas.range("Series", "key", "value"), "api");
        Schema series = registry.approve("Series").schema();
        registry.load(TestSchemas.range("Mirror", "id", "reading->Series.value"), "api");

        Schema mirror = registry.approve("Mirror").schema();

        assertThat(mirror.field("reading").refAtomUuid()).isEqualTo(series.field("value").refAtomUuid());
        assertThat(mirror.field("id").refAtomUuid()).isNotIn(series.field("key").refAtomUuid(),
                series.field("value").refAtomUuid());
    }

    @Test
    void aChainOfMappingsSharesOneDataReference() {
        registry.load(TestSchemas.single("C", "z"), "api");
        registry.load(TestSchemas.single("B", "y->C.z", "own"), "api");
        registry.load(TestSchemas.single("A", "x->B.y"), "api");
        String ref = registry.approve("C").schema().field("z").refAtomUuid();
        registry.approve("B");

        Schema a = registry.approve("A").schema();

        assertThat(a.field("x").refAtomUuid()).isEqualTo(ref);
        assertThat(registry.approved("B").field("own").refAtomUuid()).isNotEqualTo(ref);
    }

    @Test
    void aMappedSchemaKeepsItsReferencesWhenTheSchemaItMapsToIsUnloaded() {
        loadUserProfiles();
        String ref = registry.approve("UserProfile").schema().field("email").refAtomUuid();
        registry.approve("UserProfile2");
        registry.unload("UserProfile2");
        registry.unload("UserProfile");

        Schema again = registry.approve("UserProfile2").schema();

        assertThat(again.field("contact_email").refAtomUuid()).isEqualTo(ref);
    }

    @Test
    void theShippedPublicProfileSharesTheNameOfAContact() {
        for (String file : new String[] {"Contact.json", "PublicProfile.json"}) {
            registry.load(readExample(file), "file:" + SchemaFormatTest.EXAMPLES.resolve(file));
        }
        String name = registry.approve("Contact").schema().field("name").refAtomUuid();

        Schema profile = registry.approve("PublicProfile").schema();

        assertThat(profile.field("display_name").refAtomUuid()).isEqualTo(name);
    }

    private static String readExample(String file) {
        try {
            return java.nio.file.Files.readString(SchemaFormatTest.EXAMPLES.resolve(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
