package org.datafold.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.datafold.client.DataFoldClientException.AuthenticationFailed;
import org.datafold.client.DataFoldClientException.ConnectionFailed;
import org.datafold.client.DataFoldClientException.InvalidResponse;
import org.datafold.client.DataFoldClientException.OperationFailed;
import org.datafold.client.DataFoldClientException.Timeout;
import org.datafold.client.internal.Responses;
import org.datafold.support.socket.SocketPaths;

/**
 * A connection to a node's app socket ({@code docs/protocol.md}), authenticated with a {@link ClientKey}.
 *
 * <pre>{@code
 * try (DataFoldClient client = DataFoldClient.connect(ClientConfig.of(socket, ClientKey.load(keyFile)))) {
 *     client.mutate("Note", MutationType.CREATE, Map.of("title", "Groceries"));
 *     QueryResult r = client.query("Note").fields("title").execute();
 *     System.out.println(r.field("title").asText());
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may send requests at once; they are pipelined on the one
 * connection (each gets its own request id, a reader thread hands every response to its request).
 * Every failure is a {@link DataFoldClientException}. After the connection fails or is closed every
 * request fails with {@link ConnectionFailed}; connect again for a new connection (there is no
 * automatic reconnect: a request in flight when a connection breaks may or may not have been carried out).
 *
 * <p>The futures of the {@code *Async} methods are completed by the connection's reader thread:
 * callbacks attached with {@code thenApply} and the like run on it unless you use the
 * {@code ...Async} variants of those methods, so they must not block (and must never wait for
 * another request of the same client). Sending blocks the calling thread while the socket's buffer is
 * full (the node's back-pressure); the request timeout runs from before the send.
 */
public final class DataFoldClient implements AutoCloseable {
    /** The protocol version this client speaks. */
    public static final int PROTOCOL_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTH_PREFIX = "datafold-auth-v1\n";

    private final ClientConfig config;
    private final SocketChannel channel;
    private final Object writeLock = new Object();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;
    /** Why the connection is unusable; set once. */
    private final AtomicReference<DataFoldClientException> failure = new AtomicReference<>();
    /** The last connection-level error the node sent ({@code request_id} null), reported when it closes. */
    private volatile JsonNode connectionError;

    private volatile String nodeId;
    private volatile int protocolVersion;
    private volatile int trustDistance = -1;

    private DataFoldClient(ClientConfig config, SocketChannel channel) {
        this.config = config;
        this.channel = channel;
        this.reader = new Thread(this::readLoop, "datafold-client-reader " + config.socket().getFileName());
        this.reader.setDaemon(true);
    }

    /**
     * Connects, reads the greeting, agrees on protocol version 1 and authenticates, all within the
     * connect timeout.
     *
     * @throws ConnectionFailed     when the socket cannot be reached or the node refuses the connection
     * @throws AuthenticationFailed when the node refuses the key
     * @throws Timeout              when the node does not complete the handshake in time
     */
    public static DataFoldClient connect(ClientConfig config) {
        Objects.requireNonNull(config, "config");
        long deadline = System.nanoTime() + config.connectTimeout().toNanos();
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConnectionFailed("cannot open a Unix domain socket: " + e, e);
        }
        // A connect that hangs (full backlog) is cut by closing the channel at the deadline.
        AtomicBoolean connected = new AtomicBoolean();
        CompletableFuture.delayedExecutor(config.connectTimeout().toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
            if (!connected.get()) {
                closeQuietly(channel);
            }
        });
        try {
            channel.connect(UnixDomainSocketAddress.of(SocketPaths.forConnect(config.socket())));
            connected.set(true);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConnectionFailed("cannot connect to " + config.socket() + ": " + describe(e), e);
        }
        DataFoldClient client = new DataFoldClient(config, channel);
        client.reader.start();
        try {
            client.handshake(deadline);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Operations

    /** The schemas the node knows, with their states. */
    public List<SchemaSummary> listSchemas() {
        return Responses.schemas(call("list_schemas", payload()));
    }

    /** A schema's definition and state ({@code name}, {@code state}, {@code schema_type}, {@code fields}). */
    public JsonNode getSchema(String name) {
        return call("get_schema", payload().put("name", Objects.requireNonNull(name, "name")));
    }

    /** A schema's state. */
    public SchemaStatus schemaState(String name) {
        return Responses.schemaStatus(call("schema_state", payload().put("name", Objects.requireNonNull(name, "name"))));
    }

    /** Starts a query of a schema; add fields, then {@link QueryBuilder#execute()}. */
    public QueryBuilder query(String schema) {
        return new QueryBuilder(this, schema);
    }

    /** Reads fields of a single schema (or all rows of a range schema). */
    public QueryResult query(String schema, String... fields) {
        return query(schema).fields(fields).execute();
    }

    /** Starts a mutation; set fields, then {@link MutationBuilder#execute()}. */
    public MutationBuilder mutation(String schema, MutationType type) {
        return new MutationBuilder(this, schema, type);
    }

    /** Creates, updates or deletes field values (all or nothing). */
    public MutationResult mutate(String schema, MutationType type, Map<String, ?> values) {
        return Responses.mutation(call("mutate", mutatePayload(schema, type, values)));
    }

    /** Like {@link #mutate}, without waiting. */
    public CompletableFuture<MutationResult> mutateAsync(String schema, MutationType type, Map<String, ?> values) {
        return callAsync("mutate", mutatePayload(schema, type, values)).thenApply(Responses::mutation);
    }

    /**
     * A field's versions, newest first.
     *
     * @param rangeKey the row of a range schema, or {@code null}
     * @param limit    the most versions, or {@code 0} for the node's default
     */
    public List<Version> history(String schema, String field, String rangeKey, int limit) {
        ObjectNode p = payload().put("schema", Objects.requireNonNull(schema, "schema"))
                .put("field", Objects.requireNonNull(field, "field"));
        if (rangeKey != null) {
            p.put("range_key", rangeKey);
        }
        if (limit > 0) {
            p.put("limit", limit);
        }
        return Responses.versions(call("history", p));
    }

    /** A field's versions, newest first (single schema, the node's default limit). */
    public List<Version> history(String schema, String field) {
        return history(schema, field, null, 0);
    }

    /** Loads a schema definition (JSON text); owner only. */
    public SchemaStatus loadSchema(String definitionJson) {
        return Responses.schemaStatus(call("load_schema", payload().put("json", Objects.requireNonNull(definitionJson, "json"))));
    }

    /** Approves a schema; owner only. */
    public SchemaStatus approveSchema(String name) {
        return lifecycle("approve_schema", name);
    }

    /** Blocks a schema; owner only. */
    public SchemaStatus blockSchema(String name) {
        return lifecycle("block_schema", name);
    }

    /** Unloads a schema; owner only. */
    public SchemaStatus unloadSchema(String name) {
        return lifecycle("unload_schema", name);
    }

    /**
     * Sends any operation and waits for its {@code data}: the escape hatch for operations without a
     * method here.
     *
     * @throws OperationFailed  when the node answers with an error
     * @throws Timeout          when no answer comes within the request timeout
     * @throws ConnectionFailed when the connection is closed or fails
     * @throws InvalidResponse  when the answer breaks the protocol
     */
    public JsonNode call(String operationType, ObjectNode payload) {
        return await(callAsync(operationType, payload));
    }

    /**
     * Sends any operation without waiting; the future completes with the response's {@code data}, or
     * exceptionally with a {@link DataFoldClientException} (also after the request timeout).
     */
    public CompletableFuture<JsonNode> callAsync(String operationType, ObjectNode payload) {
        return send(operationType, payload, config.requestTimeout().toNanos());
    }

    // ---------------------------------------------------------------------------------------------
    // State

    /** The node's id, from the greeting. */
    public String nodeId() {
        return nodeId;
    }

    /** The agreed protocol version. */
    public int protocolVersion() {
        return protocolVersion;
    }

    /** This connection's public key. */
    public String publicKey() {
        return config.key().publicKey();
    }

    /** The trust distance the node gave this key at authentication ({@code -1} if it did not say). */
    public int trustDistance() {
        return trustDistance;
    }

    /** Whether requests can still be sent. */
    public boolean isOpen() {
        return !closed.get() && failure.get() == null;
    }

    /** Closes the connection; pending requests fail with {@link ConnectionFailed}. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        fail(new ConnectionFailed("the client was closed", null));
        closeQuietly(channel);
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Package-private helpers for the builders

    QueryResult runQuery(ObjectNode payload) {
        return Responses.query(call("query", payload));
    }

    CompletableFuture<QueryResult> runQueryAsync(ObjectNode payload) {
        return callAsync("query", payload).thenApply(Responses::query);
    }

    // ---------------------------------------------------------------------------------------------
    // Handshake

    private void handshake(long deadline) {
        JsonNode hello = await(withDeadline(greeting, deadline, "the greeting"));
        if (!hello.path("greeting").isTextual()) {
            throw new InvalidResponse("the first frame is not a greeting: " + Responses.abbreviate(hello), null);
        }
        boolean supported = false;
        for (JsonNode v : hello.path("protocol_versions")) {
            supported |= v.asInt() == PROTOCOL_VERSION;
        }
        if (!supported) {
            throw new ConnectionFailed("UNSUPPORTED_PROTOCOL", "the node speaks protocol versions "
                    + hello.path("protocol_versions") + ", this client " + PROTOCOL_VERSION, null);
        }
        String node = Responses.requireText(hello, "node_id");
        String challenge = Responses.requireText(hello, "challenge");

        ObjectNode helloPayload = payload();
        helloPayload.putArray("protocol_versions").add(PROTOCOL_VERSION);
        JsonNode agreed;
        try {
            agreed = await(send("hello", helloPayload, remaining(deadline)));
        } catch (OperationFailed e) {
            throw new ConnectionFailed(e.code(), "hello refused: " + e.getMessage(), e);
        }
        if (agreed.path("protocol_version").asInt() != PROTOCOL_VERSION) {
            throw new InvalidResponse("hello agreed on protocol version " + agreed.path("protocol_version")
                    + ", not " + PROTOCOL_VERSION, null);
        }
        node = agreed.path("node_id").isTextual() ? agreed.get("node_id").asText() : node;
        challenge = agreed.path("challenge").isTextual() ? agreed.get("challenge").asText() : challenge;

        String publicKey = config.key().publicKey();
        byte[] signed = signedText(node, challenge, publicKey);
        ObjectNode auth = payload().put("public_key", publicKey)
                .put("signature", Base64.getEncoder().encodeToString(config.key().sign(signed)));
        JsonNode who;
        try {
            who = await(send("authenticate", auth, remaining(deadline)));
        } catch (OperationFailed e) {
            throw new AuthenticationFailed(e.code(), e.getMessage());
        } catch (ConnectionFailed e) {
            // The node closes the connection after a refusal; the refusal may be all that is left.
            JsonNode err = connectionError;
            if (err != null) {
                throw new AuthenticationFailed(err.path("code").asText("AUTHENTICATION_FAILED"), err.path("message").asText(""));
            }
            throw e;
        }
        this.nodeId = node;
        this.protocolVersion = PROTOCOL_VERSION;
        this.trustDistance = who.path("trust_distance").isInt() ? who.get("trust_distance").asInt() : -1;
    }

    /** The bytes an authentication signs: {@code datafold-auth-v1\n<node_id>\n<challenge>\n<public_key>}. */
    public static byte[] signedText(String nodeId, String challenge, String publicKey) {
        return (AUTH_PREFIX + nodeId + "\n" + challenge + "\n" + publicKey).getBytes(StandardCharsets.UTF_8);
    }

    private static long remaining(long deadline) {
        return Math.max(1, deadline - System.nanoTime());
    }

    private CompletableFuture<JsonNode> withDeadline(CompletableFuture<JsonNode> f, long deadline, String what) {
        return f.copy().orTimeout(remaining(deadline), TimeUnit.NANOSECONDS).handle((r, e) -> {
            if (e == null) {
                return r;
            }
            throw translate(e, what);
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Requests and responses

    private static ObjectNode payload() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static ObjectNode mutatePayload(String schema, MutationType type, Map<String, ?> values) {
        ObjectNode p = payload().put("schema", Objects.requireNonNull(schema, "schema"))
                .put("mutation_type", Objects.requireNonNull(type, "type").wireName());
        p.set("values", JSON.valueToTree(values == null ? Map.of() : values));
        return p;
    }

    private SchemaStatus lifecycle(String op, String name) {
        return Responses.schemaStatus(call(op, payload().put("name", Objects.requireNonNull(name, "name"))));
    }

    private CompletableFuture<JsonNode> send(String op, ObjectNode payload, long timeoutNanos) {
        Objects.requireNonNull(op, "operationType");
        String id = Long.toString(ids.incrementAndGet());
        ObjectNode request = JSON.createObjectNode();
        request.put("request_id", id);
        request.put("operation_type", op);
        request.set("payload", payload == null ? payload() : payload);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("payload cannot be written as JSON: " + e.getOriginalMessage(), e));
        }
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        f.whenComplete((r, e) -> pending.remove(id, f));
        pending.put(id, f);
        DataFoldClientException why = failure.get();
        if (why != null) {
            f.completeExceptionally(why);
        } else {
            f.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
            ByteBuffer frame = ByteBuffer.allocate(4 + body.length);
            frame.putInt(body.length).put(body).flip();
            try {
                synchronized (writeLock) {
                    while (frame.hasRemaining()) {
                        channel.write(frame);
                    }
                }
            } catch (IOException e) {
                ConnectionFailed cf = new ConnectionFailed("cannot send " + op + ": " + describe(e), e);
                fail(cf);
                f.completeExceptionally(cf);
            }
        }
        String what = op + " (request " + id + ")";
        return f.handle((r, e) -> {
            if (e == null) {
                return Responses.data(r, op);
            }
            throw translate(e, what);
        });
    }

    private static JsonNode await(CompletableFuture<JsonNode> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectionFailed("interrupted while waiting for the node", e);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof RuntimeException re) {
            return re;
        }
        return new ConnectionFailed(String.valueOf(c), c);
    }

    private static CompletionException translate(Throwable e, String what) {
        Throwable c = e;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof TimeoutException) {
            return new CompletionException(new Timeout("no answer to " + what + " in time"));
        }
        return new CompletionException(c);
    }

    private void readLoop() {
        ByteBuffer header = ByteBuffer.allocate(4);
        try {
            while (true) {
                header.clear();
                readFully(header);
                int length = header.getInt(0);
                if (length < 0 || length > config.maxFrameBytes()) {
                    throw new InvalidResponse("the node sent a frame of " + Integer.toUnsignedString(length)
                            + " bytes (limit " + config.maxFrameBytes() + ")", null);
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(body);
                dispatch(body.array());
            }
        } catch (DataFoldClientException e) {
            fail(e);
        } catch (EOFException e) {
            fail(closedByNode("the node closed the connection"));
        } catch (IOException e) {
            fail(closed.get() ? new ConnectionFailed("the client was closed", null)
                    : closedByNode("connection failed: " + describe(e)));
        } catch (RuntimeException e) {
            fail(new InvalidResponse("cannot handle a response: " + e, e));
        } finally {
            closeQuietly(channel);
        }
    }

    private ConnectionFailed closedByNode(String message) {
        JsonNode err = connectionError;
        if (err != null) {
            return new ConnectionFailed(err.path("code").asText("CONNECTION_FAILED"),
                    message + ": " + err.path("code").asText() + ": " + err.path("message").asText(), null);
        }
        return new ConnectionFailed(message, null);
    }

    private void readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new EOFException();
            }
        }
    }

    private void dispatch(byte[] body) {
        JsonNode response;
        try {
            response = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidResponse("the node sent a frame that is not JSON: " + e.getMessage(), e);
        }
        if (response == null || !response.isObject()) {
            throw new InvalidResponse("the node sent a frame that is not a JSON object", null);
        }
        JsonNode idNode = response.get("request_id");
        if (idNode == null || idNode.isNull()) {
            if (!greeting.isDone()) {
                if ("ok".equals(response.path("status").asText())) {
                    greeting.complete(response.path("data"));
                } else {
                    JsonNode err = response.path("error");
                    greeting.completeExceptionally(new ConnectionFailed(err.path("code").asText("CONNECTION_FAILED"),
                            "the node refused the connection: " + err.path("message").asText(Responses.abbreviate(response)), null));
                }
            } else {
                // A connection-level error (a frame the node could not parse, a frame too large, shutting
                // down): remember it, the node normally closes the connection next.
                connectionError = response.path("error");
            }
            return;
        }
        if (!idNode.isTextual() && !idNode.isNumber()) {
            throw new InvalidResponse("request_id is neither a string nor null: " + Responses.abbreviate(response), null);
        }
        CompletableFuture<JsonNode> f = pending.get(idNode.asText());
        if (f == null) {
            return; // answered after its timeout: nobody waits any more
        }
        f.complete(response);
    }

    private void fail(DataFoldClientException why) {
        failure.compareAndSet(null, why);
        DataFoldClientException first = failure.get();
        greeting.completeExceptionally(first);
        for (CompletableFuture<JsonNode> f : new ArrayList<>(pending.values())) {
            f.completeExceptionally(first);
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }
}
