package io.freshet.state;

import java.util.List;
import java.util.Optional;

import io.freshet.core.events.AssetEvent;

/**
 * The asset events: each recorded once by its id, its place in its partition's history, the
 * partition's state (its newest event) and the asset's newest event over all partitions.
 */
public interface EventLog {

    /**
     * Records an asset event once: the event, then its place in the asset's history and its
     * follow-ups ({@link #applyFollowUps}). A second call with the same event id records nothing,
     * but writes the recorded event's place in the history and its follow-ups again: a process that
     * died right after recording left them undone, and its retry lands here.
     */
    Recorded record(AssetEvent e);

    /**
     * Records an asset event as {@link #record} does, for a recorder that announces it right after
     * and marks nothing: one whose input is delivered again when its handling fails (s3-events:
     * Lambda's and EventBridge's retries), and which then announces again what it finds recorded
     * this way ({@link Recorded#toAnnounceOnDelivery}). The event is stored as announced from the
     * start, so that whoever records the same id another way (emit, by an object's version) leaves
     * its announcement to this recorder. One store call less per event than record, announce,
     * mark; the price is a second {@code Asset Updated} when a delivery is repeated after it was
     * announced, which consumers take as the same event (its id).
     */
    Recorded recordAnnouncing(AssetEvent e);

    /**
     * The follow-ups of a recorded event: the partition's state and the asset's newest event move
     * to it, if it is newer (a later time, or the same whole second and a later S3 sequencer).
     * "Moves forward only", so applying them again, or late, changes nothing.
     */
    void applyFollowUps(AssetEvent e);

    /**
     * Puts an event in its partition's history only: it becomes part of what the partition holds
     * (see {@link io.freshet.core.events.PartitionContent}) without being announced or moving the
     * partition's state, as the data files of a source that completes with a marker
     * ({@code complete_when}) until the marker arrives; and a recorded event's place, which
     * {@link #record} writes after the event. Idempotent.
     */
    void recordInHistory(AssetEvent e);

    void markAnnounced(String eventId);

    /** A recorded event and whether it was announced. */
    Optional<StoredEvent> stored(String eventId);

    /** A recorded event. */
    default Optional<AssetEvent> event(String eventId) {
        return stored(eventId).map(StoredEvent::event);
    }

    /**
     * The event recorded under {@code e}'s id, as {@link #record} answered for it: {@code e} when
     * it was new, else the one recorded first (a racing recorder's, whose announcement is the one
     * the trigger accepts).
     */
    default AssetEvent recordedAs(AssetEvent e, Recorded r) {
        return r.isNew() ? e : event(e.eventId()).orElse(e);
    }

    /**
     * Whether a recorded event was left unannounced by a recorder that died; if so its place in the
     * history and its follow-ups are written again (the crash may have cut them short too; the one
     * is idempotent, the others move forward only) and the caller announces it. An event not
     * recorded counts as announced: nothing to finish.
     */
    default boolean finishUnannounced(AssetEvent recorded) {
        boolean announced = stored(recorded.eventId()).map(StoredEvent::announced).orElse(true);
        if (!announced) {
            placeAndFollowUp(recorded);
        }
        return !announced;
    }

    /**
     * A recorded event's place in its partition's history ({@link #recordInHistory}) and its
     * follow-ups ({@link #applyFollowUps}), written at once: what recording writes after the event
     * itself, and what a retry writes again. Both are safe to repeat.
     */
    default void placeAndFollowUp(AssetEvent recorded) {
        AtOnce.both(() -> recordInHistory(recorded), () -> applyFollowUps(recorded));
    }

    /** The events of an asset's partition, oldest first. */
    List<AssetEvent> history(String asset, String partition);

    /** An asset's events over all its partitions, newest first, at most {@code limit}. */
    List<AssetEvent> recent(String asset, int limit);

    /** The newest event of an asset's partition (its state). */
    Optional<AssetEvent> latest(String asset, String partition);

    default boolean hasData(String asset, String partition) {
        return latest(asset, partition).isPresent();
    }

    /** The newest event of an asset across all its partitions. */
    Optional<AssetEvent> newest(String asset);

    /** The partitions of an asset that hold data, newest key first, at most {@code limit}. */
    List<String> partitionsWithData(String asset, int limit);
}
