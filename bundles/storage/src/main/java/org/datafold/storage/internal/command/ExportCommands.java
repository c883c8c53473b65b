package org.datafold.storage.internal.command;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.datafold.storage.internal.JeExport;
import org.datafold.support.text.ByteSizes;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code fold:export <file> [--schemas A,B]}: the node's data in the export format
 * (docs/operations.md). The import is {@code bin/datafold import}, with the node stopped.
 */
@Component(service = ExportCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=export" })
public final class ExportCommands {

    private final JeExport export;

    @Activate
    public ExportCommands(@Reference JeExport export) {
        this.export = export;
    }

    @Descriptor("Export schemas, atoms with their histories, trust entries and grants into a JSON-lines file")
    public String export(
            @Descriptor("only these schemas and their atoms, comma-separated (default: all)")
            @Parameter(names = { "--schemas" }, absentValue = "") String schemas,
            @Descriptor("the file to write (must not exist)") String file) {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("INVALID_ARGUMENT: give the file to write");
        }
        Set<String> selected = Arrays.stream(schemas.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        PrintStream console = System.out;
        JeExport.Report r = export.export(Path.of(file.strip()), selected,
                (n, repository) -> console.printf("export: %d records (%s)%n", n, repository));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("Export       %s (%s)%n", r.file(), ByteSizes.format(r.bytes())));
        for (Map.Entry<String, Long> e : r.records().entrySet()) {
            sb.append(String.format("  %-22s %d%n", e.getKey(), e.getValue()));
        }
        long ms = Math.max(r.took().toMillis(), 1);
        sb.append(String.format("Records      %d in %d ms (%d records/s)%n", r.total(), r.took().toMillis(),
                r.total() * 1000 / ms));
        return sb.toString();
    }
}
