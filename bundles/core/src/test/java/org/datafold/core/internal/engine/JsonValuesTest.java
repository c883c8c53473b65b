package org.datafold.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.junit.jupiter.api.Test;

class JsonValuesTest {

    private static Object roundTrip(Object value) {
        return JsonValues.toJava(JsonValues.toJson(value, "S", "f"));
    }

    private static void assertRefused(Object value, String messagePart) {
        assertThatThrownBy(() -> JsonValues.toJson(value, "S", "f"))
                .isInstanceOfSatisfying(FoldException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
                    assertThat(e.getMessage()).startsWith("the value of S.f at $").contains(messagePart);
                    assertThat(e.context()).containsEntry("schema", "S").containsEntry("field", "f");
                });
    }

    @Test
    void jsonValuesConvertBothWays() {
        assertThat(roundTrip(null)).isNull();
        assertThat(roundTrip("s")).isEqualTo("s");
        assertThat(roundTrip(true)).isEqualTo(true);
        assertThat(roundTrip((short) 3)).isEqualTo(3);
        assertThat(roundTrip((byte) 3)).isEqualTo(3);
        assertThat(roundTrip(3L)).isEqualTo(3L);
        assertThat(roundTrip(0.1f)).isEqualTo(0.1);
        assertThat(roundTrip(new BigDecimal("0.5"))).isEqualTo(0.5);
        assertThat(roundTrip(BigInteger.TEN.pow(30))).isEqualTo(BigInteger.TEN.pow(30));
        assertThat(roundTrip(List.of(Map.of("a", List.of())))).isEqualTo(List.of(Map.of("a", List.of())));
    }

    @Test
    void convertedMapsAndListsAreUnmodifiable() {
        Map<String, Object> input = new HashMap<>();
        input.put("list", new ArrayList<>(List.of(1)));
        @SuppressWarnings("unchecked")
        Map<String, Object> read = (Map<String, Object>) roundTrip(input);

        assertThatThrownBy(() -> read.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) read.get("list")).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void valuesThatAreNotJsonAreRefused() {
        assertRefused(new Object(), "java.lang.Object");
        assertRefused(Double.POSITIVE_INFINITY, "not finite");
        assertRefused(Float.NaN, "not finite");
        assertRefused(new int[] {1}, "not a JSON value");
        assertRefused(Map.of(1, "x"), "not a string");
        assertRefused(new StringBuilder("x"), "java.lang.StringBuilder");
        assertRefused(BigInteger.TEN.pow(JsonValues.MAX_INTEGER_DIGITS), "digits");
        assertRefused(Map.of("k\uDC00", 1), "unpaired surrogate");
    }

    @Test
    void valuesNestedTooDeeplyAreRefused() {
        Object deep = "leaf";
        for (int i = 0; i < JsonValues.MAX_DEPTH; i++) {
            deep = List.of(deep);
        }
        assertThat(roundTrip(deep)).isEqualTo(deep);
        Object tooDeep = List.of(deep);
        assertRefused(tooDeep, "nested more than");
    }

    @Test
    void rangeKeysAreTheTextOfStringsNumbersAndBooleans() {
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson("k", "S", "f"))).isEqualTo("k");
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(42, "S", "f"))).isEqualTo("42");
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(-7L, "S", "f"))).isEqualTo("-7");
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(2.5, "S", "f"))).isEqualTo("2.5");
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(false, "S", "f"))).isEqualTo("false");
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(null, "S", "f"))).isNull();
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(List.of(), "S", "f"))).isNull();
        assertThat(JsonValues.rangeKeyText(JsonValues.toJson(Map.of(), "S", "f"))).isNull();
    }
}
