package io.freshet.publisher;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.freshet.aws.JsonLog;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.model.DynamicKey;
import io.freshet.core.model.Output;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.TableLayout;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.lineage.RunLineage;
import io.freshet.publisher.warehouse.IncompatibleTableException;
import io.freshet.publisher.warehouse.UnreadableOutputException;
import io.freshet.publisher.warehouse.WarehouseLoad;
import io.freshet.publisher.warehouse.WarehouseLoadException;
import io.freshet.state.StagedOutputs;
import io.freshet.state.StateStore;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.state.protocol.RunAnnouncer;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;
import io.freshet.tables.IncompatibleSchemaException;
import io.freshet.tables.LakeHousekeeping;
import io.freshet.tables.LakeTables;
import io.freshet.tables.NotParquetException;
import io.freshet.tables.PartitionMismatchException;
import io.freshet.tables.PartitionOutput;

/**
 * Publishes a run whose attempt staged its outputs (PUBLISHING): every output is checked against
 * its table first, so a run that cannot publish all of them fails before any commit; then each is
 * committed to its Iceberg table (idempotent per run attempt: a retry finds its commit), then all
 * the run's asset events are recorded at once with their table, snapshot and metadata file (the
 * run's commit point), and only then announced and the run ended ({@link RunPublication}). So no
 * consumer is told of a run's outputs before every one of its tables holds them; the run's
 * OpenLineage COMPLETE (or FAIL) is emitted here too ({@link PublicationLineage}). On its schedule it
 * also housekeeps every table ({@link #housekeep()}).
 */
public final class PublisherService {

    private final Project project;
    private final StateStore store;
    private final LakeTables tables;
    private final StackParameters stack;
    private final JsonLog log;
    private final FaultPoints faults;
    private final RunLauncher launcher;
    private final RunPublication publication;
    private final ProjectHousekeeping housekeeping;
    private final PublicationLineage lineage;
    private final WarehouseLoads warehouse;

    /** A publisher that emits no OpenLineage events. */
    public PublisherService(Project project, StateStore store, LakeTables tables, String lakeBucket, RunAnnouncer announcer,
                            JsonLog log, Clock clock, FaultPoints faults, Duration tableRetention) {
        this(project, store, tables, lakeBucket, announcer, log, clock, faults, tableRetention, RunLineage.NONE);
    }

    /**
     * @param tableRetention how long housekeeping keeps snapshots and unreferenced files
     *                       ({@link PublisherSettings#TABLE_RETENTION_HOURS})
     * @param lineage        where a published run's OpenLineage COMPLETE goes, and FAIL of a run it cannot publish
     */
    public PublisherService(Project project, StateStore store, LakeTables tables, String lakeBucket, RunAnnouncer announcer,
                            JsonLog log, Clock clock, FaultPoints faults, Duration tableRetention, RunLineage lineage) {
        this(project, store, tables, lakeBucket, announcer, log, clock, faults, tableRetention, lineage,
                new PgCredentials(Map.of(), arn -> {
                    throw new IllegalStateException("this publisher was given no PostgreSQL credentials");
                }));
    }

    /** As below, for a project whose locations name no parameter but the lake bucket. */
    public PublisherService(Project project, StateStore store, LakeTables tables, String lakeBucket, RunAnnouncer announcer,
                            JsonLog log, Clock clock, FaultPoints faults, Duration tableRetention, RunLineage lineage,
                            PgCredentials warehouse) {
        this(project, store, tables, StackParameters.lakeBucket(lakeBucket), announcer, log, clock, faults, tableRetention, lineage, warehouse);
    }

    /**
     * @param stack     the stack's parameters, which the outputs' locations name ({@code ${LakeBucket}}, {@code ${Env}}...)
     * @param warehouse resolves the connections of outputs loaded into PostgreSQL ({@code postgres:})
     */
    public PublisherService(Project project, StateStore store, LakeTables tables, StackParameters stack, RunAnnouncer announcer,
                            JsonLog log, Clock clock, FaultPoints faults, Duration tableRetention, RunLineage lineage,
                            PgCredentials warehouse) {
        this.warehouse = new WarehouseLoads(tables.io(), warehouse, faults, log);
        this.project = project;
        this.store = store;
        this.tables = tables;
        this.stack = stack;
        this.log = log;
        this.faults = faults;
        this.launcher = new RunLauncher(store, announcer, log, clock);
        this.publication = new RunPublication(store, announcer, launcher);
        this.housekeeping = new ProjectHousekeeping(project, store, new LakeHousekeeping(tables, tableRetention, clock), log);
        this.lineage = new PublicationLineage(project, store, tables, lineage, log, clock);
    }

    /** The lake's tables this publisher commits to. */
    public LakeTables tables() {
        return tables;
    }

    /**
     * Housekeeps the table of every derived asset of the project, keeping the snapshots active
     * runs consumed; one table's failure is in the round's {@link HousekeepingRound#failures()},
     * and the others still ran.
     */
    public HousekeepingRound housekeep() {
        return housekeeping.run();
    }

    /**
     * Publishes what the run's attempt staged, as far as it is not done yet, and returns the run's
     * state afterwards. A run that is not PUBLISHING (published already, ended) is left alone.
     */
    public RunState publish(String runId) {
        Run run = store.runs().run(runId).orElseThrow(() -> new NotPublishableException("no run " + runId + " to publish"));
        Map<String, Object> ctx = Map.of("runId", runId, "pipeline", run.pipeline(), "partition", run.partition());
        if (run.state() != RunState.PUBLISHING) {
            log.info("nothing to publish: the run is " + run.state(), ctx);
            return run.state();
        }
        StagedOutputs staged = store.runs().staged(runId)
                .orElseThrow(() -> new IllegalStateException("run " + runId + " is PUBLISHING and has nothing staged"));
        Optional<List<String>> recorded = store.runs().recordedOutputs(runId);
        if (recorded.isEmpty()) {
            Optional<List<AssetEvent>> committed = commit(run, staged, ctx);
            if (committed.isEmpty()) {
                return RunState.FAILED;
            }
            if (!store.runs().recordOutputs(runId, staged.attempt(), committed.get(), staged.inputVersions(), staged.codeVersion())) {
                log.warn("the run ended while its outputs were committed; nothing recorded", ctx);
                return store.runs().run(runId).map(Run::state).orElse(RunState.FAILED);
            }
            faults.reached("after-record");
            recorded = Optional.of(committed.get().stream().map(AssetEvent::eventId).toList());
        }
        String reason = "published " + recorded.get().size() + " asset event(s)";
        if (!publication.complete(run, staged.attempt(), recorded.get(), reason)) {
            log.warn("the run was ended by another publisher or the sweep", ctx);
            return store.runs().run(runId).map(Run::state).orElse(RunState.SUCCEEDED);
        }
        // Only now is the OpenLineage run complete: every table holds its output, every event is recorded.
        lineage.complete(run, staged.attempt(), recorded.get(), staged.inputVersions());
        log.info("run succeeded", merge(ctx, Map.of("state", "SUCCEEDED", "outputs", recorded.get().size())));
        return RunState.SUCCEEDED;
    }

    /**
     * Every staged output checked, then committed, in order; the events to record, each naming its
     * table's snapshot. Empty when an output cannot be committed: the run failed, and (checked
     * before the first commit) none was.
     */
    private Optional<List<AssetEvent>> commit(Run run, StagedOutputs staged, Map<String, Object> ctx) {
        Pipeline pipeline = project.pipeline(run.pipeline()).orElseThrow(() -> new NotPublishableException(
                "run " + run.runId() + " is of pipeline " + run.pipeline() + ", which this deployment does not have"));
        // One commit per output asset: a dynamically keyed output staged one event per key, all of one partition.
        List<List<AssetEvent>> byAsset = StagedTables.byAsset(staged.events());
        List<PartitionOutput> outputs = byAsset.stream().map(es -> partitionOutput(pipeline, es, run, staged.attempt())).toList();
        List<WarehouseLoad> loads = WarehouseLoads.of(pipeline, staged.events(), run.runId(), staged.attempt(), stack);
        List<AssetEvent> events = new ArrayList<>();
        try {
            outputs.forEach(tables::check);
            // PostgreSQL before Iceberg: a load PostgreSQL refuses (a duplicate merge key) fails the run with no table committed.
            warehouse.check(loads);
            warehouse.load(loads, ctx);
            for (int i = 0; i < outputs.size(); i++) {
                LakeTables.Commit c = tables.publish(outputs.get(i));
                faults.reached("after-commit");
                log.info("table committed", merge(ctx, Map.of("asset", outputs.get(i).asset(), "table", c.table(), "snapshot", c.snapshotId())));
                byAsset.get(i).forEach(e -> events.add(withTable(e, c)));
            }
        } catch (IncompatibleSchemaException | PartitionMismatchException | NotParquetException
                 | IncompatibleTableException | UnreadableOutputException | WarehouseLoadException e) {
            String reason = "its outputs cannot be published: " + e.getMessage();
            if (store.runs().finish(run.runId(), staged.attempt(), RunState.FAILED, reason)) {
                launcher.announceEnd(run, RunState.FAILED, reason);
                lineage.fail(run, staged.attempt(), staged.inputVersions(), reason);
            }
            log.error("run failed: " + reason, merge(ctx, Map.of("state", "FAILED")));
            return Optional.empty();
        }
        return Optional.of(events);
    }

    private PartitionOutput partitionOutput(Pipeline pipeline, List<AssetEvent> stagedOfAsset, Run run, int attempt) {
        AssetEvent staged = stagedOfAsset.get(0);
        Output out = pipeline.outputs().stream().filter(o -> o.asset().equals(staged.asset())).findFirst()
                .orElseThrow(() -> new NotPublishableException("run " + run.runId() + " staged " + staged.asset()
                        + ", which is not an output of pipeline " + pipeline.name() + " in this deployment"));
        TableLayout layout = TableLayout.of(out, stack);
        return new PartitionOutput(staged.asset(), layout.partitionColumn().map(TableLayout.PartitionColumn::name),
                layout.partitionColumn().map(c -> c.value(staged.partition())).orElse(""), StagedTables.objects(stagedOfAsset),
                run.runId(), attempt, Optional.of(layout.tableLocation()), out.dynamicKey().map(DynamicKey::column),
                StagedTables.fileKeys(out, stagedOfAsset));
    }

    /** The staged event as recorded: its metadata names the table, the snapshot and that snapshot's metadata file. */
    static AssetEvent withTable(AssetEvent staged, LakeTables.Commit commit) {
        Map<String, String> metadata = new TreeMap<>(staged.metadata());
        metadata.put(TableMetadata.TABLE, commit.table());
        metadata.put(TableMetadata.SNAPSHOT, Long.toString(commit.snapshotId()));
        metadata.put(TableMetadata.METADATA_LOCATION, commit.metadataLocation());
        return new AssetEvent(staged.eventId(), staged.asset(), staged.partition(), staged.time(), staged.producer(),
                staged.dataVersion(), staged.codeVersion(), staged.objects(), metadata);
    }

    private static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> m = new TreeMap<>(a);
        m.putAll(b);
        return m;
    }
}
