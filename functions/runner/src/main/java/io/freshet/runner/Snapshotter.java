package io.freshet.runner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Step;

/** Runs a snapshot step: one consistent read of its tables to Parquet files. */
@FunctionalInterface
public interface Snapshotter {

    /** One table's result: its Parquet files, schema hash and, for incremental tables, the newest watermark read. */
    record Table(String output, List<Path> parquetFiles, long rows, String schemaHash, Optional<String> watermark) {
    }

    /** @param lastWatermarks per output, the watermark its previous event recorded */
    List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, String> lastWatermarks, Path workDir);

    /**
     * As above, within the attempt's time: no statement may outlive {@code timeLeft}, and
     * {@code onDeadline} is given what stops the snapshot's statements when the attempt's
     * deadline passes first (several statements in a row can each stay under a timeout).
     */
    default List<Table> snapshot(Pipeline pipeline, Step.Snapshot step, String partition, Map<String, String> lastWatermarks, Path workDir,
                                 java.time.Duration timeLeft, java.util.function.Consumer<Runnable> onDeadline) {
        return snapshot(pipeline, step, partition, lastWatermarks, workDir);
    }
}
