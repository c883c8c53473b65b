package org.datafold.schema.internal;

import java.io.IOException;
import java.util.List;

/** A place schema files are discovered in: the node's schema folder, or a bundle. */
interface SchemaSource {

    /**
     * Names the place; the source of each of its documents starts with it followed by {@code /}
     * ({@code file:/node/schemas}, {@code bundle:org.acme.app}).
     */
    String id();

    /**
     * The schema documents, in discovery order.
     *
     * @throws IOException when the place cannot be listed
     */
    List<SchemaDocument> documents() throws IOException;

    /** One schema file. */
    interface SchemaDocument {

        /** {@code file:<absolute path>} or {@code bundle:<bsn>/<entry path>}. */
        String source();

        /** The document's text. */
        String read() throws IOException;
    }
}
