package org.datafold.examples.journal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.datafold.api.ErrorCode;
import org.datafold.api.FoldException;
import org.datafold.api.FoldNode;
import org.datafold.api.app.OutboundAccess;
import org.datafold.api.app.OutboundResponse;
import org.datafold.api.query.FieldOutcome;
import org.datafold.api.query.Mutation;
import org.datafold.api.query.MutationResult;
import org.datafold.api.query.Query;
import org.datafold.api.query.QueryResult;
import org.datafold.api.query.RangeFilter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The journal app: {@code journal:write <entry> <text>} and {@code journal:read [<entry>]} in the
 * node's shell. The bundle declares itself an app ({@code DataFold-App: journal}), so the
 * {@link FoldNode} it gets is its own view of the node: every call carries the app's key
 * ({@link FoldNode#caller()}), and the {@code Journal} schema it ships (read and write at trust
 * distance 1) stays closed to it until the owner trusts that key ({@code perm:trust <key> 1}).
 *
 * <p>Each command prints its result, or {@code ERROR <CODE>: <message>} when the node refuses.
 * {@code journal:clip <entry> <url>} fetches a page through the node's {@link OutboundAccess}, the
 * only network access the app uses, and keeps it as an entry. The commands are plain methods; Gogo finds them through the {@code osgi.command.*} service
 * properties, so the bundle imports nothing but the node API and OSGi packages.
 */
@Component(service = JournalCommands.class, immediate = true, property = {
        "osgi.command.scope=journal",
        "osgi.command.function=write",
        "osgi.command.function=read",
        "osgi.command.function=clip" })
public final class JournalCommands {

    static final String SCHEMA = "Journal";
    static final List<String> FIELDS = List.of("entry_id", "written_at", "text");

    /** The most characters of a page {@code clip} keeps. */
    static final int CLIP_CHARS = 2000;

    private final FoldNode node;
    private final OutboundAccess outbound;
    private final Logger log;
    private volatile boolean active;

    @Activate
    public JournalCommands(@Reference FoldNode node, @Reference OutboundAccess outbound,
            @Reference(service = LoggerFactory.class) Logger log) {
        this.node = node;
        this.outbound = outbound;
        this.log = log;
        this.active = true;
        log.info("journal app started");
    }

    /** Nothing else is held: the node view is released by DS once this returns. */
    @Deactivate
    void deactivate() {
        active = false;
        log.info("journal app stopped");
    }

    /** Writes (creates or replaces) one journal entry: prints {@code written <entry> <field>=<atom> ...}. */
    public String write(String entryId, String text) {
        return call(() -> {
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("entry_id", entryId);
            values.put("text", text);
            values.put("written_at", Instant.now().toString());
            MutationResult result = node.mutate(node.caller(), new Mutation(SCHEMA, Mutation.Type.CREATE, values));
            StringBuilder out = new StringBuilder("written ").append(result.rangeKey());
            result.atoms().forEach((field, atom) -> out.append(' ').append(field).append('=').append(atom));
            return out.append(System.lineSeparator()).toString();
        });
    }

    /**
     * Fetches a page through the node ({@link OutboundAccess}: the owner must allow the app that
     * destination) and writes its first {@value #CLIP_CHARS} characters as an entry.
     */
    public String clip(String entryId, String url) {
        return call(() -> {
            OutboundResponse response = outbound.get(url, Map.of("Accept", "text/plain, text/html"));
            if (response.status() / 100 != 2) {
                return error(ErrorCode.OUTBOUND_FAILED, url + " answered HTTP " + response.status());
            }
            String text = response.bodyText();
            return write(entryId, text.length() > CLIP_CHARS ? text.substring(0, CLIP_CHARS) : text);
        });
    }

    /** Prints every entry, one a line: {@code <entry> <written_at> <text>}. */
    public String read() {
        return call(() -> print(node.query(node.caller(), Query.of(SCHEMA, FIELDS))));
    }

    /** Prints one entry: {@code <entry> <written_at> <text>}. */
    public String read(String entryId) {
        return call(() -> print(node.query(node.caller(), Query.of(SCHEMA, FIELDS, new RangeFilter.Key(entryId)))));
    }

    private String call(Supplier<String> command) {
        if (!active) {
            return error(ErrorCode.UNAVAILABLE, "the journal app is stopping");
        }
        try {
            return command.get();
        } catch (FoldException e) {
            return error(e.code(), e.getMessage());
        }
    }

    /** One line per row; the first field the node refused to give turns the row into an error line. */
    private static String print(QueryResult result) {
        StringBuilder out = new StringBuilder();
        for (QueryResult.Row row : result.rows()) {
            StringBuilder line = new StringBuilder(row.rangeKey());
            for (String field : FIELDS.subList(1, FIELDS.size())) {
                FieldOutcome outcome = row.fields().get(field);
                if (outcome.status() == FieldOutcome.Status.DENIED || outcome.status() == FieldOutcome.Status.ERROR) {
                    line = new StringBuilder(error(outcome.code(), outcome.message()).strip());
                    break;
                }
                line.append(' ').append(outcome.status() == FieldOutcome.Status.OK ? outcome.value() : "-");
            }
            out.append(line).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String error(ErrorCode code, String message) {
        return "ERROR " + code + ": " + message + System.lineSeparator();
    }
}
