package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.datafold.api.query.AtomVersion;
import org.datafold.storage.api.Repository;
import org.datafold.storage.internal.JeStorage;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/** Atoms and atom refs as the storage writes and reads them (JSON through its own mapper). */
class StoredFormatTest extends EngineFixture {

    @Test
    void anAtomWithAJsonTreeRoundTripsThroughStorage() {
        JsonNode content = JsonValues.toJson(Map.of("list", List.of(1, 2.5, "x", true), "n", 10_000_000_000L),
                "S", "f");
        Atom atom = new Atom("u1", "S", "f", "k", "owner", Instant.parse("2024-05-01T10:15:30.123456Z"), "u0",
                content, AtomVersion.Status.ACTIVE);
        Repository<Atom> atoms = storage.repository(FoldEngine.ATOMS);

        atoms.put("u1", atom);

        assertThat(atoms.get("u1")).contains(atom);
    }

    @Test
    void aDeletedAtomKeepsItsNullContentAcrossARestart() {
        Atom deleted = new Atom("u2", "S", "f", null, "owner", Instant.parse("2024-05-01T10:15:30Z"), "u1",
                NullNode.getInstance(), AtomVersion.Status.DELETED);
        storage.repository(FoldEngine.ATOMS).put("u2", deleted);
        storage.repository(FoldEngine.ATOM_REFS).put("ref", new AtomRef("u2", 2, true));
        storage.close();

        storage = new JeStorage(TestStorageConfig.in(dir));

        Atom read = storage.repository(FoldEngine.ATOMS).get("u2").orElseThrow();
        assertThat(read.content().isNull()).isTrue();
        assertThat(read.toVersion()).isEqualTo(new AtomVersion("u2", "S", "f", null, "owner",
                Instant.parse("2024-05-01T10:15:30Z"), "u1", null, AtomVersion.Status.DELETED));
        assertThat(storage.repository(FoldEngine.ATOM_REFS).get("ref")).contains(new AtomRef("u2", 2, true));
    }
}
