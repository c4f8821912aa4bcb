package io.freshet.runner.lineage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's datasets as its OpenLineage event lists them: lake tables named by their catalog, then
 * one dataset per name. A run that read seven days of a table read one dataset, not seven.
 */
final class LineageDatasets {

    private LineageDatasets() {
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
