package org.datafold.client;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A fake node speaking the app socket protocol over a real Unix domain socket: greeting, hello,
 * authenticate (verifying the signature), then requests answered by {@link #responder} on a small
 * pool with random delays (so responses come back out of order).
 */
final class FakeNode implements Closeable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NODE_ID = "6f1c0000-0000-4000-8000-000000000001";

    final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final List<SocketChannel> connections = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Answers an authenticated request ({@code request_id}, {@code operation_type}, {@code payload}): the data of an ok response,
     *  a full response object (with {@code status}), a {@link BinaryNode} of raw frame bytes, or null for no answer. */
    volatile Function<JsonNode, JsonNode> responder = req -> JSON.createObjectNode()
            .put("op", req.path("operation_type").asText()).set("echo", req.path("payload"));
    volatile List<Integer> versions = List.of(1);
    volatile boolean refuseAuth;
    volatile boolean delays = true;

    final ConcurrentLinkedQueue<JsonNode> requests = new ConcurrentLinkedQueue<>();
    volatile String lastChallenge;
    volatile String lastPublicKey;
    volatile byte[] lastSignature;
    final AtomicInteger authenticated = new AtomicInteger();
    final AtomicInteger outOfOrder = new AtomicInteger();
    private final AtomicLong lastAnswered = new AtomicLong();

    FakeNode(Path dir) throws IOException {
        socket = dir.resolve("fake.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(this::acceptLoop, "fake-node-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                connections.add(ch);
                Thread t = new Thread(() -> serve(ch), "fake-node-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String challenge = Base64.getEncoder().encodeToString(raw);
        lastChallenge = challenge;
        boolean authed = false;
        try {
            ObjectNode greeting = JSON.createObjectNode();
            greeting.putNull("request_id");
            greeting.put("status", "ok");
            ObjectNode g = greeting.putObject("data");
            g.put("greeting", "datafold");
            versions.forEach(g.putArray("protocol_versions")::add);
            g.put("node_id", NODE_ID);
            g.put("challenge", challenge);
            write(ch, greeting);
            while (true) {
                JsonNode req = JSON.readTree(read(ch));
                String id = req.path("request_id").asText();
                String op = req.path("operation_type").asText();
                if (op.equals("hello")) {
                    write(ch, ok(id, JSON.createObjectNode().put("protocol_version", 1).put("node_id", NODE_ID).put("challenge", challenge)));
                } else if (op.equals("authenticate")) {
                    String key = req.path("payload").path("public_key").asText();
                    byte[] sig = Base64.getDecoder().decode(req.path("payload").path("signature").asText());
                    lastPublicKey = key;
                    lastSignature = sig;
                    boolean good = !refuseAuth && ClientKey.verify(key,
                            ("datafold-auth-v1\n" + NODE_ID + "\n" + challenge + "\n" + key).getBytes(StandardCharsets.UTF_8), sig);
                    if (!good) {
                        write(ch, error(id, "AUTHENTICATION_FAILED", "signature refused"));
                        ch.close();
                        return;
                    }
                    authed = true;
                    authenticated.incrementAndGet();
                    write(ch, ok(id, JSON.createObjectNode().put("public_key", key).put("trust_distance", 0)));
                } else if (!authed) {
                    write(ch, error(id, "UNAUTHENTICATED", "authenticate first"));
                } else {
                    requests.add(req);
                    workers.execute(() -> answer(ch, req));
                }
            }
        } catch (IOException e) {
            // connection over
        } finally {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closed
            }
        }
    }

    private void answer(SocketChannel ch, JsonNode req) {
        try {
            if (delays) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
            }
            JsonNode r = responder.apply(req);
            if (r == null) {
                return;
            }
            String id = req.path("request_id").asText();
            long n = Long.parseLong(id);
            if (lastAnswered.getAndAccumulate(n, Math::max) > n) {
                outOfOrder.incrementAndGet();
            }
            if (r instanceof BinaryNode b) {
                writeRaw(ch, b.binaryValue());
            } else if (r.has("status")) {
                ObjectNode full = ((ObjectNode) r).deepCopy();
                if (!full.hasNonNull("request_id")) {
                    full.put("request_id", id);
                }
                write(ch, full);
            } else {
                write(ch, ok(id, r));
            }
        } catch (IOException | InterruptedException e) {
            // connection over
        }
    }

    static ObjectNode ok(String id, JsonNode data) {
        ObjectNode r = JSON.createObjectNode();
        r.put("request_id", id);
        r.put("status", "ok");
        r.set("data", data);
        return r;
    }

    static ObjectNode error(String id, String code, String message) {
        ObjectNode r = JSON.createObjectNode();
        r.put("request_id", id);
        r.put("status", "error");
        r.putObject("error").put("code", code).put("message", message).putObject("details").put("schema", "Note");
        return r;
    }

    /** Closes every open connection (the node going away), keeping the listener. */
    void dropConnections() throws IOException {
        for (SocketChannel ch : connections) {
            ch.close();
        }
    }

    private void write(SocketChannel ch, JsonNode msg) throws IOException {
        writeRaw(ch, JSON.writeValueAsBytes(msg));
    }

    private void writeRaw(SocketChannel ch, byte[] body) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        synchronized (ch) {
            while (frame.hasRemaining()) {
                ch.write(frame);
            }
        }
    }

    private static byte[] read(SocketChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        fill(ch, header);
        ByteBuffer body = ByteBuffer.allocate(header.getInt(0));
        fill(ch, body);
        return body.array();
    }

    private static void fill(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        workers.shutdownNow();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
