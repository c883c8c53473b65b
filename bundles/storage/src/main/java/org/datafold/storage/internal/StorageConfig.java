package org.datafold.storage.internal;

import java.util.Map;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of the storage environment (PID {@value #PID}). The component is not activated
 * until a configuration with this PID exists. Keys are snake_case ({@code cache_size_mb}): a double
 * underscore in a method name stands for one underscore in the key.
 */
@ObjectClassDefinition(id = StorageConfig.PID, name = "DataFold storage",
        description = "The node's transactional Berkeley DB JE environment: where it lives, how "
                + "durable a commit is, its cache, how lock conflicts are handled and how much "
                + "disk it may use.")
public @interface StorageConfig {

    /** The configuration PID, also named in configuration error messages. */
    String PID = "org.datafold.storage";

    /** The keys of earlier releases (old name to new name), still read with a warning. */
    Map<String, String> OLD_KEYS = Map.of("dataDir", "data_dir", "cacheSizeMb", "cache_size_mb",
            "lockTimeoutMs", "lock_timeout_ms", "maxRetries", "max_retries", "maxDiskMb", "max_disk_mb",
            "freeDiskMb", "free_disk_mb");

    /** How durable a commit is once {@code inTransaction} returns. */
    enum Durability {
        /** Written and fsync'ed: survives a crash of the process and of the machine. */
        SYNC,
        /** Written to the OS, not fsync'ed: survives a crash of the process, not of the machine. */
        WRITE_NO_SYNC,
        /** Buffered in memory: a crash of the process may lose the latest commits. */
        NO_SYNC
    }

    @AttributeDefinition(name = "Data directory",
            description = "The node's data directory; the JE environment lives in its 'store' "
                    + "folder. A relative path resolves against the system property "
                    + "'datafold.home' if set, otherwise against the working directory.")
    String data__dir() default "data";

    @AttributeDefinition(name = "Commit durability",
            description = "SYNC: every commit is fsync'ed (survives power loss). WRITE_NO_SYNC: "
                    + "written to the OS but not fsync'ed (survives a process crash). NO_SYNC: "
                    + "buffered (a process crash may lose the latest commits).")
    Durability durability() default Durability.SYNC;

    @AttributeDefinition(name = "Cache size (MiB)",
            description = "Size of the JE cache in MiB; at least 1 and well below the JVM heap.",
            min = "1")
    int cache__size__mb() default 64;

    @AttributeDefinition(name = "Lock timeout (ms)",
            description = "How long an operation waits for a lock held by another transaction "
                    + "before it fails with a lock conflict (and its unit of work is retried); "
                    + "at most 75 minutes.",
            min = "1", max = "4500000")
    long lock__timeout__ms() default 500;

    @AttributeDefinition(name = "Maximum retries",
            description = "How many times a unit of work is re-run after a lock conflict or "
                    + "deadlock before it fails with STORAGE_CONFLICT; 0 disables retries.",
            min = "0")
    int max__retries() default 10;

    @AttributeDefinition(name = "Maximum store size (MiB)",
            description = "The most disk space the store (JE's log files in the 'store' folder) "
                    + "may take, in MiB. Beyond it, writes fail with DISK_FULL while reads go on; "
                    + "they succeed again once the limit is raised. 0: no limit of its own (the "
                    + "free space below still applies).",
            min = "0")
    long max__disk__mb() default 0;

    @AttributeDefinition(name = "Free disk space kept (MiB)",
            description = "Writes fail with DISK_FULL, while reads go on, as long as the file "
                    + "system of the data directory has less than this many MiB free; they "
                    + "succeed again once space is freed. Keeps the disk from filling up "
                    + "completely, which the store could not recover from without a restart. "
                    + "At least 1.",
            min = "1")
    long free__disk__mb() default 1024;

    // ------------------------------------------------------------ encryption at rest

    @AttributeDefinition(name = "Encryption at rest",
            description = "none: values are stored in clear. passphrase: every stored value is encrypted "
                    + "(AES-256-GCM) under a data key wrapped by a key derived (scrypt) from the owner's "
                    + "passphrase, read from passphrase_file or else the environment variable "
                    + "DATAFOLD_PASSPHRASE. key_file: the data key is wrapped by a key derived from the file "
                    + "named by key_file. Only a new, empty store can be encrypted; an existing node moves "
                    + "with export and import (docs/operations.md).",
            options = {
                @Option(label = "none", value = "none"),
                @Option(label = "passphrase", value = "passphrase"),
                @Option(label = "key_file", value = "key_file") })
    String encryption() default "none";

    @AttributeDefinition(name = "Key file",
            description = "With encryption key_file: the file (32 to 4096 bytes, e.g. 32 random bytes) whose "
                    + "content protects the data key. Keep it outside the data directory and its backups.",
            required = false)
    String key__file() default "";

    @AttributeDefinition(name = "Passphrase file",
            description = "With encryption passphrase: a file holding the passphrase (UTF-8, one trailing "
                    + "line break ignored). Empty: the passphrase comes from the environment variable "
                    + "DATAFOLD_PASSPHRASE. Never put the passphrase itself in a configuration file.",
            required = false)
    String passphrase__file() default "";
}
