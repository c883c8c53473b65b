package org.datafold.schema.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node's schema folder: every regular file whose name ends in {@code .json}, directly in the
 * folder (not in sub-folders), in file name order. A missing folder holds no schemas.
 */
final class FolderSchemaSource implements SchemaSource {

    private final Path folder;

    FolderSchemaSource(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    Path folder() {
        return folder;
    }

    @Override
    public String id() {
        return "file:" + folder;
    }

    @Override
    public List<SchemaDocument> documents() throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                    .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                    .<SchemaDocument>map(FileDocument::new)
                    .toList();
        }
    }

    private record FileDocument(Path file) implements SchemaDocument {
        @Override
        public String source() {
            return "file:" + file;
        }

        @Override
        public String read() throws IOException {
            try (InputStream in = Files.newInputStream(file)) {
                return SchemaText.read(in);
            }
        }
    }
}
