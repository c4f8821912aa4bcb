package io.freshet.runner;

import java.util.List;

import io.freshet.core.load.Project;
import io.freshet.core.model.Step;

/** A DuckDB query whose result becomes the step's output table. */
final class SqlStepExecutor implements StepExecutor<Step.Sql> {

    private final Project project;

    SqlStepExecutor(Project project) {
        this.project = project;
    }

    @Override
    public List<TableFacts> execute(Step.Sql step, StepRun run) {
        long rows = run.duck().runStep(step.output(), project.sql(step.sql()));
        return List.of(TableFacts.rows(step.output(), rows));
    }
}
