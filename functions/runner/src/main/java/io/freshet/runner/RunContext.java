package io.freshet.runner;

import java.time.LocalDateTime;
import java.util.Optional;

import io.freshet.core.load.RunVariables;
import io.freshet.core.model.Partitioning;
import io.freshet.core.partition.Partitions;
import io.freshet.engine.sql.DuckSession;

/**
 * The run's context as DuckDB variables ({@link RunVariables}), set once before the steps so that
 * every SQL step and check of the attempt reads the same values.
 */
final class RunContext {

    private RunContext() {
    }

    static void set(DuckSession duck, Attempt attempt) {
        Partitioning p = attempt.pipeline().partitioning();
        String key = attempt.run().partition();
        duck.setVariable(RunVariables.PARTITION, key);
        duck.setVariable(RunVariables.PARTITION_START, start(p, key));
        duck.setVariable(RunVariables.PARTITION_END, p.isPartitioned() ? start(p, Partitions.next(p, key)) : Optional.empty());
        duck.setVariable(RunVariables.RUN_ID, attempt.runId());
        duck.setVariable(RunVariables.PIPELINE, attempt.pipeline().name());
    }

    /**
     * Where a partition's period starts, as a wall time: daily keys are dates in the partitioning's
     * zone and hourly keys UTC hours ({@link Partitions}), so the key's own start is that wall time.
     */
    private static Optional<LocalDateTime> start(Partitioning p, String key) {
        return p.isPartitioned() ? Optional.of(p.grain().startOf(key)) : Optional.empty();
    }
}
