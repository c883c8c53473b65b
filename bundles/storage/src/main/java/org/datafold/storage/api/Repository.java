package org.datafold.storage.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Typed access to one domain's records, keyed by string and stored as JSON. Keys sort by their
 * UTF-8 bytes, so a common prefix groups related records for {@link #scanPrefix(String, int)}.
 */
@ProviderType
public interface Repository<T> {

    /** The repository name (also the JE database name). */
    String name();

    Optional<T> get(String key);

    /**
     * Reads a record and write-locks it until the surrounding transaction ends, so that a
     * read-modify-write cannot lose a concurrent update. Outside a transaction it behaves like
     * {@link #get(String)}.
     */
    Optional<T> getForUpdate(String key);

    void put(String key, T value);

    /** Stores the value only if the key is absent; returns whether it was stored. */
    boolean putIfAbsent(String key, T value);

    /** Deletes the record; returns whether it existed. */
    boolean delete(String key);

    boolean exists(String key);

    /** Every record in key order, at most {@code limit} of them. */
    List<Entry<T>> list(int limit);

    /** The records whose key starts with {@code prefix}, in key order, at most {@code limit}. */
    List<Entry<T>> scanPrefix(String prefix, int limit);

    /** Every record whose key starts with {@code prefix}, in key order. */
    default List<Entry<T>> scanPrefix(String prefix) {
        return scanPrefix(prefix, Integer.MAX_VALUE);
    }

    /** The number of records. */
    long count();

    /** A key and its value. */
    record Entry<T>(String key, T value) {
    }
}
