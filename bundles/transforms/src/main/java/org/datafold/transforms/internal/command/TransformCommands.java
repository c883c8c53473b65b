package org.datafold.transforms.internal.command;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.transform.TransformInfo;
import org.datafold.api.transform.TransformRun;
import org.datafold.api.transform.Transforms;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code fold:transforms}, {@code fold:transform <id>}, {@code fold:transform-run <id> [row]}: the
 * owner sees every transform, why one does not run, its counters and queue, and runs one now.
 */
@Component(service = TransformCommands.class, property = {
        "osgi.command.scope=fold",
        "osgi.command.function=transforms",
        "osgi.command.function=transform" })
public final class TransformCommands {

    /** A run's value on one line. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Transforms transforms;

    @Activate
    public TransformCommands(@Reference Transforms transforms) {
        this.transforms = transforms;
    }

    @Descriptor("List the transforms: state, kind, output, runs, failures, queued runs, last outcome")
    public String transforms() {
        List<TransformInfo> all = transforms.list();
        if (all.isEmpty()) {
            return "No transforms. A schema field with a \"transform\" object (once its schema is approved) or a bundle"
                    + " registering a Transform service adds one.\n";
        }
        StringBuilder sb = new StringBuilder();
        String row = "%-32s  %-7s  %-11s  %-32s  %6s  %6s  %6s  %s%n";
        sb.append(String.format(row, "ID", "STATE", "KIND", "OUTPUT", "RUNS", "FAILED", "QUEUED", "LAST"));
        for (TransformInfo t : all) {
            String last = t.problem() != null ? t.problem() : t.lastOutcome() == null ? "-" : t.lastOutcome();
            sb.append(String.format(row, t.id(), t.state(), t.kind(), t.output(), t.runs(), t.failures(), t.queued(),
                    last));
        }
        return sb.toString();
    }

    @Descriptor("Show one transform")
    public String transform(@Descriptor("transform id (fold:transforms lists them)") String id) {
        TransformInfo t = transforms.get(id);
        StringBuilder sb = new StringBuilder();
        line(sb, "Id", t.id());
        line(sb, "Kind", t.kind().name().toLowerCase());
        line(sb, "Provided by", t.provider());
        line(sb, "State", t.state() + (t.problem() == null ? "" : ": " + t.problem()));
        line(sb, "Inputs", String.join(", ", t.inputs()));
        line(sb, "Output", t.output());
        line(sb, "Runs", t.runs() + " written, " + t.skipped() + " skipped (missing input), " + t.failures() + " failed");
        line(sb, "Queued", Integer.toString(t.queued()));
        line(sb, "Last run", t.lastRun() == null ? "never" : seconds(t.lastRun()));
        line(sb, "Last outcome", t.lastOutcome() == null ? "-" : t.lastOutcome());
        line(sb, "Last error", t.lastError() == null ? "-" : t.lastError());
        return sb.toString();
    }

    /**
     * {@code fold:transform-run <id> [row]}. Gogo maps a command to a method of the same name,
     * which a hyphenated name cannot have, so this command is a {@link Function} of its own.
     */
    @Component(service = Function.class, property = {
            "osgi.command.scope=fold",
            "osgi.command.function=transform-run" })
    public static final class Run implements Function {

        private final Transforms transforms;

        @Activate
        public Run(@Reference Transforms transforms) {
            this.transforms = transforms;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) {
            if (arguments.isEmpty() || arguments.size() > 2) {
                throw new FoldException(ErrorCode.INVALID_ARGUMENT,
                        "usage: fold:transform-run <id> [row key]: runs a transform now and writes its output");
            }
            String id = String.valueOf(arguments.get(0));
            String row = arguments.size() == 2 ? String.valueOf(arguments.get(1)) : null;
            return print(transforms.run(id, row));
        }
    }

    static String print(TransformRun run) {
        String row = run.rangeKey() == null ? "" : " (row " + run.rangeKey() + ")";
        return switch (run.status()) {
            case WRITTEN -> "WRITTEN " + run.id() + row + ": " + json(run.value()) + " as atom "
                    + run.atomUuid() + "\n";
            case SKIPPED -> "SKIPPED " + run.id() + row + ": " + run.message() + "\n";
            case FAILED -> "FAILED " + run.id() + row + ": " + run.message() + "\n";
        };
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    private static void line(StringBuilder sb, String name, String value) {
        sb.append(String.format("%-13s %s%n", name, value));
    }

    private static String seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
