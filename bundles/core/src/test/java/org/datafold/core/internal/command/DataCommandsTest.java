package org.datafold.core.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.permission.PermissionService;
import org.datafold.api.query.RangeFilter;
import org.junit.jupiter.api.Test;

/**
 * The owner's JSON arguments of {@code fold:mutate} and {@code fold:query} are read strictly, and
 * refused with {@code INVALID_ARGUMENT} before the node is asked anything.
 */
class DataCommandsTest {

    private static <T> T unreached(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            throw new AssertionError("a refused argument reached " + type.getSimpleName() + "." + method.getName());
        }));
    }

    private final DataCommands commands = new DataCommands(unreached(FoldNode.class), unreached(PermissionService.class));

    private static void refused(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(FoldException.class).hasMessage(message)
                .satisfies(e -> assertThat(((FoldException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    private void mutate(String values, String message) {
        refused(() -> commands.mutate("", "Note", "create", values), message);
    }

    private void query(String filter, String message) {
        refused(() -> commands.query(0, "", "", "Reading", "value", filter), message);
    }

    @Test
    void valuesWithAKeyGivenTwiceAtAnyDepthAreRefused() {
        mutate("{\"title\": \"a\", \"title\": \"b\"}",
                "the values argument has the key 'title' twice in one object, at /title (line 1, column 23)");
        mutate("{\"meta\": {\"tags\": [{\"k\": 1, \"k\": 2}]}}",
                "the values argument has the key 'k' twice in one object, at /meta/tags/0/k (line 1, column 32)");
    }

    @Test
    void valuesWithDataAfterTheObjectAreRefused() {
        mutate("{\"title\": \"a\"} {\"title\": \"b\"}",
                "the values argument has data after the end of its JSON value (line 1, column 16)");
        mutate("{\"title\": \"a\"} x", "the values argument has data after the end of its JSON value (line 1, column 16)");
    }

    @Test
    void valuesWithAByteOrderMarkAreRefused() {
        mutate("\uFEFF{\"title\": \"a\"}",
                "the values argument starts with a byte-order mark (U+FEFF): give the JSON without one");
    }

    @Test
    void valuesThatAreNotAnObjectAreRefused() {
        mutate("[\"a\"]", "the values argument must be a JSON object, e.g. '{\"title\": \"hi\"}'");
        mutate("", "the values argument is empty: a JSON value is expected");
    }

    @Test
    void filtersAreReadStrictly() {
        query("{\"Key\": \"a\", \"Key\": \"b\"}",
                "the filter argument has the key 'Key' twice in one object, at /Key (line 1, column 19)");
        query("{\"Key\": \"a\"}}", "the filter argument is not valid JSON: Unexpected close marker '}':"
                + " no open Object to close (line 1, column 13)");
        query("{\"Key\": \"a\"} {}", "the filter argument has data after the end of its JSON value (line 1, column 14)");
        query("\uFEFF{\"Key\": \"a\"}", "the filter argument starts with a byte-order mark (U+FEFF): give the JSON without one");
    }

    @Test
    void mistypedFilterMembersAreRefused() {
        query("\"a\"", "a filter is an object with exactly one of Key, KeyPrefix, KeyRange, Keys, KeyPattern");
        query("{\"Key\": {\"a\": 1}}", "Key must be a string, number or boolean");
        query("{\"Keys\": \"a\"}", "Keys needs an array of keys");
        query("{\"Keys\": [\"a\", null]}", "Keys[] must be a string, number or boolean");
        query("{\"KeyRange\": {\"start\": \"a\", \"end\": [\"m\"]}}", "KeyRange.end must be a string, number or boolean");
    }

    @Test
    void anUnknownMutationTypeIsRefused() {
        refused(() -> commands.mutate("", "Note", "upsert", "{\"title\": \"a\"}"),
                "mutation type must be create, update or delete, was 'upsert'");
    }

    @Test
    void wellFormedArgumentsAreRead() {
        assertThat(DataCommands.values("{\"title\": \"hi\", \"n\": 2, \"meta\": {\"a\": [true]}}\n"))
                .isEqualTo(Map.of("title", "hi", "n", 2, "meta", Map.of("a", List.of(true))));
        assertThat(DataCommands.filter(" {\"KeyRange\": {\"start\": \"a\", \"end\": \"m\"}} "))
                .isEqualTo(new RangeFilter.KeyRange("a", "m"));
    }
}
