package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.datafold.api.query.AtomVersion;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

class AtomCacheTest extends EngineFixture {

    private static Atom atom(String uuid, JsonNode content) {
        return new Atom(uuid, "S", "f", null, null, Instant.EPOCH, null, content, AtomVersion.Status.ACTIVE);
    }

    @Test
    void keepsSmallAtomsAndAnswersOnlyForTheSameId() {
        AtomCache cache = new AtomCache(16);
        Atom a = atom("a-1", TextNode.valueOf("small"));
        cache.put(a);
        assertThat(cache.get("a-1")).isSameAs(a);
        assertThat(cache.get("b-2")).isNull();
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    @Test
    void leavesLargeContentToTheStorage() {
        AtomCache cache = new AtomCache(16);
        cache.put(atom("big", TextNode.valueOf("x".repeat(AtomCache.MAX_CONTENT_CHARS + 1))));
        ObjectNode nested = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < 100; i++) {
            nested.putArray("k" + i).add("y".repeat(30));
        }
        cache.put(atom("nested", nested));
        assertThat(cache.get("big")).isNull();
        assertThat(cache.get("nested")).isNull();
        assertThat(AtomCache.small(nested, AtomCache.MAX_CONTENT_CHARS)).isNegative();
    }

    @Test
    void aDisabledCacheKeepsNothing() {
        AtomCache cache = new AtomCache(0);
        cache.put(atom("a", TextNode.valueOf("v")));
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void queriesServedFromTheCacheFollowEveryUpdate() {
        registry.approved(TestSchemas.single("Note").field("title").build());
        create("Note", "title", "one");
        for (int i = 0; i < 5; i++) {
            update("Note", "title", "v" + i);
            assertThat(value("Note", "title")).isEqualTo("v" + i);
            assertThat(value("Note", "title")).isEqualTo("v" + i);
        }
        assertThat(contents(history("Note", "title", null))).containsExactly("v4", "v3", "v2", "v1", "v0", "one");
    }
}
