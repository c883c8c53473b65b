package org.datafold.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.workingDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam configuration of a node: exactly the bundles of the assembled runtime
 * ({@code runtime/target/datafold/system}), the runtime's framework properties, and a fresh home
 * folder holding the features' default configuration in {@code etc/}, an empty {@code deploy/}
 * and a data directory.
 */
public final class NodeOptions {
    private NodeOptions() {
    }

    public static Option[] node(String name) {
        try {
            Path work = Path.of(System.getProperty("datafold.it.work")).toAbsolutePath();
            Files.createDirectories(work);
            Path home = Files.createTempDirectory(work, name + "-");
            Path etc = Files.createDirectories(home.resolve("etc"));
            Files.createDirectories(home.resolve("deploy"));
            Files.createDirectories(home.resolve("data"));
            Path features = Path.of(System.getProperty("datafold.it.features"));
            try (Stream<Path> cfgs = Files.walk(features, 3)) {
                for (Path cfg : cfgs.filter(p -> p.getFileName().toString().endsWith(".cfg")
                        && p.getParent().getFileName().toString().equals("etc")).toList()) {
                    Files.copy(cfg, etc.resolve(cfg.getFileName()));
                }
            }
            List<Option> options = new ArrayList<>();
            options.add(systemProperty("datafold.home").value(home.toString()));
            options.add(systemProperty("datafold.data").value(home.resolve("data").toString()));
            options.add(systemProperty("pax.exam.logging").value("none"));
            options.add(systemProperty("gosh.args").value("--nointeractive"));
            options.add(frameworkStartLevel(100));
            options.add(cleanCaches(true));
            options.add(workingDirectory(home.resolve("paxexam").toString()));
            Properties framework = runtimeFrameworkProperties(home);
            Map<String, Integer> levels = new HashMap<>();
            for (String key : framework.stringPropertyNames()) {
                if (key.startsWith("felix.auto.start.")) {
                    int level = Integer.parseInt(key.substring("felix.auto.start.".length()));
                    for (String url : framework.getProperty(key).trim().split("\\s+")) {
                        levels.put(url.substring(url.lastIndexOf('/') + 1), level);
                    }
                    continue;
                }
                options.add(frameworkProperty(key).value(framework.getProperty(key)));
            }
            int defaultLevel = Integer.parseInt(framework.getProperty("felix.startlevel.bundle", "1"));
            try (Stream<Path> jars = Files.list(Path.of(System.getProperty("datafold.it.bundles")))) {
                for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                    int level = levels.getOrDefault(jar.getFileName().toString(), defaultLevel);
                    options.add(bundle(jar.toUri().toString()).startLevel(level));
                }
            }
            options.add(junitBundles());
            return options.toArray(new Option[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The runtime's {@code etc/config.properties} with {@code ${datafold.home}} substituted, minus
     * what Pax Exam itself manages (bundle cache, auto-deploy, framework start level). The
     * {@code felix.auto.start.N} entries give the start levels of the bundles they name.
     */
    static Properties runtimeFrameworkProperties(Path home) throws IOException {
        Properties raw = new Properties();
        Path config = Path.of(System.getProperty("datafold.it.bundles")).getParent().resolve("etc/config.properties");
        try (InputStream in = Files.newInputStream(config)) {
            raw.load(in);
        }
        Properties out = new Properties();
        for (String key : raw.stringPropertyNames()) {
            if (key.startsWith("org.osgi.framework.storage") || key.startsWith("felix.auto.deploy")
                    || key.equals("org.osgi.framework.startlevel.beginning")) {
                continue;
            }
            out.setProperty(key, raw.getProperty(key).replace("${datafold.home}", home.toString()));
        }
        return out;
    }
}
