package io.freshet.core.load;

import java.util.List;

/**
 * The run's context as DuckDB session variables, which a SQL step or check reads with
 * {@code getvariable('<name>')}: the runner sets each before the steps, and the loader rejects a
 * {@code getvariable} of any other name (it would be NULL at run time, silently).
 */
public final class RunVariables {

    /** The partition key as text; {@code ''} when the pipeline is unpartitioned. */
    public static final String PARTITION = "partition";
    /** The partition's first instant, a TIMESTAMP wall time in the partitioning's zone; NULL when unpartitioned. */
    public static final String PARTITION_START = "partition_start";
    /** The instant after the partition's period (exclusive), as {@link #PARTITION_START}. */
    public static final String PARTITION_END = "partition_end";
    public static final String RUN_ID = "run_id";
    public static final String PIPELINE = "pipeline";

    public static final List<String> NAMES = List.of(PARTITION, PARTITION_START, PARTITION_END, RUN_ID, PIPELINE);

    private RunVariables() {
    }
}
