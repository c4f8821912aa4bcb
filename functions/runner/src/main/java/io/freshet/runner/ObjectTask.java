package io.freshet.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.DuckSettings;
import io.freshet.state.protocol.FaultPoints;

/**
 * One object's task of a {@code for_each} step: its result reused when an earlier attempt or run
 * left it under the same key ({@link ForEachStep#resultKey}), else the step's SQL run in a DuckDB
 * database of its own, where the iterated input's view reads this object only, and the result
 * written as Parquet and kept under that key before it counts.
 */
final class ObjectTask {

    /** How one object's task ended. */
    sealed interface Outcome {

        InputViews.InputObject object();

        /** The object's result, as a local Parquet file; {@code reused} when an earlier attempt or run made it. */
        record Done(InputViews.InputObject object, Path result, boolean reused) implements Outcome {
        }

        record Failed(InputViews.InputObject object, RuntimeException failure) implements Outcome {
        }
    }

    /**
     * What every task of the step shares.
     *
     * @param others      the views of the other inputs, as the attempt has them
     * @param memoryLimit DuckDB's memory limit of each task's database: the attempt's, shared by the tasks at once
     * @param threads     DuckDB threads of each task's database
     */
    record Shared(ForEachStep.Plan plan, StepExecutor.StepRun run, Map<String, InputViews.InputFiles> others, String memoryLimit, int threads,
                  ObjectStore objects, String lakeBucket, FaultPoints faults) {
    }

    private final Shared shared;
    private final InputViews.InputObject object;
    private final Path dir;

    ObjectTask(Shared shared, InputViews.InputObject object, Path dir) {
        this.shared = shared;
        this.object = object;
        this.dir = dir;
    }

    Outcome run() {
        try {
            Files.createDirectories(dir);
            Path result = dir.resolve("result.parquet");
            String key = shared.plan().resultKey(object);
            if (shared.objects().exists(shared.lakeBucket(), key)) {
                shared.objects().get(shared.lakeBucket(), key, result);
                return new Outcome.Done(object, result, true);
            }
            compute(result);
            // Kept before it counts: a retry finds it whatever happens after this line. The key names
            // object, version, code and the other inputs, so an overwrite writes the same result.
            shared.objects().put(shared.lakeBucket(), key, result);
            shared.faults().reached("after-each-result");
            return new Outcome.Done(object, result, false);
        } catch (FaultPoints.Killed e) {
            throw e; // a simulated kill: the process is gone
        } catch (IOException e) {
            return new Outcome.Failed(object, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            return new Outcome.Failed(object, e);
        }
    }

    private void compute(Path result) {
        StepExecutor.StepRun run = shared.run();
        run.deadline().check();
        try (DuckSession duck = DuckSession.open(new DuckSettings(dir.resolve("duckdb"), shared.memoryLimit(), shared.threads()))) {
            run.deadline().onExpiry(duck::interrupt);
            RunContext.set(duck, run.attempt());
            ForEachStep.Plan plan = shared.plan();
            InputViews.InputFiles iterated = run.inputs().get(plan.input());
            InputViews.view(duck, plan.input(), new InputViews.InputFiles(iterated.format(), iterated.objectColumn(),
                    List.of(object), iterated.dataVersion()));
            shared.others().forEach((asset, files) -> InputViews.view(duck, asset, files));
            duck.runStep(plan.output(), plan.sql());
            duck.writeParquet(plan.output(), result);
        }
    }
}
