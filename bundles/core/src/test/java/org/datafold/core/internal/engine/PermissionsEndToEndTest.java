package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.AuditEvent;
import org.datafold.api.query.Caller;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.schema.PermissionPolicy.Policy;
import org.datafold.api.schema.SchemaState;
import org.datafold.permissions.internal.PermissionServiceImpl;
import org.datafold.storage.internal.JeStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The permission check through the node: real JE storage, the real permission service, the engine. */
class PermissionsEndToEndTest extends EngineFixture {

    private static final String KEY = "ed25519:" + java.util.Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
            29, 30, 31, 32 });

    private PermissionServiceImpl permissions;
    private FoldNodeService node;

    @BeforeEach
    void node() {
        // name: anyone reads, distance 2 writes; age: distance 1 reads and writes.
        registry.approved(TestSchemas.single("Person")
                .secured("name", Policy.NO_REQUIREMENT, Policy.distance(2))
                .secured("age", Policy.distance(1), Policy.distance(1))
                .build());
        registry.add(TestSchemas.single("Draft").field("text").build(), SchemaState.AVAILABLE);
        registry.add(TestSchemas.single("Spam").field("text").build(), SchemaState.BLOCKED);
        startNode();
        node.mutate(OWNER, new Mutation("Person", Mutation.Type.CREATE, values("name", "Ada", "age", 36)));
    }

    private void startNode() {
        permissions = new PermissionServiceImpl(new TestPermissionsConfig(-1), storage);
        node = new FoldNodeService(storage, registry, permissions);
    }

    @AfterEach
    void stopPermissions() {
        permissions.close();
    }

    private Map<String, FieldOutcome> read(Caller caller, String... fields) {
        return node.query(caller, Query.of("Person", List.of(fields))).rows().get(0).fields();
    }

    @Test
    void aQueryMixingPermittedAndDeniedFieldsReturnsBothOutcomes() {
        Map<String, FieldOutcome> fields = read(Caller.key(KEY), "name", "age");

        assertThat(fields.get("name").status()).isEqualTo(FieldOutcome.Status.OK);
        assertThat(fields.get("name").value()).isEqualTo("Ada");
        assertThat(fields.get("age").status()).isEqualTo(FieldOutcome.Status.DENIED);
        assertThat(fields.get("age").message()).contains("Person.age", "Distance(1)");
        assertThat(permissions.audit(java.time.Instant.EPOCH)).extracting(AuditEvent::field).containsExactly("age");
    }

    @Test
    void aMutationWithOneDeniedFieldWritesNothing() {
        permissions.trust(KEY, 2, "laptop");
        Caller laptop = Caller.key(KEY);

        assertThatThrownBy(() -> node.mutate(laptop, new Mutation("Person", Mutation.Type.UPDATE,
                values("name", "Grace", "age", 37))))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                    assertThat(e.getMessage()).contains("Person.age", "Distance(1)");
                });

        assertThat(value("Person", "name")).isEqualTo("Ada");
        assertThat(history("Person", "name", null)).hasSize(1);
        // The permitted field alone goes through.
        node.mutate(laptop, new Mutation("Person", Mutation.Type.UPDATE, values("name", "Grace")));
        assertThat(value("Person", "name")).isEqualTo("Grace");
    }

    @Test
    void trustChangesTakeEffectOnTheNextRequest() {
        Caller phone = Caller.key(KEY);
        assertThat(read(phone, "age").get("age").status()).isEqualTo(FieldOutcome.Status.DENIED);

        permissions.trust(KEY, 1, "phone");
        assertThat(read(phone, "age").get("age").value()).isEqualTo(36);

        permissions.trust("phone", 3, null);
        assertThat(read(phone, "age").get("age").status()).isEqualTo(FieldOutcome.Status.DENIED);

        permissions.grant("phone", "Person", "age", org.datafold.api.permission.Access.READ, null);
        assertThat(read(phone, "age").get("age").value()).isEqualTo(36);

        permissions.revoke("phone", "Person", "age", null);
        assertThat(read(phone, "age").get("age").status()).isEqualTo(FieldOutcome.Status.DENIED);
    }

    @Test
    void schemasThatAreNotApprovedAreRefusedEvenToTheOwner() {
        for (String schema : List.of("Draft", "Spam")) {
            assertThatThrownBy(() -> node.query(OWNER, Query.of(schema, List.of("text"))))
                    .isInstanceOfSatisfying(FoldException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
            assertThatThrownBy(() -> node.mutate(OWNER, new Mutation(schema, Mutation.Type.CREATE, values("text", "x"))))
                    .isInstanceOfSatisfying(FoldException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
        }
    }

    @Test
    void theOwnerKeySurvivesARestartWithMode0600AndActsAsTheOwner() throws Exception {
        String owner = permissions.ownerKey();
        permissions.trust(KEY, 1, "phone");
        permissions.close();
        storage.close();

        storage = new JeStorage(TestStorageConfig.in(dir));
        startNode();

        assertThat(permissions.ownerKey()).isEqualTo(owner);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("owner.key"))))
                .isEqualTo("rw-------");
        assertThat(read(Caller.key(owner), "age").get("age").value()).isEqualTo(36);
        assertThat(read(Caller.key(KEY), "age").get("age").value()).as("the trust table too").isEqualTo(36);
        node.mutate(Caller.key("ed25519:" + owner), new Mutation("Person", Mutation.Type.UPDATE, values("age", 37)));
        assertThat(read(OWNER, "age").get("age").value()).isEqualTo(37);
    }
}
