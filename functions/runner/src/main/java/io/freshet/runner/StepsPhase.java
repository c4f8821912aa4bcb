package io.freshet.runner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.freshet.core.model.Step;
import io.freshet.state.protocol.FaultPoints;

/** The steps phase: the run's context as DuckDB variables ({@link RunContext}), then the pipeline's steps in order, each by the executor of its kind, the deadline checked around each. */
final class StepsPhase {

    private final SqlStepExecutor sql;
    private final SnapshotStepExecutor snapshot;
    private final FaultPoints faults;

    StepsPhase(RunnerParts parts) {
        this.sql = new SqlStepExecutor(parts.project(), new ForEachStep(parts));
        this.snapshot = new SnapshotStepExecutor(parts.snapshotter());
        this.faults = parts.faults();
    }

    /** Per output asset, what its step knows of the table it wrote. */
    Map<String, TableFacts> run(StepExecutor.StepRun run) {
        Map<String, TableFacts> facts = new LinkedHashMap<>();
        RunContext.set(run.duck(), run.attempt()); // the checks that follow run in the same session and read the same values
        for (Step step : run.attempt().pipeline().steps()) {
            run.deadline().check();
            List<TableFacts> written = switch (step) {
                case Step.Sql s -> sql.execute(s, run);
                case Step.Snapshot s -> snapshot.execute(s, run);
            };
            written.forEach(f -> facts.put(f.asset(), f));
            run.deadline().check();
            faults.reached("after-step");
        }
        return facts;
    }
}
