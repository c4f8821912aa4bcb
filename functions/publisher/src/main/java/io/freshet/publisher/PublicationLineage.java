package io.freshet.publisher;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

import io.freshet.aws.JsonLog;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.lineage.LineageDatasets;
import io.freshet.lineage.RunLineage;
import io.freshet.state.StateStore;
import io.freshet.tables.LakeTables;

/**
 * The end of a published run's OpenLineage run: the runner emitted START when the attempt began;
 * only the publisher knows when the run is complete (its tables committed, its events recorded)
 * and which tables and snapshots it wrote. So COMPLETE comes from here, under the runner's run id
 * for the attempt ({@link RunLineage#runUuid}), its outputs the recorded events (one dataset per
 * table, named by the catalog, the snapshot as version, the table's columns at that snapshot as a
 * schema facet), its inputs what the run read (the events it consumed, the others
 * its staged input versions name, the tables its snapshot steps read).
 * FAIL when the publisher failed the run. An observer: nothing here fails a publication.
 */
final class PublicationLineage {

    private final Project project;
    private final StateStore store;
    private final LakeTables tables;
    private final RunLineage lineage;
    private final JsonLog log;
    private final Clock clock;

    PublicationLineage(Project project, StateStore store, LakeTables tables, RunLineage lineage, JsonLog log, Clock clock) {
        this.project = project;
        this.store = store;
        this.tables = tables;
        this.lineage = lineage;
        this.log = log;
        this.clock = clock;
    }

    /** COMPLETE of the run's attempt, with the recorded events {@code recorded} as its outputs and what it staged as read. */
    void complete(Run run, int attempt, List<String> recorded, Map<String, String> inputVersions) {
        observe(run, "COMPLETE", pipeline -> {
            List<RunLineage.Dataset> outputs = new ArrayList<>();
            for (String id : recorded) {
                store.events().event(id).ifPresent(e -> outputs.add(LineageDatasets.of(e).withSchema(columns(e))));
            }
            lineage.complete(run, attempt, pipeline, clock.instant(), inputs(run, pipeline, inputVersions), outputs);
        });
    }

    /** FAIL of the run's attempt: the publisher could not publish its outputs. */
    void fail(Run run, int attempt, Map<String, String> inputVersions, String reason) {
        observe(run, "FAIL", pipeline -> lineage.fail(run, attempt, pipeline, clock.instant(), inputs(run, pipeline, inputVersions), reason));
    }

    private void observe(Run run, String type, Consumer<Pipeline> emit) {
        Optional<Pipeline> pipeline = project.pipeline(run.pipeline());
        if (pipeline.isEmpty() || lineage.silent()) {
            return; // an unknown pipeline's run was refused; with no sink, nothing to read for it
        }
        try {
            emit.accept(pipeline.get());
        } catch (RuntimeException e) {
            // Reading the events or a table's schema failed: lineage is an observer, the run stands.
            log.warn("OpenLineage " + type + " not emitted (the run stands)", Map.of("runId", run.runId(), "error", String.valueOf(e)));
        }
    }

    /**
     * What the run read, as datasets: the events it consumed; for an input it consumed nothing of
     * (it read the newest, or the partitions its mapping names), those events of the partitions
     * the mapping names whose data versions the attempt staged as read (so a newer event recorded
     * since is not taken for what it read); and the PostgreSQL tables its snapshot steps read.
     */
    private List<RunLineage.Dataset> inputs(Run run, Pipeline pipeline, Map<String, String> inputVersions) {
        List<AssetEvent> read = new ArrayList<>();
        run.consumed().forEach(id -> store.events().event(id).ifPresent(read::add));
        for (Input in : pipeline.inputs()) {
            String versions = inputVersions.get(in.asset());
            if (versions == null || read.stream().anyMatch(e -> e.asset().equals(in.asset()))) {
                continue;
            }
            Set<String> dataVersions = Set.copyOf(Arrays.asList(versions.split(",")));
            List<AssetEvent> candidates = switch (in.mapping().reads(pipeline.partitioning(), run.partition())) {
                case PartitionMapping.Reads.Newest newest -> store.events().newest(in.asset()).stream().toList();
                case PartitionMapping.Reads.Partitions p -> p.keys().stream().flatMap(k -> store.events().latest(in.asset(), k).stream()).toList();
            };
            candidates.stream().filter(e -> dataVersions.contains(e.dataVersion())).forEach(read::add);
        }
        List<RunLineage.Dataset> in = new ArrayList<>();
        read.stream().map(LineageDatasets::of).distinct().forEach(in::add);
        in.addAll(LineageDatasets.snapshotTables(pipeline));
        return in;
    }

    /**
     * The table's columns at the event's snapshot (its schema then, not the current one): a
     * schema facet with no bytes added to the recorded event. None when the event names no table.
     */
    private List<RunLineage.Column> columns(AssetEvent e) {
        String snapshot = e.metadata().get(TableMetadata.SNAPSHOT);
        if (e.metadata().get(TableMetadata.TABLE) == null || snapshot == null) {
            return List.of();
        }
        Optional<Table> table = tables.table(e.asset());
        Snapshot at = table.map(t -> t.snapshot(Long.parseLong(snapshot))).orElse(null);
        Schema schema = at == null || at.schemaId() == null ? table.map(Table::schema).orElse(null) : table.get().schemas().get(at.schemaId());
        if (schema == null) {
            return List.of();
        }
        return schema.columns().stream().map(c -> new RunLineage.Column(c.name(), c.type().toString())).toList();
    }
}
