package org.datafold.storage.internal.transfer;

import java.util.List;
import java.util.Set;

/**
 * The export format, version {@value #VERSION}: UTF-8 JSON lines (docs/operations.md, "Export and
 * import").
 *
 * <pre>
 * {"format":"datafold-export","version":1,"node_id":"...","created":"...","schemas":null}
 * {"repository":"schemas","key":"Note","value":{...}}
 * {"repository":"atoms","key":"&lt;uuid&gt;","value":{...}}
 * ...
 * {"end":true,"records":1234}
 * </pre>
 *
 * One header line, then one line per record: the repository it belongs to, its key and its value
 * (the record as the repository keeps it), then one end line counting the records, which tells a
 * complete file from a truncated one. Shared by the export (in the node) and the import tool.
 */
public final class ExportFormat {
    public static final String FORMAT = "datafold-export";
    public static final int VERSION = 1;

    public static final String SCHEMAS = "schemas";
    public static final String SCHEMA_HASHES = "schemas.by_hash";
    public static final String ATOMS = "atoms";
    public static final String ATOM_REFS = "atom_refs";
    public static final String TRUST = "permission.trust";
    public static final String GRANTS = "permission.grants";

    /** Repositories written first, in this order (the rest follow by name). */
    public static final List<String> FIRST = List.of(SCHEMAS, SCHEMA_HASHES, TRUST, GRANTS, ATOM_REFS, ATOMS);

    /**
     * Repositories never exported: the storage's own marker, the node's identity (an imported node
     * keeps its own), the audit log of the exporting node, and the identities of app bundles (an
     * app gets its key from the node that hosts it).
     */
    public static final Set<String> NOT_EXPORTED = Set.of("meta.storage", "node", "permission.audit",
            "apps.identities");

    /** The label of the node owner's own trust entry, which stays with the exporting node. */
    public static final String OWNER_LABEL = "owner";

    /** Longest line read by the import, in characters. */
    public static final int MAX_LINE = 16 << 20;

    private ExportFormat() {
    }
}
