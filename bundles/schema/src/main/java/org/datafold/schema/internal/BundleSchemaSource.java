package org.datafold.schema.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;

import org.osgi.framework.Bundle;

/**
 * The schemas a bundle carries: the {@code *.json} entries directly in each folder named by its
 * {@value #HEADER} manifest header (a comma-separated list of folders inside the bundle), in
 * entry path order.
 */
final class BundleSchemaSource implements SchemaSource {

    /** The manifest header naming the folders of a bundle that hold schema files. */
    static final String HEADER = "DataFold-Schemas";

    private final Bundle bundle;
    private final List<String> folders;

    private BundleSchemaSource(Bundle bundle, List<String> folders) {
        this.bundle = bundle;
        this.folders = folders;
    }

    /** The bundle's schema source, or null when it carries no {@value #HEADER} header. */
    static BundleSchemaSource of(Bundle bundle) {
        String header = bundle.getHeaders("").get(HEADER);
        if (header == null || header.isBlank()) {
            return null;
        }
        List<String> folders = new ArrayList<>();
        for (String folder : header.split(",")) {
            String trimmed = folder.strip();
            if (!trimmed.isEmpty()) {
                folders.add(trimmed);
            }
        }
        return folders.isEmpty() ? null : new BundleSchemaSource(bundle, List.copyOf(folders));
    }

    @Override
    public String id() {
        String name = bundle.getSymbolicName();
        return "bundle:" + (name == null ? "#" + bundle.getBundleId() : name);
    }

    @Override
    public List<SchemaDocument> documents() {
        List<SchemaDocument> documents = new ArrayList<>();
        for (String folder : folders) {
            Enumeration<URL> entries = bundle.findEntries(folder, "*.json", false);
            if (entries == null) {
                continue;
            }
            List<URL> urls = Collections.list(entries);
            urls.sort(Comparator.comparing(URL::getPath));
            for (URL url : urls) {
                documents.add(new EntryDocument(id() + "/" + stripLeadingSlash(url.getPath()), url));
            }
        }
        return documents;
    }

    private static String stripLeadingSlash(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private record EntryDocument(String source, URL url) implements SchemaDocument {
        @Override
        public String read() throws IOException {
            try (InputStream in = url.openStream()) {
                return SchemaText.read(in);
            }
        }
    }
}
