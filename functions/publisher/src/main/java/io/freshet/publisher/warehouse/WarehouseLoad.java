package io.freshet.publisher.warehouse;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.freshet.core.model.PostgresOutput;

/**
 * One partition of one output, staged by one run attempt, to load into its PostgreSQL table.
 *
 * @param partition       the run's partition key ({@code 2026-11-20}); empty when unpartitioned
 * @param partitionColumn the output's partition column and its value for the partition as SQL text
 *                        ({@code date}, {@code 2026-11-20}); empty when unpartitioned
 * @param files           the staged Parquet files, full locations
 */
public record WarehouseLoad(String asset, String partition, Optional<PartitionValue> partitionColumn, List<String> files,
                            String runId, int attempt, PostgresOutput target) {

    /** A partition column and the run's value of it, as PostgreSQL reads it from text. */
    public record PartitionValue(String column, String value) {
    }

    public WarehouseLoad {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(partitionColumn, "partitionColumn");
        files = List.copyOf(files);
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(target, "target");
    }

    /** The target as {@code schema.table}. */
    public String table() {
        return target.qualifiedName();
    }
}
