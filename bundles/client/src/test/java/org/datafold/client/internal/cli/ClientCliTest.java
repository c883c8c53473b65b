package org.datafold.client.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.datafold.client.ClientKey;
import org.datafold.client.FakeNodes;

class ClientCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private AutoCloseable node;
    private Path socket;
    private Path keyFile;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        FakeNodes.Handle h = FakeNodes.start(dir);
        node = h;
        socket = h.socket();
        keyFile = dir.resolve("app.key");
        ClientKey.generate().save(keyFile);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private Run run(String... args) {
        return run(Map.of(), new Properties(), args);
    }

    private Run run(Map<String, String> env, Properties props, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ClientCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, props);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void keygenWritesAPrivateKeyFileAndPrintsThePublicKey() throws Exception {
        Path file = dir.resolve("new.key");
        Run r = run("keygen", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(r.out().trim()).isEqualTo(ClientKey.load(file).publicKey());

        Run again = run("keygen", file.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).startsWith("KEY_EXISTS: ");
    }

    @Test
    void queryPrintsTheDataAsJson() throws Exception {
        Run r = run("--socket", socket.toString(), "--key", keyFile.toString(), "query", "Note", "title, body",
                "--filter", "{\"Key\": \"k\"}", "--history", "3");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode out = JSON.readTree(r.out());
        assertThat(out.path("op").asText()).isEqualTo("query");
        assertThat(out.path("echo").toString()).isEqualTo(
                "{\"schema\":\"Note\",\"fields\":[\"title\",\"body\"],\"filter\":{\"Key\":\"k\"},\"include_history\":true,\"history_limit\":3}");
    }

    @Test
    void mutateSchemasAndHistory() throws Exception {
        Run m = run("--socket", socket.toString(), "--key", keyFile.toString(), "mutate", "Note", "update", "{\"body\": \"v2\", \"n\": 1.5}");
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(JSON.readTree(m.out()).path("echo").toString())
                .isEqualTo("{\"schema\":\"Note\",\"mutation_type\":\"update\",\"values\":{\"body\":\"v2\",\"n\":1.5}}");

        Run s = run("--socket", socket.toString(), "--key", keyFile.toString(), "schemas");
        assertThat(s.exit()).as(s.err()).isZero();
        assertThat(JSON.readTree(s.out()).path("op").asText()).isEqualTo("list_schemas");

        Run h = run("--key", keyFile.toString(), "--socket", socket.toString(), "history", "Reading", "temp", "k1", "--limit", "2");
        assertThat(h.exit()).as(h.err()).isZero();
        assertThat(JSON.readTree(h.out()).path("versions").get(0).path("value").asText()).isEqualTo("v2");
    }

    @Test
    void operationErrorIsCodeOnStderrAndExit1() {
        Run r = run("--socket", socket.toString(), "--key", keyFile.toString(), "query", "Missing", "x");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("SCHEMA_NOT_FOUND: no schema Missing");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void connectionFailureIsExit2() throws Exception {
        Run r = run("--socket", dir.resolve("none.sock").toString(), "--key", keyFile.toString(), "schemas");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("CONNECTION_FAILED: ");

        Path broken = Files.writeString(dir.resolve("broken.key"), "{}");
        Run k = run("--socket", socket.toString(), "--key", broken.toString(), "schemas");
        assertThat(k.exit()).isEqualTo(2);
        assertThat(k.err()).startsWith("KEY_INVALID: ");
    }

    @Test
    void usageErrorsAreExit64() {
        assertThat(run().exit()).isEqualTo(64);
        assertThat(run("--key", keyFile.toString(), "--socket", socket.toString(), "frobnicate").exit()).isEqualTo(64);
        assertThat(run("--socket", socket.toString(), "schemas").err()).contains("--key");
        assertThat(run("--key", keyFile.toString(), "--socket", socket.toString(), "query", "Note").exit()).isEqualTo(64);
        assertThat(run("--key", keyFile.toString(), "--socket", socket.toString(), "mutate", "Note", "upsert", "{}").exit()).isEqualTo(64);
        assertThat(run("--key", keyFile.toString(), "--socket", socket.toString(), "mutate", "Note", "create", "[1]").exit()).isEqualTo(64);
        assertThat(run("--key", keyFile.toString(), "--socket", socket.toString(), "query", "Note", "t", "--filter", "nope").exit()).isEqualTo(64);
        assertThat(run("--bogus").exit()).isEqualTo(64);
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("datafold-client keygen <keyfile>");
    }

    @Test
    void defaultSocketComesFromTheEnvironmentOrTheHome() {
        Properties props = new Properties();
        props.setProperty("datafold.home", "/opt/datafold");
        assertThat(ClientCli.defaultSocket(Map.of(), props)).isEqualTo(Path.of("/opt/datafold/run/datafold.sock"));
        assertThat(ClientCli.defaultSocket(Map.of("DATAFOLD_SOCKET", "/x.sock"), props)).isEqualTo(Path.of("/x.sock"));
        assertThat(ClientCli.defaultSocket(Map.of("DATAFOLD_HOME", "/h"), new Properties())).isEqualTo(Path.of("/h/run/datafold.sock"));
        assertThatThrownBy(() -> ClientCli.defaultSocket(Map.of(), new Properties())).isInstanceOf(ClientCli.UsageException.class);

        ClientCli.Command c = ClientCli.parse(new String[] {"--key", "k", "history", "S", "f"}, Map.of(), props);
        assertThat(c.socket()).isEqualTo(Path.of("/opt/datafold/run/datafold.sock"));
        assertThat(c.args()).containsExactly("S", "f");

        Run r = run(Map.of(), props(socket), "--key", keyFile.toString(), "schemas");
        assertThat(r.exit()).as(r.err()).isEqualTo(2); // <home>/run/datafold.sock does not exist under the temp home
        assertThat(r.err()).contains(socket.getParent().resolve("home/run/datafold.sock").toString());
    }

    private static Properties props(Path socket) {
        Properties p = new Properties();
        p.setProperty("datafold.home", socket.getParent().resolve("home").toString());
        return p;
    }
}
