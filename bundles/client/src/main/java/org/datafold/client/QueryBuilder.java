package org.datafold.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A query under construction: {@code client.query("Note").fields("title", "body").execute()}.
 * Not thread-safe; build it in one thread (executing it is thread-safe).
 */
public final class QueryBuilder {
    private final DataFoldClient client;
    private final String schema;
    private final List<String> fields = new ArrayList<>();
    private RangeFilter filter;
    private int historyLimit = -1;

    QueryBuilder(DataFoldClient client, String schema) {
        this.client = client;
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    /** Adds fields to read. */
    public QueryBuilder fields(String... names) {
        return fields(List.of(names));
    }

    /** Adds fields to read. */
    public QueryBuilder fields(List<String> names) {
        for (String n : names) {
            fields.add(Objects.requireNonNull(n, "field"));
        }
        return this;
    }

    /** Which rows of a range schema (default: all). */
    public QueryBuilder filter(RangeFilter rangeFilter) {
        this.filter = rangeFilter;
        return this;
    }

    /** Also returns each field's versions, newest first, at most {@code limit} of them. */
    public QueryBuilder history(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("history limit must be positive: " + limit);
        }
        this.historyLimit = limit;
        return this;
    }

    /** The {@code query} payload. */
    public ObjectNode toPayload() {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a query needs at least one field");
        }
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("schema", schema);
        fields.forEach(p.putArray("fields")::add);
        if (filter != null) {
            p.set("filter", filter.toJson());
        }
        if (historyLimit > 0) {
            p.put("include_history", true);
            p.put("history_limit", historyLimit);
        }
        return p;
    }

    /** Runs the query and waits for its answer. */
    public QueryResult execute() {
        return client.runQuery(toPayload());
    }

    /** Runs the query without waiting (pipelined with other requests on the connection). */
    public CompletableFuture<QueryResult> executeAsync() {
        return client.runQueryAsync(toPayload());
    }
}
