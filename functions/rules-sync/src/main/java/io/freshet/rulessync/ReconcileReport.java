package io.freshet.rulessync;

import java.util.List;
import java.util.stream.Stream;

/** The rule names a reconciliation created, updated, deleted and found already as desired. */
public record ReconcileReport(List<String> created, List<String> updated, List<String> deleted, List<String> unchanged) {

    public ReconcileReport {
        created = List.copyOf(created);
        updated = List.copyOf(updated);
        deleted = List.copyOf(deleted);
        unchanged = List.copyOf(unchanged);
    }

    public boolean changed() {
        return !created.isEmpty() || !updated.isEmpty() || !deleted.isEmpty();
    }

    /** Another report's deletions added to this one's (an Update that also removes the old prefix's rules). */
    ReconcileReport plusDeleted(List<String> more) {
        return new ReconcileReport(created, updated, Stream.concat(deleted.stream(), more.stream()).toList(), unchanged);
    }

    public String summary() {
        return created.size() + " created, " + updated.size() + " updated, " + deleted.size() + " deleted, "
                + unchanged.size() + " unchanged";
    }
}
