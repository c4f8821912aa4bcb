package io.freshet.tables;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One partition of one asset, written by one run attempt: what {@link LakeTables#publish} publishes.
 *
 * @param asset           the asset, {@code layer.name} (its table: {@link TableNames})
 * @param partitionColumn the column of the files that holds the partition key (e.g. {@code date}); the
 *                        table is partitioned by it (identity). Empty for an unpartitioned asset, whose
 *                        every run replaces the whole table
 * @param partitionValue  the partition, as a partition path writes it (e.g. {@code 2026-11-20}); empty
 *                        when unpartitioned
 * @param files           the Parquet files of the partition, full locations ({@code s3://bucket/key}),
 *                        as DuckDB wrote them; none for an empty partition
 * @param runId           the run
 * @param attempt         the run's attempt (from 1)
 * @param tableLocation   where a table created by this output keeps its files ({@code s3://bucket/prefix});
 *                        empty for the catalog's default
 * @param keyColumn       the output's dynamic key column ({@code partition_by}), a second identity
 *                        partition of the table; empty when it has none
 * @param fileKeys        with a key column: each file's key value (every row of the file has it)
 */
public record PartitionOutput(String asset, Optional<String> partitionColumn, String partitionValue, List<String> files,
                              String runId, int attempt, Optional<String> tableLocation, Optional<String> keyColumn,
                              Map<String, String> fileKeys) {

    public PartitionOutput {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(partitionColumn, "partitionColumn");
        Objects.requireNonNull(partitionValue, "partitionValue");
        files = List.copyOf(files);
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(tableLocation, "tableLocation");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, not " + attempt);
        }
        if (partitionColumn.isEmpty() && !partitionValue.isEmpty()) {
            throw new IllegalArgumentException("an unpartitioned output has no partition value, not " + partitionValue);
        }
        Objects.requireNonNull(keyColumn, "keyColumn");
        fileKeys = Map.copyOf(fileKeys);
        if (keyColumn.isPresent() && (partitionColumn.isEmpty() || !fileKeys.keySet().equals(Set.copyOf(files)))) {
            throw new IllegalArgumentException("a keyed output is partitioned and names the key of each of its files");
        }
    }

    /** An output without a dynamic key. */
    public PartitionOutput(String asset, Optional<String> partitionColumn, String partitionValue, List<String> files,
                           String runId, int attempt, Optional<String> tableLocation) {
        this(asset, partitionColumn, partitionValue, files, runId, attempt, tableLocation, Optional.empty(), Map.of());
    }

    /** A partitioned output in a table at the catalog's default location. */
    public PartitionOutput(String asset, String partitionColumn, String partitionValue, List<String> files, String runId, int attempt) {
        this(asset, Optional.of(partitionColumn), partitionValue, files, runId, attempt, Optional.empty());
    }

    boolean partitioned() {
        return partitionColumn.isPresent();
    }
}
