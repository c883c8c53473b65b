package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.Query;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.api.schema.SchemaState;
import org.datafold.permissions.internal.PermissionServiceImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node service: schema calls go to the registry, data calls to the engine. */
class FoldNodeServiceTest extends EngineFixture {

    private FoldNodeService node;
    private PermissionServiceImpl permissions;

    @AfterEach
    void stopPermissions() {
        permissions.close();
    }

    @BeforeEach
    void service() {
        registry.add(TestSchemas.single("Person").field("name").build(), SchemaState.AVAILABLE);
        permissions = new PermissionServiceImpl(new TestPermissionsConfig(-1), storage);
        node = new FoldNodeService(storage, registry, permissions);
    }

    @Test
    void schemaLifecycleCallsGoToTheRegistry() {
        assertThat(node.schemas()).extracting(i -> i.schema().name()).containsExactly("Person");
        assertThat(node.schema("Person").state()).isEqualTo(SchemaState.AVAILABLE);
        assertThatThrownBy(() -> node.schema("Nobody"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_FOUND));

        SchemaInfo approved = node.approve("Person");

        assertThat(approved.state()).isEqualTo(SchemaState.APPROVED);
        assertThat(node.block("Person").state()).isEqualTo(SchemaState.BLOCKED);
        assertThat(node.unload("Person").state()).isEqualTo(SchemaState.AVAILABLE);
        assertThat(node.discover()).isEqualTo(node.lastDiscovery());
    }

    @Test
    void dataCallsGoToTheEngineAndWorkWithoutEventAdmin() {
        assertThatThrownBy(() -> node.query(OWNER, Query.of("Person", List.of("name"))))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_NOT_APPROVED));
        node.approve("Person");

        node.mutate(OWNER, new Mutation("Person", Mutation.Type.CREATE, values("name", "Ada")));
        node.mutate(OWNER, new Mutation("Person", Mutation.Type.UPDATE, values("name", "Grace")));

        assertThat(node.query(OWNER, Query.of("Person", List.of("name"))).rows().get(0).fields().get("name").value())
                .isEqualTo("Grace");
        assertThat(contents(node.history(OWNER, "Person", "name", null, 10))).containsExactly("Grace", "Ada");
        // The engine of the fixture reads the same data: the service stores where the engine does.
        assertThat(value("Person", "name")).isEqualTo("Grace");
    }

    @Test
    void aQueryNamingANodeNeedsTheMeshAndWithoutANodeStaysHere() {
        node.approve("Person");
        node.mutate(OWNER, new Mutation("Person", Mutation.Type.CREATE, values("name", "Ada")));
        assertThat(node.query(OWNER, Query.of("Person", List.of("name")), " ").rows().get(0).fields().get("name")
                .value()).isEqualTo("Ada");
        assertThat(node.query(OWNER, Query.of("Person", List.of("name")), null).rows()).hasSize(1);
        assertThatThrownBy(() -> node.query(OWNER, Query.of("Person", List.of("name")), "nodeb"))
                .isInstanceOfSatisfying(FoldException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("the mesh is not running");
    }
}
