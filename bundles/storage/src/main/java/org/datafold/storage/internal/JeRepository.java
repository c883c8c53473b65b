package org.datafold.storage.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import org.datafold.storage.api.Repository;
import org.datafold.storage.api.RepositoryDescriptor;
import org.datafold.storage.api.RepositoryStats;
import org.datafold.storage.api.StorageException;
import org.datafold.storage.api.StorageException.Category;
import org.datafold.storage.internal.JeStorage.TxnOperation;
import org.datafold.storage.internal.crypto.ValueCipher;
import org.datafold.storage.internal.crypto.ValueCipher.ValueAuthenticationException;

import com.sleepycat.je.Cursor;
import com.sleepycat.je.CursorConfig;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.OperationStatus;

/**
 * A repository over one JE database: keys are the UTF-8 bytes of the key string (so they sort by
 * code point), values are JSON. Every operation joins the calling thread's transaction, or runs
 * as a unit of work of its own outside one (see {@link JeStorage#execute}).
 *
 * <p>The counters count operations performed since the environment was opened, including those
 * of transactions that were later rolled back or re-run.
 */
final class JeRepository<T> implements Repository<T> {

    /** The longest key accepted, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 1024;

    private final JeStorage storage;
    private final String name;
    private final Class<T> type;
    private final Database database;
    private final Counters counters;

    JeRepository(JeStorage storage, RepositoryDescriptor<T> descriptor, Database database) {
        this(storage, descriptor.name(), descriptor.type(), database, new Counters());
    }

    private JeRepository(JeStorage storage, String name, Class<T> type, Database database, Counters counters) {
        this.storage = storage;
        this.name = name;
        this.type = type;
        this.database = database;
        this.counters = counters;
    }

    /** The same repository (database and counters) serving another class of the same name. */
    <U> JeRepository<U> withType(Class<U> newType) {
        return new JeRepository<>(storage, name, newType, database, counters);
    }

    Class<T> type() {
        return type;
    }

    Database database() {
        return database;
    }

    @Override
    public String name() {
        return name;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public Optional<T> get(String key) {
        return read(key, "get", LockMode.DEFAULT);
    }

    @Override
    public Optional<T> getForUpdate(String key) {
        return read(key, "getForUpdate", LockMode.RMW);
    }

    private Optional<T> read(String key, String operation, LockMode lockMode) {
        Map<String, Object> context = StorageErrors.context(name, key, operation);
        byte[] keyBytes = encodeKey(key, false, context);
        DatabaseEntry keyEntry = new DatabaseEntry(keyBytes);
        TxnOperation<byte[]> op = txn -> {
            DatabaseEntry data = new DatabaseEntry();
            return database.get(txn, keyEntry, data, lockMode) == OperationStatus.SUCCESS ? bytes(data) : null;
        };
        // A plain read needs no transaction of its own; a read for update only makes sense in one.
        byte[] bytes = lockMode == LockMode.RMW ? storage.execute(context, op) : storage.read(context, op);
        counters.reads.increment();
        return bytes == null ? Optional.empty() : Optional.of(decode(keyBytes, bytes, context));
    }

    @Override
    public boolean exists(String key) {
        Map<String, Object> context = StorageErrors.context(name, key, "exists");
        DatabaseEntry keyEntry = new DatabaseEntry(encodeKey(key, false, context));
        boolean exists = storage.read(context, txn -> {
            DatabaseEntry noData = new DatabaseEntry();
            noData.setPartial(0, 0, true);
            return database.get(txn, keyEntry, noData, LockMode.DEFAULT) == OperationStatus.SUCCESS;
        });
        counters.reads.increment();
        return exists;
    }

    @Override
    public List<Entry<T>> list(int limit) {
        return scan("", limit, "list");
    }

    @Override
    public List<Entry<T>> scanPrefix(String prefix, int limit) {
        if (prefix == null) {
            throw StorageErrors.invalidArgument("prefix must not be null", StorageErrors.context(name, null, "scanPrefix"));
        }
        return scan(prefix, limit, "scanPrefix");
    }

    private List<Entry<T>> scan(String prefix, int limit, String operation) {
        Map<String, Object> context = StorageErrors.context(name, null, operation);
        if (!prefix.isEmpty()) {
            context.put("prefix", prefix);
        }
        byte[] prefixBytes = encodeKey(prefix, true, context);
        if (limit < 0) {
            context.put("limit", limit);
            throw StorageErrors.invalidArgument("limit must be >= 0 (was " + limit + ")", context);
        }
        List<RawEntry> raw = storage.read(context, txn -> {
            List<RawEntry> found = new ArrayList<>();
            if (limit == 0) {
                return found;
            }
            // Without a transaction, each record is read committed and not kept locked.
            try (Cursor cursor = database.openCursor(txn, txn == null ? CursorConfig.READ_COMMITTED : null)) {
                DatabaseEntry keyEntry = new DatabaseEntry(prefixBytes);
                DatabaseEntry data = new DatabaseEntry();
                // Positions at the first key >= prefix; keys with the prefix follow contiguously.
                OperationStatus status = cursor.getSearchKeyRange(keyEntry, data, LockMode.DEFAULT);
                while (status == OperationStatus.SUCCESS && startsWith(keyEntry, prefixBytes)) {
                    byte[] rawKey = bytes(keyEntry);
                    found.add(new RawEntry(new String(rawKey, StandardCharsets.UTF_8), rawKey, bytes(data)));
                    if (found.size() >= limit) {
                        break;
                    }
                    status = cursor.getNext(keyEntry, data, LockMode.DEFAULT);
                }
            }
            return found;
        });
        counters.reads.increment();
        List<Entry<T>> entries = new ArrayList<>(raw.size());
        for (RawEntry entry : raw) {
            entries.add(new Entry<>(entry.key(), decode(entry.rawKey(), entry.value(),
                    StorageErrors.context(name, entry.key(), operation))));
        }
        return entries;
    }

    private record RawEntry(String key, byte[] rawKey, byte[] value) {
    }

    private static byte[] bytes(DatabaseEntry entry) {
        return Arrays.copyOfRange(entry.getData(), entry.getOffset(), entry.getOffset() + entry.getSize());
    }

    private static boolean startsWith(DatabaseEntry key, byte[] prefix) {
        if (key.getSize() < prefix.length) {
            return false;
        }
        byte[] data = key.getData();
        int offset = key.getOffset();
        for (int i = 0; i < prefix.length; i++) {
            if (data[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** JE counts without locking, so under concurrent writes the count is approximate. */
    @Override
    public long count() {
        return storage.call(StorageErrors.context(name, null, "count"), database::count);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void put(String key, T value) {
        Map<String, Object> context = StorageErrors.context(name, key, "put");
        byte[] keyBytes = encodeKey(key, false, context);
        byte[] valueBytes = seal(keyBytes, encode(value, context));
        storage.execute(context, txn -> database.put(txn, new DatabaseEntry(keyBytes), new DatabaseEntry(valueBytes)));
        storage.writeAccepted();
        counters.wrote(keyBytes.length + valueBytes.length);
    }

    @Override
    public boolean putIfAbsent(String key, T value) {
        Map<String, Object> context = StorageErrors.context(name, key, "putIfAbsent");
        byte[] keyBytes = encodeKey(key, false, context);
        byte[] valueBytes = seal(keyBytes, encode(value, context));
        boolean stored = storage.execute(context, txn -> database.putNoOverwrite(txn,
                new DatabaseEntry(keyBytes), new DatabaseEntry(valueBytes)) == OperationStatus.SUCCESS);
        storage.writeAccepted();
        if (stored) {
            counters.wrote(keyBytes.length + valueBytes.length);
        }
        return stored;
    }

    @Override
    public boolean delete(String key) {
        Map<String, Object> context = StorageErrors.context(name, key, "delete");
        byte[] keyBytes = encodeKey(key, false, context);
        boolean deleted = storage.execute(context,
                txn -> database.delete(txn, new DatabaseEntry(keyBytes)) == OperationStatus.SUCCESS);
        storage.writeAccepted();
        if (deleted) {
            counters.deletes.increment();
        }
        return deleted;
    }

    RepositoryStats stats() {
        return new RepositoryStats(name, count(), counters.reads.sum(), counters.writes.sum(),
                counters.deletes.sum(), counters.bytesWritten.sum());
    }

    // ---------------------------------------------------------------- keys and values

    /**
     * The UTF-8 bytes of a key. Strings that are not valid Unicode (lone surrogates) are refused
     * rather than silently replaced, which could make two keys collide.
     */
    private byte[] encodeKey(String key, boolean allowEmpty, Map<String, Object> context) {
        if (key == null) {
            throw StorageErrors.invalidArgument("key must not be null", context);
        }
        if (key.isEmpty() && !allowEmpty) {
            throw StorageErrors.invalidArgument("key must not be empty", context);
        }
        if (!hasSurrogates(key)) {
            // Nothing to refuse: without surrogates every char encodes.
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > MAX_KEY_BYTES) {
                throw StorageErrors.invalidArgument("key is " + bytes.length + " bytes long in UTF-8; at most "
                        + MAX_KEY_BYTES + " are allowed", context);
            }
            return bytes;
        }
        ByteBuffer buffer;
        try {
            buffer = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(key));
        } catch (CharacterCodingException e) {
            throw StorageErrors.invalidArgument("key is not valid Unicode text", context);
        }
        if (buffer.remaining() > MAX_KEY_BYTES) {
            throw StorageErrors.invalidArgument("key is " + buffer.remaining() + " bytes long in UTF-8; at most "
                    + MAX_KEY_BYTES + " are allowed", context);
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static boolean hasSurrogates(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (Character.isSurrogate(key.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private byte[] encode(T value, Map<String, Object> context) {
        if (value == null) {
            throw StorageErrors.invalidArgument("value must not be null", context);
        }
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (IOException | RuntimeException e) {
            throw serializationError("cannot write a " + value.getClass().getName() + " as JSON", context, e);
        }
    }

    // ---------------------------------------------------------------- encryption at rest

    /** The value's bytes as stored: sealed for this record when the store is encrypted. */
    private byte[] seal(byte[] keyBytes, byte[] plain) {
        ValueCipher cipher = storage.cipher();
        return cipher == null ? plain : cipher.seal(name, keyBytes, plain);
    }

    /**
     * The plain bytes of a stored value. In an encrypted store a value that does not open for
     * this record (altered, copied from another record or repository, written under another key,
     * or left in clear) fails with {@code STORAGE_CORRUPTED}; so does an encrypted value in a
     * store opened without encryption.
     */
    private byte[] open(byte[] keyBytes, byte[] stored, Map<String, Object> context) {
        ValueCipher cipher = storage.cipher();
        if (cipher == null) {
            if (ValueCipher.isSealed(stored)) {
                throw new StorageException(Category.CORRUPTION, context.get("operation")
                        + ": the stored value is encrypted, but the store is open without encryption", context, null);
            }
            return stored;
        }
        try {
            return cipher.open(name, keyBytes, stored);
        } catch (ValueAuthenticationException e) {
            throw new StorageException(Category.CORRUPTION, context.get("operation") + ": " + e.getMessage(), context, null);
        }
    }

    private T decode(byte[] keyBytes, byte[] stored, Map<String, Object> context) {
        byte[] bytes = open(keyBytes, stored, context);
        T value;
        try {
            value = Json.MAPPER.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw serializationError("cannot read the stored value as " + type.getName(), context, e);
        }
        if (value == null) {
            throw serializationError("the stored value is JSON null", context, null);
        }
        return value;
    }

    private StorageException serializationError(String message, Map<String, Object> context, Exception cause) {
        Map<String, Object> withType = new LinkedHashMap<>(context);
        withType.put("type", type.getName());
        String detail = cause == null ? "" : ": " + String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return new StorageException(Category.SERIALIZATION, message + detail, withType, cause);
    }

    /** Operation counters of one repository, shared by its typed views. */
    private static final class Counters {
        final LongAdder reads = new LongAdder();
        final LongAdder writes = new LongAdder();
        final LongAdder deletes = new LongAdder();
        final LongAdder bytesWritten = new LongAdder();

        void wrote(long bytes) {
            writes.increment();
            bytesWritten.add(bytes);
        }
    }
}
