package io.freshet.runner;

import java.util.List;

import io.freshet.core.load.Project;
import io.freshet.core.model.Step;

/** A DuckDB query whose result becomes the step's output table; once per object with {@code for_each} ({@link ForEachStep}). */
final class SqlStepExecutor implements StepExecutor<Step.Sql> {

    private final Project project;
    private final ForEachStep forEach;

    SqlStepExecutor(Project project, ForEachStep forEach) {
        this.project = project;
        this.forEach = forEach;
    }

    @Override
    public List<TableFacts> execute(Step.Sql step, StepRun run) {
        if (step.forEach().isPresent()) {
            return List.of(forEach.execute(step, step.forEach().get(), run));
        }
        long rows = run.duck().runStep(step.output(), project.sql(step.sql()));
        return List.of(TableFacts.rows(step.output(), rows));
    }
}
