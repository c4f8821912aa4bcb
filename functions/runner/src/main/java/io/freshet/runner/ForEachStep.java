package io.freshet.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.freshet.aws.JsonLog;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.state.protocol.FaultPoints;

/**
 * A SQL step with {@code for_each}: one {@link ObjectTask} per object of the iterated S3 source
 * input, at most {@code parallelism} at once on a fixed pool, each in a DuckDB database of its own
 * whose memory limit is the attempt's share; the results unioned, in the objects' order, into
 * the step's output table of the attempt's session ({@link ObjectResults}).
 *
 * <p>Every task runs to its end whatever the others do, so that one failure does not hide
 * another and every result that could be made is kept: each is stored under the output's
 * partition prefix ({@code _each/<hash>.parquet}) keyed by the object, its version, the code
 * version and what else the step reads, where the next attempt, or the next run of the
 * partition, takes it instead of computing it again. With any failure the step fails listing
 * every failed object ({@link ObjectTasksFailedException}), and the run publishes nothing.
 */
final class ForEachStep {

    /** Where an output's partition keeps its per-object results, under its prefix. */
    static final String RESULTS_FOLDER = "_each/";
    private static final long ATTEMPT_MEMORY_MB = 1024;
    private static final long MIN_TASK_MEMORY_MB = 128;

    private final Project project;
    private final ObjectStore objects;
    private final String lakeBucket;
    private final StackParameters stack;
    private final JsonLog log;
    private final FaultPoints faults;

    ForEachStep(RunnerParts parts) {
        this.project = parts.project();
        this.objects = parts.objects();
        this.lakeBucket = parts.lakeBucket();
        this.stack = parts.parameters();
        this.log = parts.log();
        this.faults = parts.faults();
    }

    /**
     * What the step's tasks compute and where their results are kept.
     *
     * @param keyBase what every result's key depends on besides its object: code version, the other inputs' data versions, the run id if the SQL may read it
     */
    record Plan(String input, String output, String sql, String resultPrefix, String keyBase) {

        /** The key of one object's result: the same object version under the same code and other inputs gives the same key. */
        String resultKey(InputViews.InputObject object) {
            return resultPrefix + Ids.hash(32, List.of(keyBase, object.uri(), object.version())) + ".parquet";
        }
    }

    TableFacts execute(Step.Sql step, Step.ForEach each, StepExecutor.StepRun run) {
        Attempt a = run.attempt();
        Plan plan = plan(step, each, run);
        List<InputViews.InputObject> iterated = run.inputs().get(plan.input()).objects();
        Map<String, InputViews.InputFiles> others = new LinkedHashMap<>(run.inputs());
        others.remove(plan.input());
        int parallelism = Math.min(each.parallelism(), Math.max(1, iterated.size()));
        long taskMemory = Math.max(MIN_TASK_MEMORY_MB, ATTEMPT_MEMORY_MB / parallelism);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism);
        ObjectTask.Shared shared = new ObjectTask.Shared(plan, run, others, taskMemory + "MB", threads, objects, lakeBucket, faults);
        long started = System.nanoTime();
        List<ObjectTask.Outcome> outcomes = runAll(shared, iterated, run.work().resolve("each").resolve(step.output()), parallelism);
        long processed = outcomes.stream().filter(o -> o instanceof ObjectTask.Outcome.Done d && !d.reused()).count();
        long reused = outcomes.stream().filter(o -> o instanceof ObjectTask.Outcome.Done d && d.reused()).count();
        for (ObjectTask.Outcome o : outcomes) {
            switch (o) {
                case ObjectTask.Outcome.Done d -> log.info(d.reused() ? "object result reused" : "object processed", a.log(fields(plan, o)));
                case ObjectTask.Outcome.Failed f -> log.warn("object failed", a.log(fields(plan, o)));
            }
        }
        List<ObjectTask.Outcome.Failed> failed = outcomes.stream()
                .filter(o -> o instanceof ObjectTask.Outcome.Failed).map(o -> (ObjectTask.Outcome.Failed) o).toList();
        if (!failed.isEmpty()) {
            throw ObjectTasksFailedException.of(plan.input(), outcomes.size(), failed);
        }
        List<ObjectTask.Outcome.Done> done = outcomes.stream().map(o -> (ObjectTask.Outcome.Done) o).toList();
        long rows = ObjectResults.union(run.duck(), plan.output(), done);
        log.info("for_each step done", a.log(Map.of("asset", plan.output(), "input", plan.input(), "objects", outcomes.size(),
                "processed", processed, "reused", reused, "parallelism", parallelism, "ms", (System.nanoTime() - started) / 1_000_000)));
        return TableFacts.rows(plan.output(), rows).with(Map.of("forEach.objects", Long.toString(outcomes.size()),
                "forEach.processed", Long.toString(processed), "forEach.reused", Long.toString(reused)));
    }

    private Plan plan(Step.Sql step, Step.ForEach each, StepExecutor.StepRun run) {
        Attempt a = run.attempt();
        String input = each.input().orElseGet(() -> onlyS3Source(a.pipeline()));
        String sql = project.sql(step.sql());
        Output out = a.pipeline().output(step.output()).orElseThrow();
        String prefix = PublicationPhase.layout(out, stack).location().keyPrefixFor(a.run().partition()) + RESULTS_FOLDER;
        List<String> base = new ArrayList<>();
        base.add(project.codeVersion(a.pipeline().name()));
        base.add(step.output());
        run.inputs().forEach((asset, files) -> {
            if (!asset.equals(input)) {
                base.add(asset + "=" + files.dataVersion()); // a joined dimension that changed changes every result
            }
        });
        if (sql.toLowerCase(Locale.ROOT).contains("run_id")) {
            base.add(a.runId()); // the run's id may be in the result: reused within the run only
        }
        return new Plan(input, step.output(), sql, prefix, String.join("\n", base));
    }

    private String onlyS3Source(Pipeline pipeline) {
        return pipeline.inputAssets().stream().filter(asset -> project.source(asset).filter(s -> s instanceof Source.S3).isPresent())
                .findFirst().orElseThrow(() -> new IllegalStateException("pipeline '" + pipeline.name() + "' has no S3 source input (validation says so)"));
    }

    /** Every task to its end on a pool of {@code parallelism} threads; the outcomes in the objects' order. */
    private static List<ObjectTask.Outcome> runAll(ObjectTask.Shared shared, List<InputViews.InputObject> iterated, Path dir, int parallelism) {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "freshet-for-each-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<ObjectTask.Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < iterated.size(); i++) {
                ObjectTask task = new ObjectTask(shared, iterated.get(i), dir.resolve(Integer.toString(i)));
                futures.add(pool.submit(task::run));
            }
            List<ObjectTask.Outcome> outcomes = new ArrayList<>();
            RuntimeException killed = null;
            for (Future<ObjectTask.Outcome> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (ExecutionException e) {
                    // Only a simulated kill escapes a task (it catches everything else): the process is gone.
                    killed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            if (killed != null) {
                throw killed;
            }
            return outcomes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the for_each tasks ran", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Object> fields(Plan plan, ObjectTask.Outcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("asset", plan.output());
        m.put("input", plan.input());
        m.put("object", o.object().uri());
        if (o instanceof ObjectTask.Outcome.Failed f) {
            m.put("reason", ObjectTasksFailedException.describe(f.failure()));
        }
        return m;
    }
}
