package io.freshet.lineage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Step;

/**
 * A run's datasets: what an asset event or a snapshot step is as a dataset, and, as the
 * OpenLineage event lists them, lake tables named by their catalog, then one dataset per name. A
 * run that read seven days of a table read one dataset, not seven.
 */
public final class LineageDatasets {

    private LineageDatasets() {
    }

    /**
     * An event as the dataset a run read or wrote: the lake table it published a partition of (its
     * {@link TableMetadata} keys; the version is the snapshot), else its objects as S3 data, the
     * bucket and the key prefix up to the partition (run-scoped parts left out): a source's uploads,
     * and the outputs of runs from before the lake's tables.
     */
    public static RunLineage.Dataset of(AssetEvent e) {
        Optional<Long> rows = Optional.ofNullable(e.metadata().get("rows")).map(Long::parseLong);
        Optional<Long> bytes = Optional.ofNullable(e.metadata().get("bytes")).map(Long::parseLong);
        String table = e.metadata().get(TableMetadata.TABLE);
        if (table != null) {
            return RunLineage.Dataset.table(RunLineage.Table.of(table, e.metadata().get(TableMetadata.METADATA_LOCATION), e.objects()),
                    Optional.ofNullable(e.metadata().get(TableMetadata.SNAPSHOT)), rows, bytes, e.objects().size());
        }
        String uri = e.objects().isEmpty() ? "s3://unknown/" + e.asset() : e.objects().get(0);
        String rest = uri.substring("s3://".length());
        String bucket = rest.substring(0, rest.indexOf('/'));
        String key = rest.substring(rest.indexOf('/') + 1);
        int run = key.indexOf("/run=");
        String name = run >= 0 ? key.substring(0, run) : key.contains("/") ? key.substring(0, key.lastIndexOf('/')) : key;
        boolean derived = e.producer().kind() == Producer.Kind.RUN;
        return RunLineage.Dataset.files("s3://" + bucket, name, derived ? Optional.of(e.dataVersion()) : Optional.empty(), rows, bytes,
                e.objects().size());
    }

    /** The PostgreSQL tables the pipeline's snapshot steps read: {@code postgres://connection} / {@code schema.table}. */
    public static List<RunLineage.Dataset> snapshotTables(Pipeline pipeline) {
        List<RunLineage.Dataset> out = new ArrayList<>();
        for (Step step : pipeline.steps()) {
            if (step instanceof Step.Snapshot snap) {
                snap.tables().forEach(t -> out.add(RunLineage.Dataset.of("postgres://" + snap.source(), t.qualifiedName())));
            }
        }
        return out;
    }

    /** Each lake table named by {@code naming}; other datasets as they are. */
    static List<RunLineage.Dataset> named(List<RunLineage.Dataset> datasets, TableNaming naming) {
        List<RunLineage.Dataset> out = new ArrayList<>();
        for (RunLineage.Dataset d : datasets) {
            if (d.table().isEmpty()) {
                out.add(d);
                continue;
            }
            TableNaming.Name n = naming.name(d.table().get());
            out.add(new RunLineage.Dataset(n.namespace(), n.name(), d.version(), d.rows(), d.bytes(), d.files(), d.table(), d.schema()));
        }
        return out;
    }

    /**
     * One dataset per namespace and name, in the order first seen: rows, bytes and files added up,
     * the version kept when every part had the same (partitions read at different snapshots have
     * no one version), the first schema known.
     */
    static List<RunLineage.Dataset> perDataset(List<RunLineage.Dataset> datasets) {
        Map<List<String>, RunLineage.Dataset> byName = new LinkedHashMap<>();
        for (RunLineage.Dataset d : datasets) {
            byName.merge(List.of(d.namespace(), d.name()), d, LineageDatasets::combine);
        }
        return List.copyOf(byName.values());
    }

    private static RunLineage.Dataset combine(RunLineage.Dataset a, RunLineage.Dataset b) {
        return new RunLineage.Dataset(a.namespace(), a.name(), a.version().equals(b.version()) ? a.version() : Optional.empty(),
                sum(a.rows(), b.rows()), sum(a.bytes(), b.bytes()), sum(a.files(), b.files()), a.table().or(b::table),
                a.schema().isEmpty() ? b.schema() : a.schema());
    }

    private static Optional<Long> sum(Optional<Long> a, Optional<Long> b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : Optional.of(a.get() + b.get());
    }
}
