package io.freshet.runner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.freshet.core.model.Step;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.engine.sql.DuckSession;

/**
 * Runs one kind of step inside an attempt: one implementation per kind of {@link Step}, chosen by
 * {@link StepsPhase} with a switch over the sealed step type (a new kind of step does not compile
 * until it has its executor).
 *
 * @param <S> the kind of step
 */
sealed interface StepExecutor<S extends Step> permits SqlStepExecutor, SnapshotStepExecutor {

    /** The facts of each output table the step wrote into the attempt's DuckDB session. */
    List<TableFacts> execute(S step, StepRun run);

    /**
     * What a step runs with.
     *
     * @param duck          the attempt's DuckDB session: inputs are views named after their assets, outputs tables
     * @param work          the attempt's scratch directory
     * @param snapshotReads per incremental snapshot output, the watermark range to read ({@link SnapshotPlanner})
     * @param inputs        per input asset, the objects its view reads ({@link InputViews})
     */
    record StepRun(Attempt attempt, DuckSession duck, Path work, AttemptDeadline deadline, Map<String, WatermarkRange> snapshotReads,
                   Map<String, InputViews.InputFiles> inputs) {
    }
}
