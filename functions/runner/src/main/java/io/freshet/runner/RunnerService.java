package io.freshet.runner;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.state.StateStore;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.lineage.RunLineage;
import io.freshet.state.protocol.FaultPoints;

/**
 * Executes one run: {@code Run Requested} in, data and events out, in an order that never lets
 * an event point at partial data.
 *
 * <ol>
 *   <li>QUEUED -> RUNNING with a lease (a redelivered request while an attempt runs does nothing;
 *       an attempt that was killed is taken over once its lease ran out, under the same run id);</li>
 *   <li>inputs resolved to the exact events the run consumed (or the newest ones); when their
 *       data versions and the code version equal the last successful run's, the run is SKIPPED
 *       and no asset event is published;</li>
 *   <li>inputs downloaded, steps run in DuckDB (snapshots from PostgreSQL), checks run;</li>
 *   <li>outputs uploaded, with their partition column, under run- and attempt-scoped keys
 *       ({@code .../date=D/<runId>-<attempt>.parquet}), so nothing already published is ever
 *       overwritten;</li>
 *   <li>only then staged, all at once, fenced on this attempt and its lease
 *       ({@link io.freshet.state.Runs#stageOutputs}): the run is PUBLISHING, no attempt starts
 *       again, and {@code Run Outputs Staged} hands it to the publisher, which commits each output
 *       to its table, records and announces the events and ends the run.</li>
 * </ol>
 * Each step of the attempt is a phase of its own, orchestrated by {@link RunAttempt}. A failure is
 * typed ({@link FailureKind}): permanent (a SQL error, a failing blocking check) fails the run
 * with its reason, transient is retried while retries are left, and an attempt that lost its
 * lease (a fenced write failed) stops and writes nothing more. The pipeline's timeout is enforced
 * inside the attempt ({@link AttemptDeadline}).
 */
public final class RunnerService {

    /** Beyond the pipeline's timeout, how long before a silent attempt is presumed dead. */
    static final Duration LEASE_MARGIN = Duration.ofMinutes(1);

    private final RunnerParts parts;
    private final AttemptEnding ending;

    /** A runner for a project whose locations name no parameter but the lake bucket. */
    public RunnerService(Project project, StateStore store, ObjectStore objects, Announcer announcer, String lakeBucket,
                         Snapshotter snapshotter, Clock clock, JsonLog log, Path scratch, FaultPoints faults) {
        this(project, store, objects, announcer, StackParameters.lakeBucket(lakeBucket), snapshotter, clock, log, scratch, faults);
    }

    /** A runner on the stack whose parameters (the lake bucket, where outputs go, among them) are {@code stack}. */
    public RunnerService(Project project, StateStore store, ObjectStore objects, Announcer announcer, StackParameters stack,
                         Snapshotter snapshotter, Clock clock, JsonLog log, Path scratch, FaultPoints faults) {
        this(partsOf(project, store, objects, announcer, stack, snapshotter, clock, log, scratch, faults));
    }

    private RunnerService(RunnerParts parts) {
        this.parts = parts;
        this.ending = new AttemptEnding(parts);
    }

    private static RunnerParts partsOf(Project project, StateStore store, ObjectStore objects, Announcer announcer, StackParameters stack,
                                       Snapshotter snapshotter, Clock clock, JsonLog log, Path scratch, FaultPoints faults) {
        RunLauncher launcher = new RunLauncher(store, announcer, log, clock);
        return new RunnerParts(project, store, objects, announcer, stack, snapshotter, clock, log, scratch, faults,
                launcher, RunLineage.NONE);
    }

    /** The same runner, emitting OpenLineage events of each attempt to {@code lineage}. */
    public RunnerService withLineage(RunLineage lineage) {
        return new RunnerService(parts.withLineage(lineage));
    }

    /** Handles one {@code Run Requested}, with no knowledge of the invocation's time left (see below). */
    public Optional<RunState> execute(String runId) {
        return execute(runId, Duration.ZERO);
    }

    /**
     * Handles one {@code Run Requested}; returns the state the run ended in (QUEUED: to be
     * retried), or empty when another attempt holds it or this one lost it.
     *
     * @param invocationTimeLeft how long this invocation may still run (Lambda's remaining time;
     *                           zero when unknown): the lease covers it, so that no other attempt
     *                           starts while this one may still be alive
     */
    public Optional<RunState> execute(String runId, Duration invocationTimeLeft) {
        StateStore store = parts.store();
        JsonLog log = parts.log();
        Run run = store.runs().run(runId).orElseThrow(() -> new MalformedEventException("no run " + runId + " in the store"));
        Pipeline pipeline = parts.project().pipeline(run.pipeline())
                .orElseThrow(() -> new MalformedEventException("run " + runId + " is of pipeline '" + run.pipeline() + "', which this deployment does not have"));
        Optional<Integer> started = store.runs().startAttempt(runId, parts.clock().instant().plus(lease(pipeline.timeout(), invocationTimeLeft)));
        if (started.isEmpty()) {
            log.info("run already running or finished: nothing to do", Map.of("runId", runId, "pipeline", run.pipeline()));
            return Optional.empty();
        }
        Attempt attempt = Attempt.of(run, pipeline, started.get());
        log.info("run started", attempt.log(Map.of("state", "RUNNING")));
        return new RunAttempt(parts, ending).run(attempt);
    }

    /** The lease of an attempt: never shorter than the invocation may live, nor than the pipeline's timeout, plus a margin. */
    static Duration lease(Duration pipelineTimeout, Duration invocationTimeLeft) {
        return (invocationTimeLeft.compareTo(pipelineTimeout) > 0 ? invocationTimeLeft : pipelineTimeout).plus(LEASE_MARGIN);
    }
}
