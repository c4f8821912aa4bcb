package io.freshet.core.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a partition of an S3 source holds: the live objects, each at the version its events
 * recorded, folded from the partition's events (docs/pipelines.md, "What a partition of an S3
 * source holds").
 *
 * <p>The changes of each key are applied in S3's sequencer order, never in arrival or event-time
 * order: EventBridge stamps events with whole seconds, and two uploads of one key in one second
 * would otherwise be ordered by chance. Each key keeps its versions as S3 does: an upload adds a
 * version (on an unversioned bucket it replaces the only one), a delete marker hides the key, a
 * permanent deletion removes the one version it names (a lifecycle rule expiring old versions
 * leaves the current one alone; deleting a delete marker brings the key back). The key is live
 * when its newest remaining version is an upload.
 */
public final class PartitionContent {

    private PartitionContent() {
    }

    /**
     * The upload events whose objects make up the partition, by object URI, from the events
     * recorded at or before {@code upTo} (completion markers are not data and are left out).
     */
    public static List<AssetEvent> live(List<AssetEvent> history, Instant upTo) {
        Map<String, List<AssetEvent>> byKey = new TreeMap<>();
        for (AssetEvent e : history) {
            if (e.time().isAfter(upTo) || S3Change.isCompletion(e)) {
                continue;
            }
            S3Change.objectOf(e).ifPresent(uri -> byKey.computeIfAbsent(uri, k -> new ArrayList<>()).add(e));
        }
        List<AssetEvent> out = new ArrayList<>();
        for (List<AssetEvent> changes : byKey.values()) {
            current(changes).ifPresent(out::add);
        }
        return out;
    }

    /** The newest completion marker's event of a partition, by sequencer (markers of a partition share one key). */
    public static Optional<AssetEvent> newestCompletion(List<AssetEvent> events) {
        return events.stream().filter(S3Change::isCompletion).max(ORDER);
    }

    private static final Comparator<AssetEvent> ORDER =
            Comparator.comparing(S3Change::sequencerOf).thenComparing(AssetEvent::time);

    /** One key's current upload after its changes, or empty when it has none (deleted, emptied, hidden). */
    private static Optional<AssetEvent> current(List<AssetEvent> changes) {
        List<AssetEvent> sorted = new ArrayList<>(changes);
        sorted.sort(ORDER); // stable: changes without a sequencer (recorded before it was kept) stay in history order
        record Version(Optional<String> id, Optional<AssetEvent> upload) {}
        List<Version> versions = new ArrayList<>();
        for (AssetEvent e : sorted) {
            Optional<String> id = S3Change.versionOf(e);
            if (!S3Change.isRemoval(e)) {
                if (id.isEmpty()) {
                    versions.clear(); // unversioned: an upload replaces the object
                }
                versions.add(new Version(id, Optional.of(e)));
                continue;
            }
            String removal = e.metadata().getOrDefault(S3Change.REMOVAL, S3Change.PERMANENT);
            if (removal.equals(S3Change.PERMANENT) && id.isPresent()) {
                versions.removeIf(v -> v.id().equals(id));
            } else if (removal.equals(S3Change.PERMANENT)) {
                versions.clear();
            } else {
                versions.add(new Version(id, Optional.empty())); // a delete marker, or an empty upload
            }
        }
        return versions.isEmpty() ? Optional.empty() : versions.getLast().upload();
    }
}
