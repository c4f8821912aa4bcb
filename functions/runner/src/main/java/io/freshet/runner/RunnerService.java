package io.freshet.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.PartitionContent;
import io.freshet.core.events.Producer;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.Output;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Source;
import io.freshet.core.model.Step;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.snapshot.WatermarkRange;
import io.freshet.core.trigger.Readiness;
import io.freshet.engine.checks.CheckResult;
import io.freshet.engine.checks.CheckRunner;
import io.freshet.engine.sql.DuckSession;
import io.freshet.engine.sql.DuckSettings;
import io.freshet.engine.sql.InputFormat;
import io.freshet.runner.lineage.RunLineage;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;

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
 *   <li>outputs uploaded under run- and attempt-scoped keys
 *       ({@code .../date=D/run=<id>/attempt=<n>/part-0.parquet}), so nothing already published
 *       is ever overwritten;</li>
 *   <li>only then all the asset events are recorded, in one transaction fenced on this attempt
 *       ({@link io.freshet.state.Runs#recordOutputs}): the run's commit point. Then they are announced
 *       and the run succeeds ({@link RunPublication}); if this attempt dies after the commit
 *       point, the next attempt or the sweep finishes the publication.</li>
 * </ol>
 * A failure is typed ({@link FailureKind}): permanent (a SQL error, a failing blocking check)
 * fails the run with its reason, transient is retried while retries are left, and an attempt
 * that lost its lease (a fenced write failed) stops and writes nothing more. The pipeline's
 * timeout is enforced inside the attempt ({@link AttemptDeadline}).
 */
public final class RunnerService {

    /** Beyond the pipeline's timeout, how long before a silent attempt is presumed dead. */
    static final Duration LEASE_MARGIN = Duration.ofMinutes(1);
    static final String CODE_VERSION_KEY = "@code";

    private final Project project;
    private final StateStore store;
    private final ObjectStore objects;
    private final Announcer announcer;
    private final String lakeBucket;
    private final Snapshotter snapshotter;
    private final Clock clock;
    private final JsonLog log;
    private final Path scratch;
    private final FaultPoints faults;
    private final RunLauncher launcher;
    private final RunPublication publication;
    private final RunLineage lineage;

    public RunnerService(Project project, StateStore store, ObjectStore objects, Announcer announcer, String lakeBucket,
                         Snapshotter snapshotter, Clock clock, JsonLog log, Path scratch, FaultPoints faults) {
        this.project = project;
        this.store = store;
        this.objects = objects;
        this.announcer = announcer;
        this.lakeBucket = lakeBucket;
        this.snapshotter = snapshotter;
        this.clock = clock;
        this.log = log;
        this.scratch = scratch;
        this.faults = faults;
        this.launcher = new RunLauncher(store, announcer, log, clock);
        this.publication = new RunPublication(store, announcer, launcher);
        this.lineage = RunLineage.NONE;
    }

    private RunnerService(RunnerService base, RunLineage lineage) {
        this.project = base.project;
        this.store = base.store;
        this.objects = base.objects;
        this.announcer = base.announcer;
        this.lakeBucket = base.lakeBucket;
        this.snapshotter = base.snapshotter;
        this.clock = base.clock;
        this.log = base.log;
        this.scratch = base.scratch;
        this.faults = base.faults;
        this.launcher = base.launcher;
        this.publication = base.publication;
        this.lineage = lineage;
    }

    /** The same runner, emitting OpenLineage events of each attempt to {@code lineage}. */
    public RunnerService withLineage(RunLineage lineage) {
        return new RunnerService(this, lineage);
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
        Run run = store.runs().run(runId).orElseThrow(() -> new MalformedEventException("no run " + runId + " in the store"));
        Pipeline pipeline = project.pipeline(run.pipeline())
                .orElseThrow(() -> new MalformedEventException("run " + runId + " is of pipeline '" + run.pipeline() + "', which this deployment does not have"));
        Optional<Integer> started = store.runs().startAttempt(runId, clock.instant().plus(lease(pipeline.timeout(), invocationTimeLeft)));
        if (started.isEmpty()) {
            log.info("run already running or finished: nothing to do", Map.of("runId", runId, "pipeline", run.pipeline()));
            return Optional.empty();
        }
        int attempt = started.get();
        Map<String, Object> ctx = Map.of("runId", runId, "pipeline", pipeline.name(), "partition", run.partition(), "attempt", attempt);
        log.info("run started", merge(ctx, Map.of("state", "RUNNING")));
        Optional<List<String>> recorded = store.runs().recordedOutputs(runId);
        if (recorded.isPresent()) {
            // An earlier attempt passed the commit point (its outputs are recorded; consumers may use them) and
            // stopped before finishing: finish its publication, compute nothing again.
            try {
                return finishRecorded(run, attempt, recorded.get(), ctx);
            } catch (RuntimeException e) { // EventBridge down, say: the run goes back to the queue, its outputs stay recorded
                return failed(pipeline, run, attempt, ctx, List.of(), FailureKind.of(e));
            }
        }
        Path work = scratch.resolve(runId).resolve("attempt-" + attempt);
        lineage.start(run, attempt, pipeline, clock.instant());
        List<RunLineage.Dataset> read = new ArrayList<>();
        AttemptDeadline deadline = AttemptDeadline.start(pipeline.timeout());
        try {
            Files.createDirectories(work);
            return Optional.of(attempt(pipeline, run, attempt, work, ctx, read, deadline));
        } catch (FaultPoints.Killed e) {
            throw e; // a simulated kill: the process is gone, nothing more happens
        } catch (LeaseLost e) {
            return failed(pipeline, run, attempt, ctx, read, new FailureKind.LeaseLost(e.getMessage()));
        } catch (RuntimeException | IOException e) {
            // The one place exceptions become kinds: by their types (FailureKind.of), or a timeout when the deadline passed.
            FailureKind kind = deadline.expired() ? new FailureKind.Transient("Timeout: " + deadline.reason() + " (" + e.getMessage() + ")")
                    : FailureKind.of(e);
            return failed(pipeline, run, attempt, ctx, read, kind);
        } finally {
            deadline.close();
            deleteQuietly(work);
        }
    }

    /** The lease of an attempt: never shorter than the invocation may live, nor than the pipeline's timeout, plus a margin. */
    static Duration lease(Duration pipelineTimeout, Duration invocationTimeLeft) {
        return (invocationTimeLeft.compareTo(pipelineTimeout) > 0 ? invocationTimeLeft : pipelineTimeout).plus(LEASE_MARGIN);
    }

    /** What a failed attempt leads to, by its kind. */
    private Optional<RunState> failed(Pipeline pipeline, Run run, int attempt, Map<String, Object> ctx, List<RunLineage.Dataset> read,
                                      FailureKind kind) {
        String reason = kind.reason();
        if (kind instanceof FailureKind.LeaseLost) {
            log.warn("attempt no longer holds the run: it stops and writes nothing more", merge(ctx, Map.of("reason", reason)));
            return Optional.empty();
        }
        lineage.fail(run, attempt, pipeline, clock.instant(), read, reason);
        boolean committed = store.runs().recordedOutputs(run.runId()).isPresent();
        boolean retry = committed || kind instanceof FailureKind.Transient && attempt <= pipeline.retries().attempts();
        if (retry) {
            // The same run id tries again after the backoff; the tick announces it when it is due. Past the commit point
            // the next attempt only finishes the publication, so it is not counted against the retries.
            Instant retryAt = clock.instant().plus(committed ? Duration.ZERO : pipeline.retries().delayBefore(attempt));
            if (!store.runs().retryLater(run.runId(), attempt, retryAt, reason)) {
                log.warn("attempt no longer holds the run: it stops and writes nothing more", merge(ctx, Map.of("reason", reason)));
                return Optional.empty();
            }
            log.warn(committed ? "run attempt failed after recording its outputs; the next attempt finishes their publication"
                    : "run attempt failed; it will be retried", merge(ctx, Map.of("state", "QUEUED", "reason", reason,
                    "kind", kindName(kind), "retryAt", retryAt.toString())));
            return Optional.of(RunState.QUEUED);
        }
        if (!store.runs().finish(run.runId(), attempt, RunState.FAILED, reason)) {
            log.warn("attempt no longer holds the run: it stops and writes nothing more", merge(ctx, Map.of("reason", reason)));
            return Optional.empty();
        }
        launcher.announceEnd(run, RunState.FAILED, reason);
        log.error("run failed", merge(ctx, Map.of("state", "FAILED", "reason", reason, "kind", kindName(kind))));
        return Optional.of(RunState.FAILED);
    }

    private static String kindName(FailureKind kind) {
        return switch (kind) {
            case FailureKind.Permanent p -> "permanent";
            case FailureKind.Transient t -> "transient";
            case FailureKind.LeaseLost l -> "lease lost";
        };
    }

    private Optional<RunState> finishRecorded(Run run, int attempt, List<String> outputs, Map<String, Object> ctx) {
        String reason = "published " + outputs.size() + " asset event(s)";
        if (!publication.complete(run, attempt, outputs, reason)) {
            log.warn("attempt no longer holds the run: it stops and writes nothing more", ctx);
            return Optional.empty();
        }
        log.info("run succeeded: the outputs an earlier attempt recorded are published", merge(ctx, Map.of("state", "SUCCEEDED", "outputs", outputs.size())));
        return Optional.of(RunState.SUCCEEDED);
    }

    private RunState attempt(Pipeline pipeline, Run run, int attempt, Path work, Map<String, Object> ctx,
                             List<RunLineage.Dataset> read, AttemptDeadline deadline) throws IOException {
        Map<String, List<AssetEvent>> inputs;
        try {
            inputs = resolveInputs(pipeline, run);
            read.addAll(lineageInputs(pipeline, inputs));
        } catch (MissingInput e) {
            // Nothing to compute yet (core_trips woken by a new stations snapshot on a day with no taps yet):
            // not a failure, and retrying would not help. The input's own event will start the next run.
            finish(run, attempt, RunState.SKIPPED, e.getMessage());
            lineage.complete(run, attempt, pipeline, clock.instant(), read, List.of());
            log.info("run skipped: an input has no data yet", merge(ctx, Map.of("state", "SKIPPED", "reason", e.getMessage())));
            return RunState.SKIPPED;
        }
        Map<String, String> versions = inputVersions(inputs);
        String codeVersion = project.codeVersion(pipeline.name());
        boolean snapshots = pipeline.steps().stream().anyMatch(s -> s instanceof Step.Snapshot);
        // A database has no version to compare: snapshots always run. A forced run (--force) runs as asked.
        if (!snapshots && !run.forced()) {
            Map<String, String> now = new TreeMap<>(versions);
            now.put(CODE_VERSION_KEY, codeVersion);
            if (store.runs().lastSucceededInputs(pipeline.name(), run.partition(), CODE_VERSION_KEY).filter(now::equals).isPresent()) {
                finish(run, attempt, RunState.SKIPPED, "inputs and code unchanged since the last successful run");
                lineage.complete(run, attempt, pipeline, clock.instant(), read, List.of());
                log.info("run skipped: nothing changed", merge(ctx, Map.of("state", "SKIPPED")));
                return RunState.SKIPPED;
            }
        }
        SnapshotPlanner.Planned snapshotPlan = new SnapshotPlanner(store, clock).plan(pipeline, run);
        if (!snapshotPlan.refusals().isEmpty()) {
            // What the partition would hold cannot be produced now; trying again would be refused again.
            String reason = "snapshot refused: " + String.join("; ", snapshotPlan.refusals());
            lineage.fail(run, attempt, pipeline, clock.instant(), read, reason);
            finish(run, attempt, RunState.FAILED, reason);
            log.warn("run refused: nothing read, nothing published", merge(ctx, Map.of("state", "FAILED", "reason", reason)));
            return RunState.FAILED;
        }
        Map<String, TableFacts> facts = new LinkedHashMap<>();
        try (DuckSession duck = DuckSession.open(DuckSettings.defaults(work.resolve("duckdb")))) {
            deadline.onExpiry(duck::interrupt);
            for (Map.Entry<String, List<AssetEvent>> in : inputs.entrySet()) {
                List<Path> files = download(in.getValue(), work.resolve("in").resolve(in.getKey()));
                deadline.check();
                duck.createInputView(in.getKey(), files, formatOf(in.getKey(), in.getValue()));
            }
            for (Step step : pipeline.steps()) {
                deadline.check();
                switch (step) {
                    case Step.Sql sql -> {
                        long rows = duck.runStep(sql.output(), project.sql(sql.sql()));
                        facts.put(sql.output(), new TableFacts(rows, Optional.empty(), Optional.empty()));
                    }
                    case Step.Snapshot snap -> {
                        Map<String, WatermarkRange> reads = snapshotPlan.reads();
                        for (Snapshotter.Table t : snapshotter.snapshot(pipeline, snap, run.partition(), reads, work.resolve("snapshot"),
                                deadline.timeLeft(), stop -> deadline.onExpiry(why -> stop.run()))) {
                            long rows = duck.loadTable(t.output(), t.parquetFiles());
                            // The range this partition now holds: the recorded one when read again, else up to the greatest watermark read.
                            Optional<WatermarkRange> range = Optional.ofNullable(reads.get(t.output()))
                                    .map(r -> r.upTo().isPresent() ? r : new WatermarkRange(r.after(), t.watermark()));
                            facts.put(t.output(), new TableFacts(rows, Optional.of(t.schemaHash()), range));
                        }
                    }
                }
                deadline.check();
                faults.reached("after-step");
            }
            List<CheckResult> results = CheckRunner.run(duck, pipeline.checks(), c -> project.sql(c.sql()));
            deadline.check();
            List<CheckResult> blocking = results.stream().filter(CheckResult::blocksPublication).toList();
            List<CheckResult> failedChecks = new ArrayList<>();
            for (CheckResult r : results) {
                Map<String, Object> check = merge(ctx, Map.of("asset", r.asset(), "check", r.name(), "result", r.summary()));
                if (r.passed()) {
                    log.info("check passed", check);
                } else {
                    log.warn(r.blocking() ? "blocking check failed" : "check failed (not blocking)", check);
                    failedChecks.add(r);
                }
            }
            if (!blocking.isEmpty()) {
                // Permanent: the same data fails the same way. Not a retry, and nothing recorded.
                String reason = "blocking check(s) failed: " + blocking.stream().map(r -> r.asset() + " " + r.name() + ": " + r.detail())
                        .collect(Collectors.joining("; "));
                if (!store.runs().finish(run.runId(), attempt, RunState.FAILED, reason)) {
                    throw new LeaseLost("run " + run.runId() + ": attempt " + attempt + " could not end it FAILED");
                }
                failedChecks.forEach(r -> announcer.announce("Asset Check Failed", checkFailedJson(run, r)));
                launcher.announceEnd(run, RunState.FAILED, reason);
                lineage.fail(run, attempt, pipeline, clock.instant(), read, reason);
                log.warn("run failed its checks: nothing published", merge(ctx, Map.of("state", "FAILED", "reason", reason, "kind", "permanent")));
                return RunState.FAILED;
            }
            // Outputs under keys no one has read: a killed attempt leaves orphans, never partial assets.
            List<AssetEvent> events = new ArrayList<>();
            for (Output out : pipeline.outputs()) {
                Path file = duck.writeParquet(out.asset(), work.resolve(out.asset() + ".parquet"));
                String key = out.location().resolve(Map.of("LakeBucket", lakeBucket)).keyPrefixFor(run.partition())
                        + "run=" + run.runId() + "/attempt=" + attempt + "/part-0.parquet";
                deadline.check();
                objects.put(lakeBucket, key, file);
                faults.reached("after-upload");
                TableFacts f = facts.get(out.asset());
                Map<String, String> metadata = new TreeMap<>();
                metadata.put("rows", Long.toString(f.rows()));
                metadata.put("bytes", Long.toString(Files.size(file)));
                f.schemaHash().ifPresent(h -> metadata.put("schemaHash", h));
                f.watermarks().ifPresent(r -> metadata.putAll(r.metadata()));
                results.stream().filter(r -> r.asset().equals(out.asset()))
                        .forEach(r -> metadata.put("check." + r.name(), r.summary()));
                events.add(new AssetEvent(Ids.runOutput(run.runId(), out.asset()), out.asset(), run.partition(),
                        clock.instant(), new Producer(Producer.Kind.RUN, run.runId()), sha256(file), Optional.of(codeVersion),
                        List.of("s3://" + lakeBucket + "/" + key), metadata));
            }
            deadline.check();
            // The commit point: every output event recorded at once, fenced on this attempt and its lease.
            if (!store.runs().recordOutputs(run.runId(), attempt, events, versions, codeVersion)) {
                throw new LeaseLost("run " + run.runId() + ": attempt " + attempt + " no longer holds it; its outputs were not recorded");
            }
            faults.reached("after-record");
            failedChecks.forEach(r -> announcer.announce("Asset Check Failed", checkFailedJson(run, r)));
            lineage.complete(run, attempt, pipeline, clock.instant(), read, events.stream().map(RunnerService::dataset).toList());
            String reason = "published " + events.size() + " asset event(s)";
            if (!publication.complete(run, attempt, events.stream().map(AssetEvent::eventId).toList(), reason)) {
                throw new LeaseLost("run " + run.runId() + ": attempt " + attempt + " recorded its outputs, and the sweep or another attempt finished it");
            }
            for (AssetEvent e : events) {
                log.info("asset published", merge(ctx, Map.of("asset", e.asset(), "eventId", e.eventId(),
                        "rows", e.metadata().getOrDefault("rows", ""), "object", e.objects().get(0))));
            }
            log.info("run succeeded", merge(ctx, Map.of("state", "SUCCEEDED", "outputs", events.size())));
            return RunState.SUCCEEDED;
        }
    }

    /** Ends the run under this attempt; a stale attempt stops here with {@link LeaseLost}. */
    private void finish(Run run, int attempt, RunState state, String reason) {
        if (!store.runs().finish(run.runId(), attempt, state, reason)) {
            throw new LeaseLost("run " + run.runId() + ": attempt " + attempt + " could not end it " + state + ": it no longer holds it");
        }
        launcher.announceEnd(run, state, reason);
    }

    /** A fenced write found that this attempt no longer holds the run. */
    static final class LeaseLost extends RuntimeException {
        LeaseLost(String message) {
            super(message);
        }
    }

    /**
     * The events each input is read from: those the run consumed, else the newest for the
     * partition the mapping names (identity: the same; latest: any; window: each hour of the day).
     */
    Map<String, List<AssetEvent>> resolveInputs(Pipeline pipeline, Run run) {
        Map<String, List<AssetEvent>> consumed = new LinkedHashMap<>();
        for (String id : run.consumed()) {
            store.events().event(id)
                    .ifPresent(e -> consumed.computeIfAbsent(e.asset(), a -> new ArrayList<>()).add(e));
        }
        Map<String, List<AssetEvent>> out = new TreeMap<>();
        for (Input in : pipeline.inputs()) {
            if (project.source(in.asset()).filter(s -> s instanceof Source.Postgres).isPresent()) {
                continue; // read by the snapshot step itself
            }
            List<AssetEvent> events = consumed.getOrDefault(in.asset(), List.of());
            Optional<Source.S3> s3Source = project.source(in.asset()).filter(s -> s instanceof Source.S3).map(s -> (Source.S3) s);
            if (s3Source.isPresent()) {
                // An S3 source partition is every live object in it (a tap export every 15 minutes),
                // not just the ones this run consumed: read all of them, as of the newest consumed.
                out.put(in.asset(), s3Content(pipeline, in, run, s3Source.get(), events));
                continue;
            }
            if (events.isEmpty()) {
                PartitionMapping m = in.mapping().orElse(PartitionMapping.IDENTITY);
                events = switch (m) {
                    case LATEST -> store.events().newest(in.asset()).stream().toList();
                    case IDENTITY -> store.events().latest(in.asset(), run.partition()).stream().toList();
                    case WINDOW -> Readiness.hoursOf(pipeline, run.partition()).stream().flatMap(h -> store.events().latest(in.asset(), h).stream()).toList();
                };
            }
            if (events.isEmpty()) {
                throw new MissingInput("input '" + in.asset() + "' has no data for partition '" + run.partition() + "' yet");
            }
            out.put(in.asset(), events);
        }
        return out;
    }

    /** The datasets a run read, as OpenLineage names them: S3 prefixes of its input events, PostgreSQL tables it snapshotted. */
    private static List<RunLineage.Dataset> lineageInputs(Pipeline pipeline, Map<String, List<AssetEvent>> inputs) {
        List<RunLineage.Dataset> out = new ArrayList<>();
        for (List<AssetEvent> events : inputs.values()) {
            events.stream().map(RunnerService::dataset).distinct().forEach(out::add);
        }
        for (Step step : pipeline.steps()) {
            if (step instanceof Step.Snapshot snap) {
                snap.tables().forEach(t -> out.add(RunLineage.Dataset.of("postgres://" + snap.source(), t.qualifiedName())));
            }
        }
        return out;
    }

    /** An event's objects as one dataset: the bucket, and the key prefix up to the partition (run-scoped parts left out). */
    static RunLineage.Dataset dataset(AssetEvent e) {
        String uri = e.objects().isEmpty() ? "s3://unknown/" + e.asset() : e.objects().get(0);
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        int run = key.indexOf("/run=");
        String name = run >= 0 ? key.substring(0, run) : key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : key;
        boolean derived = e.producer().kind() == Producer.Kind.RUN;
        return new RunLineage.Dataset("s3://" + bucket, name, derived ? Optional.of(e.dataVersion()) : Optional.empty(),
                Optional.ofNullable(e.metadata().get("rows")).map(Long::parseLong), Optional.ofNullable(e.metadata().get("bytes")).map(Long::parseLong));
    }

    /** An input the run needs has no data for its partition yet. */
    static final class MissingInput extends RuntimeException {
        MissingInput(String message) {
            super(message);
        }
    }

    /**
     * The upload events whose objects an S3 source input reads: the live objects of each partition
     * the mapping names (identity: the run's; latest: the newest event's; window: each hour).
     */
    private List<AssetEvent> s3Content(Pipeline pipeline, Input in, Run run, Source.S3 source, List<AssetEvent> consumed) {
        List<String> partitions = switch (in.mapping().orElse(PartitionMapping.IDENTITY)) {
            case IDENTITY -> List.of(run.partition());
            case LATEST -> consumed.stream().max(java.util.Comparator.comparing(AssetEvent::time)).map(AssetEvent::partition)
                    .or(() -> store.events().newest(in.asset()).map(AssetEvent::partition)).stream().toList();
            case WINDOW -> List.copyOf(Readiness.hoursOf(pipeline, run.partition()));
        };
        List<AssetEvent> out = new ArrayList<>();
        for (String partition : partitions) {
            out.addAll(partitionFiles(source, partition, consumed.stream().filter(e -> e.partition().equals(partition)).toList()));
        }
        if (out.isEmpty()) {
            throw new MissingInput("input '" + in.asset() + "' has no data for partition '" + run.partition() + "' yet"
                    + source.files().completeWhen().map(m -> " (no '" + m + "' marker has completed it)").orElse("")
                    + ": no live object (each deleted, emptied or not data)");
        }
        return out;
    }

    /**
     * The upload events of an S3 source partition whose objects make up its content: the live
     * objects at their recorded versions (see {@link PartitionContent}), as of the newest event
     * consumed (everything recorded when none was). With {@code complete_when}, as of the newest
     * completion marker consumed (else recorded): the data written before it.
     */
    private List<AssetEvent> partitionFiles(Source.S3 source, String partition, List<AssetEvent> consumed) {
        List<AssetEvent> history = new ArrayList<>(store.events().history(source.name(), partition));
        consumed.stream().filter(c -> history.stream().noneMatch(h -> h.eventId().equals(c.eventId()))).forEach(history::add);
        java.time.Instant upTo;
        if (source.files().completeWhen().isPresent()) {
            Optional<AssetEvent> marker = PartitionContent.newestCompletion(consumed).or(() -> PartitionContent.newestCompletion(history));
            if (marker.isEmpty()) {
                return List.of();
            }
            upTo = marker.get().time();
        } else {
            upTo = consumed.stream().map(AssetEvent::time).max(java.time.Instant::compareTo).orElse(java.time.Instant.MAX);
        }
        return PartitionContent.live(history, upTo);
    }

    private static Map<String, String> inputVersions(Map<String, List<AssetEvent>> inputs) {
        Map<String, String> out = new TreeMap<>();
        inputs.forEach((asset, events) -> out.put(asset, events.stream().map(AssetEvent::dataVersion).sorted().collect(Collectors.joining(","))));
        return out;
    }

    private InputFormat formatOf(String asset, List<AssetEvent> events) {
        Optional<String> declared = project.source(asset).filter(s -> s instanceof Source.S3).flatMap(s -> ((Source.S3) s).format());
        return declared.map(InputFormat::of).orElseGet(() -> InputFormat.fromKey(events.get(0).objects().get(0)));
    }

    private List<Path> download(List<AssetEvent> events, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        int n = 0;
        for (AssetEvent e : events) {
            for (String uri : e.objects()) {
                String rest = uri.substring("s3://".length());
                String bucket = rest.substring(0, rest.indexOf('/'));
                String key = rest.substring(rest.indexOf('/') + 1);
                String name = key.substring(key.lastIndexOf('/') + 1);
                Path target = dir.resolve((n++) + "-" + name);
                // The version the event recorded (S3 sources on the versioned lake bucket): a later
                // overwrite or deletion of the key does not change what this run reads.
                objects.get(bucket, key, e.objects().size() == 1 ? S3Change.versionOf(e) : Optional.empty(), target);
                files.add(target);
            }
        }
        return files;
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String checkFailedJson(Run run, CheckResult r) {
        var n = EventJson.MAPPER.createObjectNode();
        n.put("runId", run.runId());
        n.put("pipeline", run.pipeline());
        n.put("partition", run.partition());
        n.put("asset", r.asset());
        n.put("check", r.name());
        n.put("kind", r.kind());
        n.put("blocking", r.blocking());
        n.put("detail", r.detail());
        return EventJson.write(n);
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new LinkedHashMap<>(a);
        m.putAll(b);
        return m;
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // scratch space: /tmp of a Lambda is wiped with the sandbox anyway
        }
    }

    private record TableFacts(long rows, Optional<String> schemaHash, Optional<WatermarkRange> watermarks) {
    }
}
