package org.datafold.transport.uds.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A blocking test client speaking raw frames; every read is bounded by a socket timeout. */
final class RawClient implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    final AFUNIXSocket socket;
    final DataInputStream in;
    final DataOutputStream out;
    JsonNode greeting;

    RawClient(Path path) throws IOException {
        this(path, true);
    }

    RawClient(Path path, boolean readGreeting) throws IOException {
        socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(path));
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
        if (readGreeting) {
            greeting = read();
        }
    }

    String challenge() {
        return greeting.path("data").path("challenge").asText();
    }

    String nodeId() {
        return greeting.path("data").path("node_id").asText();
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
        out.flush();
    }

    void send(String id, String op, JsonNode payload) throws IOException {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("request_id", id);
        r.put("operation_type", op);
        r.set("payload", payload);
        send(MAPPER.writeValueAsString(r));
    }

    JsonNode call(String id, String op, String payloadJson) throws IOException {
        send(id, op, MAPPER.readTree(payloadJson));
        return read();
    }

    JsonNode read() throws IOException {
        int n = in.readInt();
        byte[] b = new byte[n];
        in.readFully(b);
        return MAPPER.readTree(b);
    }

    /** True when the server closed the connection (EOF or reset) before sending anything else. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (EOFException | SocketException e) {
            return true;
        }
    }

    static KeyPair newKey() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static String publicKey(KeyPair kp) {
        byte[] spki = kp.getPublic().getEncoded();
        return Base64.getEncoder().encodeToString(Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    static String sign(KeyPair kp, String nodeId, String challenge, String publicKey) throws GeneralSecurityException {
        Signature s = Signature.getInstance("Ed25519");
        s.initSign(kp.getPrivate());
        s.update(("datafold-auth-v1\n" + nodeId + "\n" + challenge + "\n" + publicKey).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(s.sign());
    }

    JsonNode authenticate(KeyPair kp) throws IOException, GeneralSecurityException {
        String pk = publicKey(kp);
        ObjectNode p = MAPPER.createObjectNode();
        p.put("public_key", pk);
        p.put("signature", sign(kp, nodeId(), challenge(), pk));
        send("auth", "authenticate", p);
        return read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
