package io.freshet.core.model;

import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.freshet.core.location.LocationPattern;
import io.freshet.core.location.StackParameters;
import io.freshet.core.partition.PartitionGrain;

/**
 * Where a derived asset's lake table lives and how its partition is a column: the table's root is
 * the folder of the asset's location before anything variable ({@code core/trips/} for
 * {@code s3://lake/core/trips/date={date}/}), which holds the table's metadata and, under the
 * location's partition folders, each run attempt's data files. The partition is a column of the
 * table, so readers filter on it: a DATE for daily assets, a TIMESTAMP (the hour's start, UTC) for
 * hourly ones, named as the location's hive-style folder names it ({@code date=}, {@code dt=},
 * {@code hour=}), else {@code date} or {@code hour}. An unpartitioned asset has none, and each run
 * replaces the whole table.
 *
 * @param location        the asset's location, parameters resolved
 * @param partitionColumn the table's partition column, if partitioned
 */
public record TableLayout(LocationPattern location, Optional<PartitionColumn> partitionColumn) {

    /** The partition column of a partitioned asset's table. */
    public record PartitionColumn(String name, PartitionGrain grain) {

        private static final DateTimeFormatter HOUR_VALUE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

        public PartitionColumn {
            Objects.requireNonNull(name, "name");
            if (grain == PartitionGrain.NONE) {
                throw new IllegalArgumentException("an unpartitioned asset has no partition column");
            }
        }

        /** The column's value for a partition, as Iceberg writes a partition value: {@code 2026-11-20}, {@code 2026-11-20T13:00:00}. */
        public String value(String partitionKey) {
            return grain == PartitionGrain.DAILY ? grain.startOf(partitionKey).toLocalDate().toString()
                    : HOUR_VALUE.format(grain.startOf(partitionKey));
        }

        /** The value as a DuckDB SQL literal: {@code DATE '2026-11-20'}, {@code TIMESTAMP '2026-11-20 13:00:00'}. */
        public String sqlLiteral(String partitionKey) {
            return (grain == PartitionGrain.DAILY ? "DATE '" : "TIMESTAMP '") + value(partitionKey).replace('T', ' ') + "'";
        }
    }

    public TableLayout {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(partitionColumn, "partitionColumn");
    }

    /** A hive-style folder name right before the finest placeholder: {@code date=} of {@code .../date={date}/}. */
    private static final Pattern DAY_FOLDER = Pattern.compile("/([A-Za-z_][A-Za-z0-9_]*)=\\{date}");
    private static final Pattern HOUR_FOLDER = Pattern.compile("/([A-Za-z_][A-Za-z0-9_]*)=\\{hour}");

    /**
     * The layout of a pipeline's output on the stack whose parameters are {@code stack} (the lake
     * bucket, {@code ${Env}}...): the one place the runner, the publisher and the benchmarks resolve
     * an output's location.
     */
    public static TableLayout of(Output out, StackParameters stack) {
        return of(stack.resolve(out.location()));
    }

    /** The layout of an output at {@code resolved}, its location with every parameter replaced. */
    public static TableLayout of(LocationPattern resolved) {
        PartitionGrain grain = resolved.impliedGrain();
        if (grain == PartitionGrain.NONE) {
            return new TableLayout(resolved, Optional.empty());
        }
        boolean hourly = grain == PartitionGrain.HOURLY;
        Matcher folder = (hourly ? HOUR_FOLDER : DAY_FOLDER).matcher(resolved.text());
        String name = folder.find() ? folder.group(1) : hourly ? "hour" : "date";
        return new TableLayout(resolved, Optional.of(new PartitionColumn(name, grain)));
    }

    /** The table's location: {@code s3://bucket/root} (no trailing slash, as Iceberg writes locations). */
    public String tableLocation() {
        String root = location.literalFolder();
        return "s3://" + location.bucket() + "/" + root.substring(0, Math.max(0, root.length() - 1));
    }

    /**
     * The key of an attempt's data file for a partition: under the location's partition folder,
     * named by run and attempt, so attempts never overwrite each other and no folder adds a column
     * ({@code core/trips/date=2026-11-20/r-42-1.parquet}).
     */
    public String dataKey(String partitionKey, String runId, int attempt) {
        return location.keyPrefixFor(partitionKey) + runId + "-" + attempt + ".parquet";
    }
}
