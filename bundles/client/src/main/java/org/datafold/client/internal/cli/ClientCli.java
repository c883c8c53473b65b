package org.datafold.client.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.datafold.client.ClientConfig;
import org.datafold.client.ClientKey;
import org.datafold.client.DataFoldClient;
import org.datafold.client.DataFoldClientException;
import org.datafold.client.MutationType;
import org.datafold.client.QueryBuilder;
import org.datafold.client.RangeFilter;

/**
 * {@code datafold-client}: the command-line client of the app socket, with JSON output for scripts.
 *
 * <pre>
 * datafold-client keygen &lt;keyfile&gt;
 * datafold-client [--socket &lt;path&gt;] --key &lt;keyfile&gt; [--timeout &lt;seconds&gt;] &lt;command&gt;
 *   schemas
 *   schema &lt;name&gt;
 *   query &lt;schema&gt; &lt;field,field,...&gt; [--filter '&lt;json&gt;'] [--history &lt;n&gt;]
 *   mutate &lt;schema&gt; &lt;create|update|delete&gt; '&lt;json object&gt;'
 *   history &lt;schema&gt; &lt;field&gt; [&lt;key&gt;] [--limit &lt;n&gt;]
 * </pre>
 *
 * Output: the response's {@code data} as JSON on stdout. Errors: {@code CODE: message} on stderr
 * and exit status 1 (the node refused the operation, timeout, invalid response), 2 (no connection,
 * authentication refused, unusable key file) or 64 (usage).
 */
public final class ClientCli {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_CONNECTION = 2;
    static final int EXIT_USAGE = 64;

    static final String USAGE = """
            usage: datafold-client keygen <keyfile>
                   datafold-client [--socket <path>] --key <keyfile> [--timeout <seconds>] <command>
            commands:
              schemas                                          the schemas and their states
              schema <name>                                    one schema's definition
              query <schema> <field,field,...> [--filter '<json>'] [--history <n>]
              mutate <schema> <create|update|delete> '<json object>'
              history <schema> <field> [<range key>] [--limit <n>]
            The socket defaults to $DATAFOLD_SOCKET, else <datafold home>/run/datafold.sock.
            Output is JSON on stdout; errors are 'CODE: message' on stderr with exit status
            1 (operation failed), 2 (connection, authentication or key file), 64 (usage).
            """;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClientCli() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err, System.getenv(), System.getProperties());
        System.out.flush();
        System.exit(status);
    }

    /** Usage error. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** A parsed command line (package-private for tests). */
    record Command(Path socket, Path key, Duration timeout, String name, List<String> args, String filter,
            int limit) {
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Properties props) {
        Command cmd;
        try {
            cmd = parse(args, env, props);
        } catch (UsageException e) {
            err.println("USAGE: " + e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        }
        if (cmd.name().equals("help")) {
            out.print(USAGE);
            return EXIT_OK;
        }
        try {
            if (cmd.name().equals("keygen")) {
                return keygen(cmd, out, err);
            }
            ClientKey key = ClientKey.load(cmd.key());
            ClientConfig config = ClientConfig.of(cmd.socket(), key);
            if (cmd.timeout() != null) {
                config = config.withRequestTimeout(cmd.timeout()).withConnectTimeout(cmd.timeout());
            }
            try (DataFoldClient client = DataFoldClient.connect(config)) {
                print(out, execute(client, cmd));
            }
            return EXIT_OK;
        } catch (UsageException e) {
            err.println("USAGE: " + e.getMessage());
            return EXIT_USAGE;
        } catch (DataFoldClientException.OperationFailed | DataFoldClientException.Timeout
                | DataFoldClientException.InvalidResponse e) {
            err.println(e.code() + ": " + e.getMessage());
            return EXIT_FAILED;
        } catch (DataFoldClientException e) {
            err.println(e.code() + ": " + e.getMessage());
            return EXIT_CONNECTION;
        } catch (UncheckedIOException | IllegalArgumentException e) {
            err.println("KEY_INVALID: " + e.getMessage());
            return EXIT_CONNECTION;
        }
    }

    static Command parse(String[] args, Map<String, String> env, Properties props) {
        Path socket = null;
        Path key = null;
        Duration timeout = null;
        int i = 0;
        for (; i < args.length && args[i].startsWith("--"); i++) {
            String a = args[i];
            switch (a) {
                case "--socket" -> socket = Path.of(value(args, ++i, a));
                case "--key" -> key = Path.of(value(args, ++i, a));
                case "--timeout" -> timeout = Duration.ofMillis((long) (positive(value(args, ++i, a), a) * 1000));
                case "--help" -> {
                    return new Command(null, null, null, "help", List.of(), null, 0);
                }
                default -> throw new UsageException("unknown option " + a);
            }
        }
        if (i >= args.length) {
            throw new UsageException("no command");
        }
        String name = args[i++];
        List<String> rest = new ArrayList<>();
        String filter = null;
        int limit = 0;
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--filter") && name.equals("query")) {
                filter = value(args, ++i, a);
            } else if (a.equals("--history") && name.equals("query") || a.equals("--limit") && name.equals("history")) {
                limit = (int) positive(value(args, ++i, a), a);
                if (limit < 1) {
                    throw new UsageException(a + " needs a positive whole number");
                }
            } else {
                rest.add(a);
            }
        }
        switch (name) {
            case "help" -> {
                return new Command(null, null, null, "help", List.of(), null, 0);
            }
            case "keygen" -> {
                if (rest.size() != 1) {
                    throw new UsageException("keygen <keyfile>");
                }
                return new Command(null, Path.of(rest.get(0)), null, name, rest, null, 0);
            }
            case "schemas" -> arity(rest, 0, 0, "schemas");
            case "schema" -> arity(rest, 1, 1, "schema <name>");
            case "query" -> arity(rest, 2, 2, "query <schema> <field,field,...> [--filter '<json>']");
            case "mutate" -> arity(rest, 3, 3, "mutate <schema> <create|update|delete> '<json object>'");
            case "history" -> arity(rest, 2, 3, "history <schema> <field> [<key>]");
            default -> throw new UsageException("unknown command '" + name + "'");
        }
        if (key == null) {
            throw new UsageException("--key <keyfile> is required");
        }
        if (socket == null) {
            socket = defaultSocket(env, props);
        }
        return new Command(socket, key, timeout, name, rest, filter, limit);
    }

    static Path defaultSocket(Map<String, String> env, Properties props) {
        String s = env.get("DATAFOLD_SOCKET");
        if (s != null && !s.isBlank()) {
            return Path.of(s);
        }
        String home = props.getProperty("datafold.home");
        if (home == null || home.isBlank()) {
            home = env.get("DATAFOLD_HOME");
        }
        if (home == null || home.isBlank()) {
            throw new UsageException("no --socket given, and neither DATAFOLD_SOCKET nor the datafold home is set");
        }
        return Path.of(home, "run", "datafold.sock");
    }

    private static JsonNode execute(DataFoldClient client, Command cmd) {
        List<String> a = cmd.args();
        switch (cmd.name()) {
            case "schemas":
                return client.call("list_schemas", JSON.createObjectNode());
            case "schema":
                return client.getSchema(a.get(0));
            case "query": {
                List<String> fields = Arrays.stream(a.get(1).split(",")).map(String::strip).filter(f -> !f.isEmpty()).toList();
                if (fields.isEmpty()) {
                    throw new UsageException("query needs at least one field");
                }
                QueryBuilder q = client.query(a.get(0)).fields(fields);
                if (cmd.filter() != null) {
                    try {
                        q.filter(RangeFilter.parse(cmd.filter()));
                    } catch (IllegalArgumentException e) {
                        throw new UsageException(e.getMessage());
                    }
                }
                if (cmd.limit() > 0) {
                    q.history(cmd.limit());
                }
                return q.execute().raw();
            }
            case "mutate": {
                MutationType type;
                try {
                    type = MutationType.parse(a.get(1));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                JsonNode values;
                try {
                    values = JSON.readTree(a.get(2));
                } catch (JsonProcessingException e) {
                    throw new UsageException("the values must be a JSON object: " + e.getOriginalMessage());
                }
                if (values == null || !values.isObject()) {
                    throw new UsageException("the values must be a JSON object");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> map = JSON.convertValue(values, Map.class);
                return client.mutate(a.get(0), type, map).raw();
            }
            case "history": {
                ObjectNode data = JSON.createObjectNode();
                ArrayNode versions = data.putArray("versions");
                client.history(a.get(0), a.get(1), a.size() > 2 ? a.get(2) : null, cmd.limit())
                        .forEach(v -> {
                            ObjectNode o = versions.addObject();
                            o.put("uuid", v.uuid());
                            o.set("value", v.value());
                            o.put("status", v.status());
                            o.put("created_at", v.createdAt());
                            o.put("source", v.source());
                            o.put("prev", v.prev());
                        });
                return data;
            }
            default:
                throw new UsageException("unknown command '" + cmd.name() + "'");
        }
    }

    private static int keygen(Command cmd, PrintStream out, PrintStream err) {
        ClientKey key = ClientKey.generate();
        try {
            key.save(cmd.key());
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof FileAlreadyExistsException) {
                err.println("KEY_EXISTS: " + cmd.key() + " exists already; not overwritten");
            } else {
                err.println("KEY_INVALID: " + e.getMessage());
            }
            return EXIT_CONNECTION;
        }
        out.println(key.publicKey());
        return EXIT_OK;
    }

    private static void print(PrintStream out, JsonNode data) {
        try {
            out.write((JSON.writeValueAsString(data) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static void arity(List<String> rest, int min, int max, String usage) {
        if (rest.size() < min || rest.size() > max) {
            throw new UsageException(usage);
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static double positive(String text, String option) {
        try {
            double d = Double.parseDouble(text);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(option + " needs a positive number, not '" + text + "'");
    }
}
