package io.freshet.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.aws.JsonLog;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.state.StateStore;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.model.Output;
import io.freshet.core.model.TableLayout;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.engine.checks.CheckResult;
import io.freshet.engine.sql.DuckSession;
import io.freshet.state.protocol.FaultPoints;

/**
 * The publication phase, in an order that never lets an event point at partial data: outputs
 * uploaded under run- and attempt-scoped keys no one has read; then every output staged at once,
 * fenced on the attempt and its lease ({@link io.freshet.state.Runs#stageOutputs}: from then on
 * no other attempt can start, so a stale attempt never publishes); then handed to the publisher
 * ({@code Run Outputs Staged}), which commits them to their tables, records and announces them.
 */
final class PublicationPhase {

    private final StateStore store;
    private final ObjectStore objects;
    private final String lakeBucket;
    private final StackParameters stack;
    private final Clock clock;
    private final JsonLog log;
    private final FaultPoints faults;
    private final RunLauncher launcher;
    private final ChecksPhase checks;
    private final KeyedUpload keyed;

    PublicationPhase(RunnerParts parts, ChecksPhase checks) {
        this.store = parts.store();
        this.objects = parts.objects();
        this.lakeBucket = parts.lakeBucket();
        this.stack = parts.parameters();
        this.clock = parts.clock();
        this.log = parts.log();
        this.faults = parts.faults();
        this.launcher = parts.launcher();
        this.checks = checks;
        this.keyed = new KeyedUpload(parts);
    }

    /** What the outputs are made of: the steps' tables, the checks' results, and what the run read. */
    record Made(Map<String, TableFacts> facts, ChecksPhase.Outcome checks, Map<String, String> inputVersions, String codeVersion) {
    }

    RunState publish(Attempt a, DuckSession duck, Path work, AttemptDeadline deadline, Made made) throws IOException {
        List<AssetEvent> events = upload(a, duck, work, deadline, made);
        KeyedUpload.requireRecordable(a.run(), events);
        deadline.check();
        Run run = a.run();
        int attempt = a.number();
        // The hand-over: every output staged at once, fenced on this attempt and its lease.
        if (!store.runs().stageOutputs(run.runId(), attempt, events, made.inputVersions(), made.codeVersion())) {
            throw new LeaseLostException("run " + run.runId() + ": attempt " + attempt + " no longer holds it; its outputs were not staged");
        }
        faults.reached("after-stage");
        checks.announceFailed(run, made.checks());
        // No OpenLineage COMPLETE here: the run is not complete until the publisher committed its tables; it emits it.
        launcher.announceStaged(run, attempt);
        for (AssetEvent e : events) {
            log.info("output staged", a.log(Map.of("asset", e.asset(), "eventId", e.eventId(),
                    "rows", e.metadata().getOrDefault("rows", ""), "object", e.objects().get(0))));
        }
        log.info("run staged for publication", a.log(Map.of("state", "PUBLISHING", "outputs", events.size())));
        // PUBLISHING until the publisher is done; a publisher that was quicker (the embedded stack's, in process) has ended it.
        return store.runs().run(run.runId()).map(Run::state).orElse(RunState.PUBLISHING);
    }

    /** Outputs under keys no one has read: a killed attempt leaves orphans, never partial assets. */
    private List<AssetEvent> upload(Attempt a, DuckSession duck, Path work, AttemptDeadline deadline, Made made) throws IOException {
        Run run = a.run();
        List<AssetEvent> events = new ArrayList<>();
        for (Output out : a.pipeline().outputs()) {
            if (out.dynamicKey().isPresent()) {
                events.addAll(keyed.upload(a, duck, work, deadline, made, out, out.dynamicKey().get()));
                continue;
            }
            TableLayout layout = layout(out, stack);
            Path target = work.resolve(out.asset() + ".parquet");
            Path file = layout.partitionColumn().map(c -> duck.writeParquet(out.asset(), target, c.name(), c.sqlLiteral(run.partition())))
                    .orElseGet(() -> duck.writeParquet(out.asset(), target));
            String key = layout.dataKey(run.partition(), run.runId(), a.number());
            deadline.check();
            objects.put(lakeBucket, key, file);
            faults.reached("after-upload");
            Map<String, String> metadata = metadata(made.facts().get(out.asset()), Files.size(file), made.checks().results(), out.asset());
            events.add(new AssetEvent(Ids.runOutput(run.runId(), out.asset()), out.asset(), run.partition(),
                    clock.instant(), new Producer(Producer.Kind.RUN, run.runId()), sha256(file), Optional.of(made.codeVersion()),
                    List.of("s3://" + lakeBucket + "/" + key), metadata));
        }
        return events;
    }

    /** The output's table layout: its data file of a run attempt lies under the output's prefix for the partition. */
    static TableLayout layout(Output out, StackParameters stack) {
        return TableLayout.of(out, stack);
    }

    /** An output event's metadata: rows, bytes, schema hash, watermark range, and each check's result on the asset. */
    static Map<String, String> metadata(TableFacts facts, long bytes, List<CheckResult> results, String asset) {
        Map<String, String> metadata = new TreeMap<>(facts.metadata());
        metadata.put("bytes", Long.toString(bytes));
        results.stream().filter(r -> r.asset().equals(asset)).forEach(r -> metadata.put("check." + r.name(), r.summary()));
        return metadata;
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
