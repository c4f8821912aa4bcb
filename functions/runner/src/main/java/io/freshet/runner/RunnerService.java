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
import io.freshet.aws.runs.RunLauncher;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.store.DynamoStore;
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
 *   <li>only then the asset events are recorded (ids derived from run and asset: a retry records
 *       the same events, once) and announced, and the run succeeds.</li>
 * </ol>
 * A failing blocking check or step fails the run with its reason; nothing is recorded.
 */
public final class RunnerService {

    /** Beyond the pipeline's timeout, how long before a silent attempt is presumed dead. */
    static final Duration LEASE_MARGIN = Duration.ofMinutes(1);
    static final String CODE_VERSION_KEY = "@code";

    private final Project project;
    private final DynamoStore store;
    private final ObjectStore objects;
    private final Announcer announcer;
    private final String lakeBucket;
    private final Snapshotter snapshotter;
    private final Clock clock;
    private final JsonLog log;
    private final Path scratch;
    private final FaultPoints faults;
    private final RunLauncher launcher;
    private final RunLineage lineage;

    public RunnerService(Project project, DynamoStore store, ObjectStore objects, Announcer announcer, String lakeBucket,
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
        this.lineage = lineage;
    }

    /** The same runner, emitting OpenLineage events of each attempt to {@code lineage}. */
    public RunnerService withLineage(RunLineage lineage) {
        return new RunnerService(this, lineage);
    }

    /** Handles one {@code Run Requested}; returns the state the run ended in, or empty when another attempt holds it. */
    public Optional<RunState> execute(String runId) {
        Run run = store.run(runId).orElseThrow(() -> new MalformedEventException("no run " + runId + " in the store"));
        Pipeline pipeline = project.pipeline(run.pipeline())
                .orElseThrow(() -> new MalformedEventException("run " + runId + " is of pipeline '" + run.pipeline() + "', which this deployment does not have"));
        Optional<Integer> attempt = store.startAttempt(runId, clock.instant().plus(pipeline.timeout()).plus(LEASE_MARGIN));
        if (attempt.isEmpty()) {
            log.info("run already running or finished: nothing to do", Map.of("runId", runId, "pipeline", run.pipeline()));
            return Optional.empty();
        }
        Map<String, Object> ctx = Map.of("runId", runId, "pipeline", pipeline.name(), "partition", run.partition(), "attempt", attempt.get());
        log.info("run started", merge(ctx, Map.of("state", "RUNNING")));
        Path work = scratch.resolve(runId).resolve("attempt-" + attempt.get());
        lineage.start(run, attempt.get(), pipeline, clock.instant());
        List<RunLineage.Dataset> read = new ArrayList<>();
        try {
            Files.createDirectories(work);
            return Optional.of(attempt(pipeline, run, attempt.get(), work, ctx, read));
        } catch (RuntimeException | IOException e) {
            String reason = e.getClass().getSimpleName().replace("Exception", "") + ": " + e.getMessage();
            if (e instanceof FaultPoints.Killed) {
                throw (FaultPoints.Killed) e; // a simulated kill: the process is gone, nothing more happens
            }
            lineage.fail(run, attempt.get(), pipeline, clock.instant(), read, reason);
            if (attempt.get() <= pipeline.retries().attempts()) {
                // The same run id tries again after the backoff; the tick announces it when it is due.
                java.time.Instant retryAt = clock.instant().plus(pipeline.retries().delayBefore(attempt.get()));
                if (store.retryLater(runId, attempt.get(), retryAt, reason)) {
                    log.warn("run attempt failed; it will be retried", merge(ctx, Map.of("state", "QUEUED", "reason", reason, "retryAt", retryAt.toString())));
                    return Optional.of(RunState.QUEUED);
                }
            }
            finish(run, RunState.FAILED, reason);
            log.error("run failed", merge(ctx, Map.of("state", "FAILED", "reason", reason)));
            return Optional.of(RunState.FAILED);
        } finally {
            deleteQuietly(work);
        }
    }

    private RunState attempt(Pipeline pipeline, Run run, int attempt, Path work, Map<String, Object> ctx,
                             List<RunLineage.Dataset> read) throws IOException {
        Map<String, List<AssetEvent>> inputs;
        try {
            inputs = resolveInputs(pipeline, run);
            read.addAll(lineageInputs(pipeline, inputs));
        } catch (MissingInput e) {
            lineage.complete(run, attempt, pipeline, clock.instant(), read, List.of());
            // Nothing to compute yet (core_trips woken by a new stations snapshot on a day with no taps yet):
            // not a failure, and retrying would not help. The input's own event will start the next run.
            finish(run, RunState.SKIPPED, e.getMessage());
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
            if (store.lastSucceededInputs(pipeline.name(), run.partition(), CODE_VERSION_KEY).filter(now::equals).isPresent()) {
                lineage.complete(run, attempt, pipeline, clock.instant(), read, List.of());
                finish(run, RunState.SKIPPED, "inputs and code unchanged since the last successful run");
                log.info("run skipped: nothing changed", merge(ctx, Map.of("state", "SKIPPED")));
                return RunState.SKIPPED;
            }
        }
        SnapshotPlanner.Planned snapshotPlan = new SnapshotPlanner(store, clock).plan(pipeline, run);
        if (!snapshotPlan.refusals().isEmpty()) {
            // What the partition would hold cannot be produced now; trying again would be refused again.
            String reason = "snapshot refused: " + String.join("; ", snapshotPlan.refusals());
            lineage.fail(run, attempt, pipeline, clock.instant(), read, reason);
            finish(run, RunState.FAILED, reason);
            log.warn("run refused: nothing read, nothing published", merge(ctx, Map.of("state", "FAILED", "reason", reason)));
            return RunState.FAILED;
        }
        Map<String, TableFacts> facts = new LinkedHashMap<>();
        try (DuckSession duck = DuckSession.open(DuckSettings.defaults(work.resolve("duckdb")))) {
            for (Map.Entry<String, List<AssetEvent>> in : inputs.entrySet()) {
                List<Path> files = download(in.getValue(), work.resolve("in").resolve(in.getKey()));
                duck.createInputView(in.getKey(), files, formatOf(in.getKey(), in.getValue()));
            }
            for (Step step : pipeline.steps()) {
                switch (step) {
                    case Step.Sql sql -> {
                        long rows = duck.runStep(sql.output(), project.sql(sql.sql()));
                        facts.put(sql.output(), new TableFacts(rows, Optional.empty(), Optional.empty()));
                    }
                    case Step.Snapshot snap -> {
                        Map<String, WatermarkRange> reads = snapshotPlan.reads();
                        for (Snapshotter.Table t : snapshotter.snapshot(pipeline, snap, run.partition(), reads, work.resolve("snapshot"))) {
                            long rows = duck.loadTable(t.output(), t.parquetFiles());
                            // The range this partition now holds: the recorded one when read again, else up to the greatest watermark read.
                            Optional<WatermarkRange> range = Optional.ofNullable(reads.get(t.output()))
                                    .map(r -> r.upTo().isPresent() ? r : new WatermarkRange(r.after(), t.watermark()));
                            facts.put(t.output(), new TableFacts(rows, Optional.of(t.schemaHash()), range));
                        }
                    }
                }
                faults.reached("after-step");
            }
            List<CheckResult> results = CheckRunner.run(duck, pipeline.checks(), c -> project.sql(c.sql()));
            List<CheckResult> blocking = results.stream().filter(CheckResult::blocksPublication).toList();
            for (CheckResult r : results) {
                Map<String, Object> check = merge(ctx, Map.of("asset", r.asset(), "check", r.name(), "result", r.summary()));
                if (r.passed()) {
                    log.info("check passed", check);
                } else {
                    log.warn(r.blocking() ? "blocking check failed" : "check failed (not blocking)", check);
                    announcer.announce("Asset Check Failed", checkFailedJson(run, r));
                }
            }
            if (!blocking.isEmpty()) {
                String reason = "blocking check(s) failed: " + blocking.stream().map(r -> r.asset() + " " + r.name() + ": " + r.detail())
                        .collect(Collectors.joining("; "));
                lineage.fail(run, attempt, pipeline, clock.instant(), read, reason);
                finish(run, RunState.FAILED, reason);
                log.warn("run failed its checks: nothing published", merge(ctx, Map.of("state", "FAILED", "reason", reason)));
                return RunState.FAILED;
            }
            // Outputs under keys no one has read: a killed attempt leaves orphans (a lifecycle rule removes them), never partial assets.
            List<AssetEvent> events = new ArrayList<>();
            for (Output out : pipeline.outputs()) {
                Path file = duck.writeParquet(out.asset(), work.resolve(out.asset() + ".parquet"));
                String key = out.location().resolve(Map.of("LakeBucket", lakeBucket)).keyPrefixFor(run.partition())
                        + "run=" + run.runId() + "/attempt=" + attempt + "/part-0.parquet";
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
            publish(events);
            for (AssetEvent e : events) {
                log.info("asset published", merge(ctx, Map.of("asset", e.asset(), "eventId", e.eventId(),
                        "rows", e.metadata().getOrDefault("rows", ""), "object", e.objects().get(0))));
            }
            store.recordRunInputs(run.runId(), versions, codeVersion);
            lineage.complete(run, attempt, pipeline, clock.instant(), read, events.stream().map(RunnerService::dataset).toList());
            finish(run, RunState.SUCCEEDED, "published " + events.size() + " asset event(s)");
            log.info("run succeeded", merge(ctx, Map.of("state", "SUCCEEDED", "outputs", events.size())));
            return RunState.SUCCEEDED;
        }
    }

    /** Records every event first, then announces them: a crash in between leaves recorded events that the retry announces. */
    private void publish(List<AssetEvent> events) {
        List<String> toAnnounce = new ArrayList<>();
        for (AssetEvent e : events) {
            String json = EventJson.assetUpdated(e);
            DynamoStore.Recorded r = store.recordEvent(e, json);
            if (r.isNew() || !r.announced()) {
                toAnnounce.add(e.eventId());
            }
            faults.reached("after-record");
        }
        for (AssetEvent e : events) {
            if (toAnnounce.contains(e.eventId())) {
                announcer.announce(EventJson.ASSET_UPDATED, store.eventJson(e.eventId()).orElseThrow());
                store.markEventAnnounced(e.eventId());
            }
        }
    }

    private void finish(Run run, RunState state, String reason) {
        store.finishRun(run.runId(), state, reason);
        launcher.announceEnd(run, state, reason);
    }

    /**
     * The events each input is read from: those the run consumed, else the newest for the
     * partition the mapping names (identity: the same; latest: any; window: each hour of the day).
     */
    Map<String, List<AssetEvent>> resolveInputs(Pipeline pipeline, Run run) {
        Map<String, List<AssetEvent>> consumed = new LinkedHashMap<>();
        for (String id : run.consumed()) {
            store.eventJson(id).map(j -> EventJson.assetEvent(EventJson.read(j)))
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
                List<String> jsons = switch (m) {
                    case LATEST -> store.newestEvent(in.asset()).stream().toList();
                    case IDENTITY -> store.latest(in.asset(), run.partition()).stream().toList();
                    case WINDOW -> Readiness.hoursOf(pipeline, run.partition()).stream().flatMap(h -> store.latest(in.asset(), h).stream()).toList();
                };
                events = jsons.stream().map(j -> EventJson.assetEvent(EventJson.read(j))).toList();
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
                    .or(() -> store.newestEvent(in.asset()).map(j -> EventJson.assetEvent(EventJson.read(j)).partition())).stream().toList();
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
        List<AssetEvent> history = new ArrayList<>(store.history(source.name(), partition).stream()
                .map(j -> EventJson.assetEvent(EventJson.read(j))).toList());
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
