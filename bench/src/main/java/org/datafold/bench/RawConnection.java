package org.datafold.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;

import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.support.socket.SocketPaths;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The lightest possible client of the app socket, for the load generator: one blocking JDK Unix
 * socket, the protocol's handshake (greeting, hello, Ed25519 authentication), then requests written
 * and their responses read on the calling thread, one at a time. Requests are prepared once as
 * bytes (only the request id changes); a response counts as a success when it has
 * {@code "status":"ok"}, without parsing the rest. Like redis-benchmark, it spends as little CPU as
 * it can, leaving the cores to the node.
 */
final class RawConnection implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] OK = "\"status\":\"ok\"".getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final ByteBuffer header = ByteBuffer.allocate(4);
    private ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    private long nextId = 1;

    private RawConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /** Connects and authenticates with {@code key}. */
    static RawConnection open(Path socket, ClientKey key) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(SocketPaths.forConnect(socket)));
        RawConnection c = new RawConnection(ch);
        try {
            JsonNode greeting = c.readJson();
            String node = greeting.path("data").path("node_id").asText();
            String challenge = greeting.path("data").path("challenge").asText();
            ObjectNode hello = JSON.createObjectNode().put("request_id", "h").put("operation_type", "hello");
            hello.putObject("payload").putArray("protocol_versions").add(1);
            JsonNode agreed = c.call(hello);
            challenge = agreed.path("data").path("challenge").asText(challenge);
            String signature = Base64.getEncoder().encodeToString(
                    key.sign(DataFoldClient.signedText(node, challenge, key.publicKey())));
            ObjectNode auth = JSON.createObjectNode().put("request_id", "a").put("operation_type", "authenticate");
            auth.putObject("payload").put("public_key", key.publicKey()).put("signature", signature);
            JsonNode who = c.call(auth);
            if (!"ok".equals(who.path("status").asText())) {
                throw new IOException("authentication refused: " + who);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The body of a request with a placeholder id, split around it, to prepare once. */
    static byte[][] template(String operation, ObjectNode payload) {
        ObjectNode request = JSON.createObjectNode().put("request_id", "\u0000").put("operation_type", operation);
        request.set("payload", payload);
        String text = request.toString();
        int at = text.indexOf("\\u0000");
        return new byte[][] {text.substring(0, at).getBytes(StandardCharsets.UTF_8),
                text.substring(at + "\\u0000".length()).getBytes(StandardCharsets.UTF_8)};
    }

    static ObjectNode payload() {
        return JSON.createObjectNode();
    }

    /** Sends a request made from a template and returns whether the response says ok. */
    boolean request(byte[][] template) throws IOException {
        byte[] id = Long.toString(nextId++).getBytes(StandardCharsets.US_ASCII);
        out.clear();
        out.putInt(template[0].length + id.length + template[1].length).put(template[0]).put(id).put(template[1]);
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        int length = readFrame();
        return contains(in.array(), length, OK);
    }

    /** Sends a whole request body as one frame and returns whether the response says ok. */
    boolean requestBody(byte[] body) throws IOException {
        ByteBuffer prefix = ByteBuffer.allocate(4).putInt(body.length).flip();
        while (prefix.hasRemaining()) {
            channel.write(prefix);
        }
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.hasRemaining()) {
            channel.write(b);
        }
        int length = readFrame();
        return contains(in.array(), length, OK);
    }

    private JsonNode call(ObjectNode request) throws IOException {
        byte[] body = JSON.writeValueAsBytes(request);
        ByteBuffer frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
        return readJson();
    }

    private JsonNode readJson() throws IOException {
        int length = readFrame();
        return JSON.readTree(in.array(), 0, length);
    }

    /** Reads one frame into {@link #in}; returns its length. */
    private int readFrame() throws IOException {
        header.clear();
        fill(header);
        int length = header.getInt(0);
        if (length < 0 || length > 16 * 1024 * 1024) {
            throw new IOException("frame length " + length);
        }
        if (in.capacity() < length) {
            in = ByteBuffer.allocate(length);
        }
        in.clear().limit(length);
        fill(in);
        return length;
    }

    private void fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the node closed the connection");
            }
        }
    }

    private static boolean contains(byte[] data, int length, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
