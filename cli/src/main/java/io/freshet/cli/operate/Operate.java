package io.freshet.cli.operate;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.JsonLog;
import io.freshet.core.load.LoadResult;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.yaml.Diagnostic;
import io.freshet.core.yaml.Values;
import picocli.CommandLine;

/** What the operating commands share. */
final class Operate {

    static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Operate() {
    }

    static LoadResult load(String dir, PrintWriter err) {
        LoadResult result = ProjectLoader.loadProject(Path.of(dir), dir);
        result.errors().forEach((Diagnostic d) -> err.println(d));
        return result;
    }

    static JsonLog quietLog(Clock clock) {
        return new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of());
    }

    /** The pipeline that writes {@code asset}; a clear error for a source or an unknown name. */
    static Pipeline producer(Project project, String asset) {
        return project.producerOf(asset).orElseThrow(() -> new OperateException(project.source(asset).isPresent()
                ? "'" + asset + "' is a source, written by someone else; materialize the assets derived from it"
                : project.noSuchAsset(asset)));
    }

    /** The partition key a command was given, checked against the pipeline's partitions. */
    static String partitionKey(Pipeline p, Optional<String> given) {
        PartitionGrain grain = p.partitioning().grain();
        if (grain == PartitionGrain.NONE) {
            if (given.isPresent()) {
                throw new OperateException("'" + p.name() + "' is not partitioned: leave out --partition");
            }
            return "";
        }
        String key = given.orElseThrow(() -> new OperateException("'" + p.name() + "' has " + grain.yamlName()
                + " partitions: give --partition (such as " + (grain == PartitionGrain.DAILY ? "2026-05-26" : "2026-05-26T13") + ")"));
        try {
            grain.startOf(key);
        } catch (IllegalArgumentException e) {
            throw new OperateException("--partition " + key + ": " + e.getMessage());
        }
        return key;
    }

    static boolean succeeded(RunState s) {
        return s == RunState.SUCCEEDED || s == RunState.SKIPPED;
    }

    /** Follows the run that answers a request to its end, printing each state it passes. */
    static Optional<Run> follow(StackTarget.Connection stack, String pipeline, String partition, String requestId, Duration timeout,
                                PrintWriter out) throws InterruptedException {
        Instant giveUp = Instant.now().plus(timeout);
        Optional<String> runId = Optional.empty();
        RunState shown = null;
        while (Instant.now().isBefore(giveUp)) {
            if (runId.isEmpty()) {
                runId = stack.store().consumers().consumedBy(pipeline, partition, requestId);
                runId.flatMap(stack.store().runs()::run).ifPresent(r -> out.printf("%s run %s created: %s%n", now(), r.runId(), r.reason()));
            }
            if (runId.isPresent()) {
                Optional<Run> run = stack.store().runs().run(runId.get());
                if (run.isPresent() && run.get().state() != shown) {
                    shown = run.get().state();
                    out.printf("%s run %s %s%s%n", now(), run.get().runId(), shown,
                            run.get().finishReason().map(r -> ": " + r).orElse(run.get().attempt() > 1 ? " (attempt " + run.get().attempt() + ")" : ""));
                    if (!shown.isActive()) {
                        return run;
                    }
                }
            } else if (shown == null) {
                out.printf("%s waiting: a run of %s is active for this partition; the request is answered when it ends%n", now(), pipeline);
                shown = RunState.QUEUED;
            }
            Thread.sleep(200);
        }
        out.printf("%s still going after %s; follow it with 'freshet runs --pipeline %s'%n", now(), Values.formatDuration(timeout), pipeline);
        return Optional.empty();
    }

    static String now() {
        return LocalTime.now(ZoneId.systemDefault()).format(HMS);
    }

    /** {@code 30s}, {@code 5m}, {@code 1h30m}, as in the pipelines. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return switch (Values.readDuration(value)) {
                case Values.DurationText.Valid v -> v.duration();
                case Values.DurationText.Zero z -> throw new CommandLine.TypeConversionException("must be longer than zero, got " + value);
                case Values.DurationText.TooLong t -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is too long a duration (at most " + Values.formatDuration(Values.MAX_DURATION) + ")");
                case Values.DurationText.Malformed m -> throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration such as 30s, 5m or 1h30m");
            };
        }
    }
}
