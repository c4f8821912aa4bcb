package io.freshet.engine.snapshot;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * The tables of one snapshot, in the order requested, all read from one consistent PostgreSQL
 * snapshot.
 */
public record SnapshotResult(List<TableSnapshot> tables) {

    public SnapshotResult {
        tables = List.copyOf(tables);
    }

    public TableSnapshot table(String output) {
        return tables.stream().filter(t -> t.output().equals(output)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no table snapshot for output " + output));
    }

    public long rows() {
        return tables.stream().mapToLong(TableSnapshot::rows).sum();
    }

    public long bytes() {
        return tables.stream().mapToLong(TableSnapshot::bytes).sum();
    }
}
