package org.datafold.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Test;

/**
 * The container deployment ({@code deploy/docker/}) keeps the isolation it promises: checked on the
 * files themselves, since no container engine runs on the build machine (docs/containers.md). The
 * compose file and the Dockerfiles are validated by tools as well (docker-compose config, a
 * Dockerfile linter); this test pins the settings that make the isolation.
 */
public class ContainerFilesTest {
    /** The repository: the parent of this module's folder ({@code basedir}, set by Surefire). */
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize().getParent();
    private static final Path DOCKER = ROOT.resolve("deploy/docker");
    private static final String SOCKET_GID = "10100";

    private static String read(String name) throws IOException {
        return Files.readString(DOCKER.resolve(name));
    }

    /** The text of each service of the compose file, by name (two-space indented blocks under services:). */
    private static Map<String, String> services() throws IOException {
        Map<String, String> services = new LinkedHashMap<>();
        String current = null;
        StringBuilder block = new StringBuilder();
        boolean inServices = false;
        for (String line : Files.readAllLines(DOCKER.resolve("compose.yaml"))) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (!line.startsWith(" ")) {
                inServices = line.startsWith("services:");
                if (current != null) {
                    services.put(current, block.toString());
                    current = null;
                }
                continue;
            }
            if (!inServices) {
                continue;
            }
            Matcher name = Pattern.compile("^  ([a-z][a-z0-9-]*):\\s*$").matcher(line);
            if (name.matches()) {
                if (current != null) {
                    services.put(current, block.toString());
                }
                current = name.group(1);
                block = new StringBuilder();
            } else if (current != null) {
                block.append(line.strip().replaceAll("\\s+#.*$", "")).append('\n');
            }
        }
        if (current != null) {
            services.put(current, block.toString());
        }
        return services;
    }

    private static void assertLine(String service, String block, String line) {
        assertTrue(service + " has '" + line + "':\n" + block, block.lines().anyMatch(l -> l.equals(line)));
    }

    @Test
    public void bothServicesAreLockedDown() throws IOException {
        Map<String, String> services = services();
        assertEquals(List.of("node", "notes-app"), List.copyOf(services.keySet()));
        for (Map.Entry<String, String> s : services.entrySet()) {
            String name = s.getKey();
            String block = s.getValue();
            assertLine(name, block, "read_only: true");
            assertLine(name, block, "cap_drop: [ALL]");
            assertLine(name, block, "security_opt: [\"no-new-privileges:true\"]");
            assertLine(name, block, "network_mode: none");
            assertLine(name, block, "group_add: [\"" + SOCKET_GID + "\"]");
            assertLine(name, block, "- socket:/run/datafold-socket");
            for (String limit : List.of("mem_limit: ", "memswap_limit: ", "cpus: ", "pids_limit: ")) {
                assertTrue(name + " limits " + limit, block.lines().anyMatch(l -> l.startsWith(limit)));
            }
            Matcher user = Pattern.compile("(?m)^user: \"(\\d+):(\\d+)\"$").matcher(block);
            assertTrue(name + " runs as a numeric user", user.find());
            assertFalse(name + " is not root", user.group(1).equals("0") || user.group(2).equals("0"));
            assertFalse(name + " publishes no port", block.contains("ports:"));
            assertFalse(name + " is not privileged", block.contains("privileged"));
            assertFalse(name + " mounts no host path", block.lines().anyMatch(l -> l.matches("- [./~][^:]*:/.*")));
        }
        assertFalse("the two services have different users",
                services.get("node").lines().filter(l -> l.startsWith("user:")).toList()
                        .equals(services.get("notes-app").lines().filter(l -> l.startsWith("user:")).toList()));
    }

    @Test
    public void theDataVolumeIsTheNodesAloneAndTheAppStartsWhenTheNodeIsHealthy() throws IOException {
        Map<String, String> services = services();
        String node = services.get("node");
        String app = services.get("notes-app");
        assertLine("node", node, "- data:/var/lib/datafold");
        assertFalse("the app has no data volume", app.contains("/var/lib/datafold"));
        assertFalse("the app has no data volume", app.contains("- data:"));
        assertLine("node", node, "healthcheck:");
        assertLine("node", node, "test: [\"CMD\", \"/opt/datafold/bin/datafold\", \"shell\", \"--wait\", \"10\", \"fold:status\"]");
        assertTrue(app, app.contains("depends_on:\nnode:\ncondition: service_healthy\n"));
        assertTrue("writable /tmp only as tmpfs", node.contains("tmpfs:\n- /tmp:") && app.contains("tmpfs:\n- /tmp:"));
    }

    @Test
    public void theNodeImageRunsUnprivilegedWithVolumesAndAHealthCheck() throws IOException {
        String df = read("node.Dockerfile");
        assertTrue(df, df.contains("\nUSER datafold\n"));
        assertTrue(df, df.contains("useradd --uid 10001 --gid datafold --groups datafold-socket"));
        assertTrue(df, df.contains("groupadd --gid " + SOCKET_GID + " datafold-socket"));
        assertTrue(df, df.contains("VOLUME [\"/var/lib/datafold\", \"/run/datafold-socket\"]"));
        assertTrue(df, df.contains("ENV DATAFOLD_DATA=/var/lib/datafold"));
        assertTrue(df, df.contains("CMD [\"/opt/datafold/bin/datafold\", \"shell\", \"--wait\", \"10\", \"fold:status\"]"));
        assertTrue("the image is built from the runtime's build output", df.contains("COPY --chown=root:root runtime/target/datafold /opt/datafold"));
        assertNoDownloads(df);
        // The socket folder: the node's, group datafold-socket, 0750 (the socket itself is 0660).
        assertTrue(df, df.contains("chown datafold:datafold-socket /run/datafold-socket"));
        assertTrue(df, df.contains("chmod 0750 /run/datafold-socket"));

        // The image's edits of the app socket's configuration match the shipped file's keys.
        String cfg = Files.readString(ROOT.resolve("features/shell/etc/org.datafold.transport.uds.cfg"));
        assertTrue(df, df.contains("-e 's|^path = .*|path = /run/datafold-socket/datafold.sock|'"));
        assertTrue(df, df.contains("-e 's|^group =.*|group = datafold-socket|'"));
        assertEquals("one path line in " + cfg, 1, cfg.lines().filter(l -> l.startsWith("path = ")).count());
        assertEquals("one group line in " + cfg, 1, cfg.lines().filter(l -> l.startsWith("group =")).count());

        // Nothing of a local run gets into the image.
        String ignore = read("node.Dockerfile.dockerignore");
        for (String local : List.of("data", "run", "logs", "cache")) {
            assertTrue(ignore, ignore.lines().anyMatch(l -> l.equals("runtime/target/datafold/" + local)));
        }
        assertTrue(ignore, ignore.startsWith("#") && ignore.lines().anyMatch(l -> l.equals("*")));
    }

    @Test
    public void theAppImageHasItsOwnUserInTheSocketGroupAndNothingOfTheNode() throws IOException {
        String df = read("notes-app.Dockerfile");
        assertTrue(df, df.contains("\nUSER notes\n"));
        assertTrue(df, df.contains("groupadd --gid " + SOCKET_GID + " datafold-socket"));
        assertTrue(df, df.contains("useradd --uid 10002 --gid notes --groups datafold-socket"));
        assertTrue(df, df.contains("COPY --chown=root:root examples/notes-app/target/notes-app.jar"));
        assertTrue(df, df.contains("COPY --chown=root:root runtime/target/datafold/lib/ /opt/notes-app/lib/"));
        assertFalse("no node runtime in the app image", df.contains("runtime/target/datafold /"));
        assertNoDownloads(df);
        String ignore = read("notes-app.Dockerfile.dockerignore");
        assertFalse("the app's build context holds nothing of the node's data", ignore.contains("!runtime/target/datafold\n"));
    }

    @Test
    public void theEntryPointsAndTheSandboxAreShipped() throws IOException {
        for (String script : List.of("node-entrypoint.sh", "notes-app-entrypoint.sh")) {
            assertTrue(script + " is executable", Files.isExecutable(DOCKER.resolve(script)));
        }
        Path sandbox = ROOT.resolve("runtime/src/main/dist/bin/datafold-app-sandbox");
        assertTrue(Files.isExecutable(sandbox));
        String text = Files.readString(sandbox);
        for (String flag : List.of("--unshare-all", "--cap-drop ALL", "--die-with-parent", "--new-session",
                "--clearenv", "--tmpfs /tmp", "--remount-ro /")) {
            assertTrue("the sandbox uses " + flag, text.contains(flag));
        }
        assertFalse("no --share-net", text.contains("--share-net"));
    }

    /** Only the base image and Debian's packages come from outside. */
    private static void assertNoDownloads(String dockerfile) {
        for (String fetch : List.of("curl ", "wget ", "ADD http", "git clone")) {
            assertFalse("no '" + fetch + "' in\n" + dockerfile, dockerfile.contains(fetch));
        }
    }
}
