package io.freshet.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Step;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.engine.snapshot.PostgresInputs;

/** Runs a snapshot step: one consistent read of its tables to Parquet files; and reads PostgreSQL inputs the same way. */
@FunctionalInterface
public interface Snapshotter {

    /**
     * One table's result: its Parquet files, schema hash and, for incremental tables, the greatest
     * watermark read (the range's lower bound again when no row was past it).
     */
    record Table(String output, List<Path> parquetFiles, long rows, String schemaHash, Optional<String> watermark) {
    }

    /**
     * @param reads per incremental output, the rows to read: watermark in {@code (after, upTo]}, an
     *              empty {@code after} from the first row, an empty {@code upTo} with no upper bound
     */
    List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, WatermarkRange> reads, Path workDir);

    /**
     * As above, within the attempt's time: no statement may outlive {@code timeLeft}, and
     * {@code onDeadline} is given what stops the snapshot's statements when the attempt's
     * deadline passes first (several statements in a row can each stay under a timeout).
     */
    default List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, WatermarkRange> reads, Path workDir,
                                 Duration timeLeft, Consumer<Runnable> onDeadline) {
        return snapshot(pipeline, step, partition, reads, workDir);
    }

    /**
     * Reads the PostgreSQL inputs of one connection (sources naming a table or a query) to Parquet,
     * all from one snapshot, within the attempt's time as {@link #snapshot} does.
     *
     * @param timeZone the zone the read's session compares wall times in (the pipeline's partition zone)
     */
    default List<Table> readInputs(String connection, List<PostgresInputs.Request> inputs, String timeZone, Path workDir,
                                   Duration timeLeft, Consumer<Runnable> onDeadline) {
        throw new UnsupportedOperationException("this snapshotter reads no PostgreSQL inputs");
    }
}
