package io.freshet.engine.snapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Resources a snapshot may use.
 *
 * @param memoryLimit         DuckDB's {@code memory_limit} (e.g. {@code 256MB}, {@code 1GB}); beyond it
 *                            DuckDB spills under {@code tempDir}, and what cannot spill (the row
 *                            groups being written, a quarter of the limit among the threads) fails
 *                            the snapshot cleanly. 256MB holds rows of 64 KB values; a Java heap of
 *                            ~150 MB comes on top (the decoder's batches, pgjdbc)
 * @param threads             the most writers of one table: DuckDB {@code COPY}s at once, each on
 *                            a thread of its own taking decoded batches and writing its own files,
 *                            so the Parquet writer's work spreads over the cores; a table of narrow
 *                            rows gets one ({@code DuckDbParquet.writers})
 * @param tempDir             DuckDB's {@code temp_directory}, where it spills
 * @param parallelConnections PostgreSQL connections reading at once, all from the same exported
 *                            snapshot: a large table is split into ctid page ranges (up to four
 *                            per connection) that they read at once, each taking the next as it
 *                            finishes one; smaller tables share the connections whole. 1 reads the
 *                            tables one after another on one connection.
 * @param lockTimeout         PostgreSQL's {@code lock_timeout} for the snapshot's sessions: how long
 *                            it waits for its {@code ACCESS SHARE} locks (a migration's
 *                            {@code ALTER TABLE} holds an exclusive lock for as long as it runs)
 *                            before it gives up with {@link TableLockedException}
 */
public record SnapshotSettings(String memoryLimit, int threads, Path tempDir, int parallelConnections, Duration lockTimeout) {

    /** How long a snapshot waits for a table another session holds locked, unless told otherwise. */
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern MEMORY = Pattern.compile("\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", Pattern.CASE_INSENSITIVE);

    public SnapshotSettings {
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        Objects.requireNonNull(tempDir, "tempDir");
        if (!MEMORY.matcher(memoryLimit.trim()).matches()) {
            throw new IllegalArgumentException("memoryLimit must be a size such as 256MB or 1GB: " + memoryLimit);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (parallelConnections < 1) {
            throw new IllegalArgumentException("parallelConnections must be at least 1: " + parallelConnections);
        }
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (lockTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("lockTimeout must be at least 1 ms (0 would mean waiting for ever): " + lockTimeout);
        }
    }

    /** With the {@linkplain #DEFAULT_LOCK_TIMEOUT default lock timeout}. */
    public SnapshotSettings(String memoryLimit, int threads, Path tempDir, int parallelConnections) {
        this(memoryLimit, threads, tempDir, parallelConnections, DEFAULT_LOCK_TIMEOUT);
    }

    public SnapshotSettings withLockTimeout(Duration timeout) {
        return new SnapshotSettings(memoryLimit, threads, tempDir, parallelConnections, timeout);
    }

    public SnapshotSettings withParallelConnections(int connections) {
        return new SnapshotSettings(memoryLimit, threads, tempDir, connections, lockTimeout);
    }

    /**
     * The connections a snapshot opens: one per available processor, at least two (the rows are
     * produced by the database's cores, not ours), never more than the source's cap
     * ({@code max_connections:}), which keeps a snapshot from starving the operational database.
     */
    public static int degree(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
        return Math.min(maxConnections, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /**
     * 1 GB for DuckDB, one writer per available processor (at least 2), spilling under
     * {@code workDir/duckdb-tmp}, one connection.
     */
    public static SnapshotSettings defaults(Path workDir) {
        // 1 GB: a quarter of the runner function's 4 GB, leaving the JVM heap, the COPY reader and upload buffers room.
        return new SnapshotSettings("1GB", Math.max(2, Runtime.getRuntime().availableProcessors()), workDir.resolve("duckdb-tmp"), 1);
    }
}
