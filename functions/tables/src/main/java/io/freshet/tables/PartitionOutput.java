package io.freshet.tables;

import java.util.List;
import java.util.Objects;

/**
 * One partition of one asset, written by one run attempt: what {@link LakeTables#commit} publishes.
 *
 * @param asset           the asset, {@code layer.name} (its table: {@link TableNames})
 * @param partitionColumn the column of the files that holds the partition key (e.g. {@code date}); the
 *                        table is partitioned by it (identity)
 * @param partitionValue  the partition, as a partition path writes it (e.g. {@code 2026-11-20})
 * @param files           the Parquet files of the partition, full locations ({@code s3://bucket/key}),
 *                        as DuckDB wrote them; none for an empty partition
 * @param runId           the run
 * @param attempt         the run's attempt (from 1)
 */
public record PartitionOutput(String asset, String partitionColumn, String partitionValue, List<String> files,
                              String runId, int attempt) {

    public PartitionOutput {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(partitionColumn, "partitionColumn");
        Objects.requireNonNull(partitionValue, "partitionValue");
        files = List.copyOf(files);
        Objects.requireNonNull(runId, "runId");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, not " + attempt);
        }
    }
}
