package org.datafold.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FoldExceptionTest {

    @Test
    void describeNamesCodeMessageAndContext() {
        FoldException e = new FoldException(ErrorCode.NOT_FOUND, "no such schema", Map.of("schema", "User"), null);
        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.describe()).isEqualTo("NOT_FOUND: no such schema {schema=User}");
        assertThat(new FoldException(ErrorCode.INTERNAL, "boom").describe()).isEqualTo("INTERNAL: boom");
    }

    @Test
    void contextIsACopyAndImmutable() {
        Map<String, Object> ctx = new HashMap<>();
        ctx.put("key", "a");
        FoldException e = new FoldException(ErrorCode.INVALID_ARGUMENT, "bad", ctx, null);
        ctx.put("key", "b");
        assertThat(e.context()).containsEntry("key", "a");
        assertThatThrownBy(() -> e.context().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void codeIsRequired() {
        assertThatThrownBy(() -> new FoldException(null, "x")).isInstanceOf(NullPointerException.class);
    }
}
