package org.datafold.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A mutation under construction:
 * {@code client.mutation("Note", MutationType.CREATE).set("title", "Groceries").execute()}.
 * Not thread-safe; build it in one thread.
 */
public final class MutationBuilder {
    private final DataFoldClient client;
    private final String schema;
    private final MutationType type;
    private final Map<String, Object> values = new LinkedHashMap<>();

    MutationBuilder(DataFoldClient client, String schema, MutationType type) {
        this.client = client;
        this.schema = Objects.requireNonNull(schema, "schema");
        this.type = Objects.requireNonNull(type, "type");
    }

    /** Sets a field (any value Jackson can write: strings, numbers, booleans, maps, lists, JsonNode, null). */
    public MutationBuilder set(String field, Object value) {
        values.put(Objects.requireNonNull(field, "field"), value);
        return this;
    }

    /** Sets several fields. */
    public MutationBuilder setAll(Map<String, ?> fieldValues) {
        fieldValues.forEach(this::set);
        return this;
    }

    public MutationResult execute() {
        return client.mutate(schema, type, values);
    }

    public CompletableFuture<MutationResult> executeAsync() {
        return client.mutateAsync(schema, type, values);
    }
}
