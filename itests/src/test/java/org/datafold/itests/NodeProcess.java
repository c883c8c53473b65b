package org.datafold.itests;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.rules.ExternalResource;

/**
 * A private copy of the assembled node ({@code runtime/target/datafold}, without data, logs and
 * sockets) for one test, with the node processes it starts killed afterwards, and its scripts
 * ({@code bin/datafold}, {@code bin/datafold-client}) run as separate processes.
 */
final class NodeProcess extends ExternalResource {

    /** What a script printed and how it exited. */
    record Result(int exit, String out, String err) {
        String all() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private final String prefix;
    private final List<Process> started = new ArrayList<>();
    /** Environment variables added to every process this rule starts. */
    final java.util.Map<String, String> env = new java.util.HashMap<>();
    private Path home;

    NodeProcess(String prefix) {
        this.prefix = prefix;
    }

    @Override
    protected void before() throws IOException {
        Path runtime = Path.of(System.getProperty("datafold.it.runtime"));
        Path work = Files.createDirectories(Path.of(System.getProperty("datafold.it.work")).toAbsolutePath());
        home = Files.createTempDirectory(work, prefix).resolve("datafold");
        try (Stream<Path> files = Files.walk(runtime)) {
            for (Path p : files.toList()) {
                Path rel = runtime.relativize(p);
                String top = rel.getNameCount() == 0 ? "" : rel.getName(0).toString();
                if (List.of("data", "run", "logs", "cache").contains(top)) {
                    continue;
                }
                Path target = home.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Override
    protected void after() {
        for (Process p : started) {
            if (p.isAlive()) {
                try {
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The node's folder. */
    Path home() {
        return home;
    }

    /** Starts {@code bin/datafold run} with stdin closed; console output goes to {@code console.log}. */
    Process start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/datafold").toString(), "run");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    Result datafold(String... args) throws IOException, InterruptedException {
        return run("bin/datafold", args);
    }

    Result client(String... args) throws IOException, InterruptedException {
        return run("bin/datafold-client", args);
    }

    /** Runs a script of the node's {@code bin/} folder to completion (bounded) and collects its output. */
    Result run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve(script).toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(home.getParent(), "out", ".txt");
        Path err = Files.createTempFile(home.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(script + " " + String.join(" ", args) + " finished", p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
