package org.datafold.schema.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.schema.FieldDefinition;
import org.datafold.api.schema.Schema;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.storage.api.Repository;
import org.junit.jupiter.api.Test;

class SchemaLifecycleTest extends RegistryFixture {

    private static final String BASE = TestResources.reference("TransformBase.json");

    private static List<String> refs(SchemaInfo info) {
        return info.schema().fields().values().stream().map(FieldDefinition::refAtomUuid).toList();
    }

    // ---------------------------------------------------------------- load

    @Test
    void aLoadedSchemaIsAvailableWithoutDataReferences() {
        SchemaInfo info = registry.load(BASE, "file:/node/schemas/TransformBase.json");

        assertThat(info.state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(info.source()).isEqualTo("file:/node/schemas/TransformBase.json");
        assertThat(info.schema().name()).isEqualTo("TransformBase");
        assertThat(info.schema().hash()).hasSize(64);
        assertThat(refs(info)).containsOnlyNulls();
        assertThat(registry.get("TransformBase")).isEqualTo(info);
        assertThat(registry.find("TransformBase")).contains(info);
        assertThat(registry.all()).containsExactly(info);
    }

    @Test
    void aSchemaLoadedWithoutASourceComesFromTheApi() {
        assertThat(registry.load(BASE, null).source()).isEqualTo("api");
    }

    @Test
    void listsSchemasByName() {
        registry.load(TestSchemas.single("Zeta", "z"), "api");
        registry.load(TestSchemas.single("Alpha", "a"), "api");
        registry.load(TestSchemas.single("Mid", "m"), "api");

        assertThat(registry.all()).extracting(i -> i.schema().name()).containsExactly("Alpha", "Mid", "Zeta");
    }

    @Test
    void anInvalidSchemaIsRefusedAndNothingIsStored() {
        FoldException e = failure(ErrorCode.SCHEMA_INVALID,
                () -> registry.load(TestResources.reference("User.json"), "file:/x/User.json"));

        assertThat(e.getMessage()).startsWith("file:/x/User.json: $.fields.roles.field_type: ");
        assertThat(registry.all()).isEmpty();
        assertThat(storage.repository(SchemaRegistryCore.SCHEMAS).count()).isZero();
    }

    @Test
    void loadingTheSameContentUnderTheSameNameAgainIsIdempotent() {
        SchemaInfo first = registry.load(BASE, "file:/a/TransformBase.json");
        registry.approve("TransformBase");
        String reordered = TestSchemas.reversed(SchemaParserTest.tree(BASE)).toString();

        SchemaInfo again = registry.load(reordered, "bundle:org.acme/schemas/TransformBase.json");

        assertThat(again).isEqualTo(registry.get("TransformBase"));
        assertThat(again.source()).isEqualTo(first.source());
        assertThat(again.state()).isEqualTo(SchemaState.APPROVED);
        assertThat(registry.all()).hasSize(1);
    }

    @Test
    void theSameNameWithOtherContentIsRefusedNamingBothSources() {
        registry.load(TestSchemas.single("Thing", "a", "b"), "file:/node/schemas/Thing.json");

        FoldException e = failure(ErrorCode.SCHEMA_CONFLICT,
                () -> registry.load(TestSchemas.single("Thing", "a", "c"), "bundle:org.acme/schemas/Thing.json"));

        assertThat(e.getMessage()).isEqualTo("schema \"Thing\" from bundle:org.acme/schemas/Thing.json differs from "
                + "the known schema \"Thing\" (from file:/node/schemas/Thing.json); the known schema is kept");
        assertThat(e.context()).containsEntry("schema", "Thing")
                .containsEntry("source", "bundle:org.acme/schemas/Thing.json")
                .containsEntry("knownSource", "file:/node/schemas/Thing.json");
        assertThat(registry.get("Thing").schema().fields()).containsOnlyKeys("a", "b");
    }

    @Test
    void theSameContentUnderAnotherNameIsRefusedNamingTheKnownSchema() {
        registry.load(TestSchemas.single("Thing", "a", "b"), "file:/node/schemas/Thing.json");

        FoldException e = failure(ErrorCode.SCHEMA_CONFLICT,
                () -> registry.load(TestSchemas.single("Other", "a", "b"), "api"));

        assertThat(e.getMessage()).isEqualTo("schema \"Other\" from api has the same content as the known schema "
                + "\"Thing\" (from file:/node/schemas/Thing.json)");
        assertThat(e.context()).containsEntry("knownSchema", "Thing");
        assertThat(registry.find("Other")).isEmpty();
    }

    // ---------------------------------------------------------------- states

    @Test
    void onlyAnApprovedSchemaIsServedForQueriesAndWrites() {
        registry.load(BASE, "api");

        FoldException e = failure(ErrorCode.SCHEMA_NOT_APPROVED, () -> registry.approved("TransformBase"));
        assertThat(e.getMessage()).isEqualTo("schema \"TransformBase\" is Available, not Approved");
        assertThat(e.context()).containsEntry("state", "Available");

        registry.approve("TransformBase");
        assertThat(registry.approved("TransformBase").name()).isEqualTo("TransformBase");
    }

    @Test
    void unknownNamesAreNotFound() {
        for (String name : new String[] {"Nope", null}) {
            failure(ErrorCode.SCHEMA_NOT_FOUND, () -> registry.get(name));
            failure(ErrorCode.SCHEMA_NOT_FOUND, () -> registry.approved(name));
            failure(ErrorCode.SCHEMA_NOT_FOUND, () -> registry.approve(name));
            failure(ErrorCode.SCHEMA_NOT_FOUND, () -> registry.block(name));
            failure(ErrorCode.SCHEMA_NOT_FOUND, () -> registry.unload(name));
            assertThat(registry.find(name)).isEmpty();
        }
        assertThat(failure(ErrorCode.SCHEMA_NOT_FOUND, () -> registry.get("Nope")).getMessage())
                .isEqualTo("no schema named \"Nope\"");
    }

    @Test
    void approvalGivesEveryFieldItsOwnDataReference() {
        registry.load(BASE, "api");

        SchemaInfo approved = registry.approve("TransformBase");

        assertThat(approved.state()).isEqualTo(SchemaState.APPROVED);
        assertThat(refs(approved)).doesNotContainNull().doesNotHaveDuplicates()
                .allSatisfy(ref -> assertThat(UUID.fromString(ref).toString()).isEqualTo(ref));
        assertThat(registry.approved("TransformBase")).isEqualTo(approved.schema());
        assertThat(registry.get("TransformBase")).isEqualTo(approved);
        assertThat(registry.approve("TransformBase")).as("approving again changes nothing").isEqualTo(approved);
    }

    @Test
    void blockingKeepsTheDataReferencesAndRefusesQueries() {
        registry.load(BASE, "api");
        List<String> refs = refs(registry.approve("TransformBase"));

        SchemaInfo blocked = registry.block("TransformBase");

        assertThat(blocked.state()).isEqualTo(SchemaState.BLOCKED);
        assertThat(refs(blocked)).isEqualTo(refs);
        assertThat(failure(ErrorCode.SCHEMA_NOT_APPROVED, () -> registry.approved("TransformBase")).getMessage())
                .isEqualTo("schema \"TransformBase\" is Blocked, not Approved");
        assertThat(registry.block("TransformBase")).isEqualTo(blocked);
    }

    @Test
    void anAvailableSchemaCanBeBlockedAndABlockedOneApproved() {
        registry.load(BASE, "api");

        assertThat(registry.block("TransformBase").state()).isEqualTo(SchemaState.BLOCKED);
        SchemaInfo approved = registry.approve("TransformBase");

        assertThat(approved.state()).isEqualTo(SchemaState.APPROVED);
        assertThat(refs(approved)).doesNotContainNull();
    }

    @Test
    void unloadingMakesItAvailableAndReApprovalFindsTheSameData() {
        registry.load(BASE, "api");
        List<String> refs = refs(registry.approve("TransformBase"));

        SchemaInfo unloaded = registry.unload("TransformBase");
        assertThat(unloaded.state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(refs(unloaded)).isEqualTo(refs);
        assertThat(registry.unload("TransformBase")).isEqualTo(unloaded);

        registry.block("TransformBase");
        assertThat(refs(registry.approve("TransformBase"))).isEqualTo(refs);
    }

    @Test
    void theStoredRecordHoldsTheDefinitionStateSourceAndReferences() {
        registry.load(BASE, "file:/node/schemas/TransformBase.json");
        SchemaInfo approved = registry.approve("TransformBase");

        Repository<SchemaRecord> schemas = storage.repository(SchemaRegistryCore.SCHEMAS);
        SchemaRecord record = schemas.get("TransformBase").orElseThrow();

        assertThat(record.state()).isEqualTo(SchemaState.APPROVED);
        assertThat(record.source()).isEqualTo("file:/node/schemas/TransformBase.json");
        assertThat(record.hash()).isEqualTo(approved.schema().hash());
        assertThat(record.refs()).containsOnlyKeys("value1", "value2");
        assertThat(record.mappings()).isEmpty();
        assertThat(SchemaParser.parse(record.definition(), "stored")).isEqualTo(
                SchemaParser.parse(BASE, "TransformBase.json"));
        assertThat(storage.repository(SchemaRegistryCore.HASHES).get(record.hash()))
                .contains(new SchemaHashRecord("TransformBase"));
    }

    // ---------------------------------------------------------------- restarts

    @Test
    void aRestartKeepsStatesReferencesAndSources() {
        registry.load(BASE, "file:/node/schemas/TransformBase.json");
        registry.load(TestResources.reference("UserScores.json"), "api");
        registry.load(TestSchemas.single("Blocked", "x"), "api");
        SchemaInfo approved = registry.approve("TransformBase");
        registry.approve("Blocked");
        SchemaInfo blocked = registry.block("Blocked");
        SchemaInfo available = registry.get("UserScores");

        restart();

        assertThat(registry.get("TransformBase")).isEqualTo(approved);
        assertThat(registry.approved("TransformBase")).isEqualTo(approved.schema());
        assertThat(registry.get("Blocked")).isEqualTo(blocked);
        assertThat(registry.get("UserScores")).isEqualTo(available);
        assertThat(registry.all()).hasSize(3);
    }

    @Test
    void afterARestartDuplicatesAreStillDetected() {
        registry.load(TestSchemas.single("Thing", "a"), "api");

        restart();

        assertThat(registry.load(TestSchemas.single("Thing", "a"), "api").schema().name()).isEqualTo("Thing");
        failure(ErrorCode.SCHEMA_CONFLICT, () -> registry.load(TestSchemas.single("Thing", "b"), "api"));
        failure(ErrorCode.SCHEMA_CONFLICT, () -> registry.load(TestSchemas.single("Twin", "a"), "api"));
    }

    @Test
    void reApprovalAfterARestartKeepsTheReferences() {
        registry.load(BASE, "api");
        List<String> refs = refs(registry.approve("TransformBase"));
        registry.unload("TransformBase");

        restart();

        assertThat(refs(registry.approve("TransformBase"))).isEqualTo(refs);
    }

    @Test
    void aStoredHashIsKeptWhenTheContentHashesOtherwise() {
        registry.load(BASE, "api");
        Repository<SchemaRecord> schemas = storage.repository(SchemaRegistryCore.SCHEMAS);
        SchemaRecord stored = schemas.get("TransformBase").orElseThrow();
        String older = "0".repeat(64);
        schemas.put("TransformBase", new SchemaRecord(stored.name(), stored.definition(), older, stored.state(),
                stored.source(), stored.refs(), stored.mappings(), stored.loadedAt(), stored.changedAt()));

        restart();

        assertThat(registry.get("TransformBase").schema().hash()).isEqualTo(older);
    }

    @Test
    void aStoredSchemaThatCannotBeReadBackStopsTheRegistry() {
        registry.load(BASE, "api");
        Repository<SchemaRecord> schemas = storage.repository(SchemaRegistryCore.SCHEMAS);
        SchemaRecord stored = schemas.get("TransformBase").orElseThrow();
        schemas.put("TransformBase", new SchemaRecord(stored.name(), "{}", stored.hash(), stored.state(),
                stored.source(), stored.refs(), stored.mappings(), stored.loadedAt(), stored.changedAt()));

        FoldException e = failure(ErrorCode.INTERNAL, () -> new SchemaRegistryCore(storage, schemaFolder()));

        assertThat(e.getMessage()).isEqualTo("the stored schema \"TransformBase\" cannot be read back: "
                + "stored schema TransformBase: $.name: is required");
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentChangesAreAllKeptAndReadersSeeConsistentSnapshots() throws Exception {
        int threads = 4;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Integer>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(() -> {
                    int seen = 0;
                    for (int i = 0; i < perThread; i++) {
                        String name = "S" + thread + "_" + i;
                        registry.load(TestSchemas.single(name, "f" + thread + "_" + i), "api");
                        registry.approve(name);
                        Schema schema = registry.approved(name);
                        assertThat(schema.field("f" + thread + "_" + i).refAtomUuid()).isNotNull();
                        seen = Math.max(seen, registry.all().size());
                    }
                    return seen;
                });
            }
            for (Future<Integer> result : pool.invokeAll(work)) {
                assertThat(result.get()).isBetween(perThread, threads * perThread);
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(registry.all()).hasSize(threads * perThread)
                .allSatisfy(info -> assertThat(info.state()).isEqualTo(SchemaState.APPROVED));
        restart();
        assertThat(registry.all()).hasSize(threads * perThread);
        assertThat(storage.repository(SchemaRegistryCore.HASHES).count()).isEqualTo(threads * perThread);
        assertThat(registry.all().stream().map(i -> i.schema().hash()).distinct().count())
                .isEqualTo(threads * perThread);
    }
}
