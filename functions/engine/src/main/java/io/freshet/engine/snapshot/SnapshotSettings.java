package io.freshet.engine.snapshot;

import java.nio.file.Path;
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
 * @param threads             DuckDB's {@code threads}: each takes decoded batches and writes row
 *                            groups, so the Parquet writer's work spreads over the cores
 * @param tempDir             DuckDB's {@code temp_directory}, where it spills
 * @param parallelConnections PostgreSQL connections reading at once; each reads whole tables, all
 *                            from the same exported snapshot. 1 reads the tables one after another
 *                            on one connection.
 */
public record SnapshotSettings(String memoryLimit, int threads, Path tempDir, int parallelConnections) {

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
    }

    /**
     * 1 GB for DuckDB, one DuckDB thread per available processor (at least 2), spilling under
     * {@code workDir/duckdb-tmp}, one connection.
     */
    public static SnapshotSettings defaults(Path workDir) {
        // 1 GB: a quarter of the runner function's 4 GB, leaving the JVM heap, the COPY reader and upload buffers room.
        return new SnapshotSettings("1GB", Math.max(2, Runtime.getRuntime().availableProcessors()), workDir.resolve("duckdb-tmp"), 1);
    }
}
