package io.freshet.core.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One write of a source observed by listing ({@code observe: {list: true}}), placed against the
 * key's recorded history: recorded already, or new with the id, sequencer and time its event
 * takes. The scheduler's listing and s3-events (when the bucket also notifies) both ask here, so
 * one write records once whichever way it is seen (docs/architecture.md, "Observed S3 sources").
 *
 * <p>The identity is the content, not the write: a listing returns neither S3's sequencer nor the
 * version id, only the ETag. The id hashes the ETag and the key's previous recorded change
 * ({@link Ids#listedObject}), and content equal to the key's current recorded content is
 * recorded already: an object overwritten with identical bytes records once, and content that
 * comes back (A, B, A) is a change each time.
 */
public final class ListedObjects {

    /** The metadata key of the object's ETag, as s3-events writes it. */
    public static final String ETAG = "etag";

    private ListedObjects() {
    }

    /** What the key's history says of a write. */
    public sealed interface Placement permits Recorded, New {
    }

    /** The key's current recorded content is this write's: nothing to record (announce it if that never happened). */
    public record Recorded(AssetEvent event) implements Placement {
    }

    /**
     * A change to record.
     *
     * @param eventId the id both ways of seeing the write derive
     * @param sequencer for a listing, a stand-in: the key's newest recorded sequencer (S3's order of one key's changes),
     *     so the fold orders it by time after those, and a later notification's larger sequencer after it
     * @param notBefore the earliest time the event may take so that it sorts after the key's recorded changes
     */
    public record New(String eventId, String sequencer, Instant notBefore) implements Placement {
    }

    private static final Comparator<AssetEvent> CHANGE_ORDER = Comparator.comparing(S3Change::sequencerOf)
            .thenComparing(AssetEvent::time).thenComparing(AssetEvent::eventId);

    /**
     * Places the write of {@code etag} at {@code s3://bucket/key} of {@code asset}.
     *
     * @param partitionHistory the recorded events of the key's partition (other keys are left out here)
     */
    public static Placement place(String asset, String bucket, String key, String etag, List<AssetEvent> partitionHistory) {
        String uri = "s3://" + bucket + "/" + key;
        List<AssetEvent> keyHistory = partitionHistory.stream().filter(e -> S3Change.objectOf(e).filter(uri::equals).isPresent())
                .filter(e -> !S3Change.isCompletion(e)).toList();
        Optional<AssetEvent> current = PartitionContent.live(keyHistory, Instant.MAX).stream().findFirst();
        if (current.isPresent() && etag.equals(current.get().metadata().get(ETAG))) {
            return new Recorded(current.get());
        }
        Optional<AssetEvent> previous = keyHistory.stream().max(CHANGE_ORDER);
        String id = Ids.listedObject(asset, bucket, key, etag, previous.map(AssetEvent::eventId).orElse(""));
        String sequencer = previous.map(p -> p.metadata().getOrDefault(S3Change.SEQUENCER, "")).orElse("");
        Instant notBefore = previous.map(p -> p.time().plus(1, ChronoUnit.MICROS)).orElse(Instant.EPOCH);
        return new New(id, sequencer, notBefore);
    }
}
