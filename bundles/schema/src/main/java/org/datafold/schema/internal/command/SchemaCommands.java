package org.datafold.schema.internal.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.apache.felix.service.command.Descriptor;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.schema.DiscoveryReport;
import org.datafold.api.schema.SchemaInfo;
import org.datafold.json.NodeJson;
import org.datafold.support.home.HomePaths;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code schema:*}: the schemas of the node and their lifecycle. Changes go through the node's
 * {@link FoldNode}, as those of the app socket do, so that approval checks the schema's transforms.
 */
@Component(service = SchemaCommands.class, property = {
        "osgi.command.scope=schema",
        "osgi.command.function=list",
        "osgi.command.function=show",
        "osgi.command.function=load",
        "osgi.command.function=approve",
        "osgi.command.function=block",
        "osgi.command.function=unload",
        "osgi.command.function=refresh" })
public final class SchemaCommands {

    private final FoldNode node;

    @Activate
    public SchemaCommands(@Reference FoldNode node) {
        this.node = node;
    }

    @Descriptor("List the schemas: name, state, fields")
    public String list() {
        StringBuilder sb = new StringBuilder(String.format("%-24s %-10s %s%n", "NAME", "STATE", "FIELDS"));
        for (SchemaInfo s : node.schemas()) {
            sb.append(String.format("%-24s %-10s %s%n", s.schema().name(), s.state().displayName(),
                    String.join(",", s.schema().fields().keySet())));
        }
        return sb.toString();
    }

    @Descriptor("Show one schema as JSON: name, state, source, then the schema file with its hash and the fields' data references")
    public String show(@Descriptor("schema name") String name) {
        return NodeJson.pretty(NodeJson.schema(node.schema(name), true));
    }

    @Descriptor("Load a schema file (absolute, or relative to the node's folder); it becomes Available")
    public String load(@Descriptor("path of a JSON schema file") String file) {
        Path path = HomePaths.resolve(file);
        String json;
        try {
            json = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new FoldException(ErrorCode.NOT_FOUND, "no such file: " + path);
        } catch (IOException e) {
            throw new FoldException(ErrorCode.INVALID_ARGUMENT, "cannot read " + path + ": " + e.getMessage());
        }
        SchemaInfo info = node.loadSchema(json, "file:" + path.toAbsolutePath().normalize());
        return info.schema().name() + " " + info.state().displayName();
    }

    @Descriptor("Approve a schema: it can be queried and written")
    public String approve(@Descriptor("schema name") String name) {
        return line(node.approve(name));
    }

    @Descriptor("Block a schema: no queries or writes; its data is kept")
    public String block(@Descriptor("schema name") String name) {
        return line(node.block(name));
    }

    @Descriptor("Return a schema to Available")
    public String unload(@Descriptor("schema name") String name) {
        return line(node.unload(name));
    }

    @Descriptor("Look for schemas in the schema folder and in bundles again, and print the report")
    public String refresh() {
        DiscoveryReport report = node.discover();
        StringBuilder sb = new StringBuilder(String.format("%-10s %-24s %s%n", "OUTCOME", "NAME", "SOURCE"));
        for (DiscoveryReport.Entry e : report.entries()) {
            sb.append(String.format("%-10s %-24s %s%n", e.outcome(), e.name() == null ? "-" : e.name(), e.source()));
            if (e.error() != null) {
                sb.append("           ").append(e.error()).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }

    private static String line(SchemaInfo info) {
        return info.schema().name() + " " + info.state().displayName();
    }
}
