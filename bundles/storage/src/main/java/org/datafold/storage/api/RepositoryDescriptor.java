package org.datafold.storage.api;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names a repository and the type of its values. Declare one constant per domain; adding a
 * repository is a matter of declaring its descriptor and asking {@link Storage} for it:
 *
 * <pre>{@code
 * static final RepositoryDescriptor<SchemaRecord> SCHEMAS =
 *         new RepositoryDescriptor<>("schemas", SchemaRecord.class);
 * Repository<SchemaRecord> schemas = storage.repository(SCHEMAS);
 * }</pre>
 *
 * @param name lower-case letters, digits, {@code .} and {@code _}, starting with a letter
 * @param type the value type, serialized with Jackson (records and plain beans work)
 */
public record RepositoryDescriptor<T>(String name, Class<T> type) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._]{0,63}");

    public RepositoryDescriptor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid repository name '" + name
                    + "': use lower-case letters, digits, '.' and '_', starting with a letter");
        }
    }
}
