package io.freshet.core.snapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.freshet.core.model.Partitioning;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.partition.Partitions;

/**
 * What a snapshot step may write under a partition, as pure functions. A database has no history:
 * a snapshot always reads the tables as they are now, so the rules keep what a partition holds
 * meaningful and reproducible.
 *
 * <ul>
 *   <li><b>Incremental tables</b> (with a {@code watermark}): each partition records the range it
 *       read, {@code (after, upTo]} ({@link WatermarkRange}). A new partition starts where the newest
 *       partition taken so far ends. A partition that already has a range reads exactly that range
 *       again (a retry, a manual re-run, a backfill, a code change): the same rows as long as none
 *       was updated or inserted behind the watermark. A partition never taken that is older than
 *       the newest taken one is refused: its rows went to later partitions.</li>
 *   <li><b>Full tables</b>: a partition before the newest complete one (a past date) is refused
 *       unless the run is forced, since it would hold today's rows under that date.</li>
 *   <li><b>Unpartitioned</b> pipelines have one partition that moves forward: every run reads the
 *       rows past the recorded upper bound, and a full snapshot is always current.</li>
 * </ul>
 */
public final class SnapshotRules {

    private SnapshotRules() {
    }

    /** A partition of an asset that holds data, and the metadata of its newest event. */
    public record Taken(String partition, Map<String, String> metadata) {
    }

    /** What one incremental table reads for a run. */
    public sealed interface Read permits Read.Again, Read.Next, Read.Refused {

        /** Read the partition's recorded range again. */
        record Again(WatermarkRange range) implements Read {
        }

        /** A new increment: the rows past {@code after} (empty: every row); its upper bound is the greatest read. */
        record Next(Optional<String> after) implements Read {
        }

        /** Nothing may be read; {@code reason} says why and what to do. */
        record Refused(String reason) implements Read {
        }
    }

    /**
     * @param asset     the table's output asset, for messages
     * @param grain     the pipeline's partition grain
     * @param partition the run's partition
     * @param here      the newest event of {@code partition}, if it has one
     * @param newest    the greatest partition key of the asset that holds data, with its newest event
     */
    public static Read incremental(String asset, PartitionGrain grain, String partition, Optional<Map<String, String>> here, Optional<Taken> newest) {
        if (grain == PartitionGrain.NONE) {
            return new Read.Next(here.flatMap(SnapshotRules::upperBound));
        }
        if (here.isPresent()) {
            Optional<WatermarkRange> recorded = WatermarkRange.recordedIn(here.get());
            if (recorded.isPresent() && recorded.get().upTo().isPresent()) {
                return new Read.Again(recorded.get());
            }
            boolean newestTaken = newest.map(Taken::partition).filter(partition::equals).isPresent();
            if (recorded.isPresent() && newestTaken) {
                // Taken when no row had a watermark, and nothing taken since: reading it again from the same start loses and repeats nothing.
                return new Read.Next(recorded.get().after());
            }
            if (recorded.isPresent()) {
                return new Read.Refused(asset + "/" + partition + " read no row with a watermark when it was taken, and later partitions (up to "
                        + newest.map(Taken::partition).orElse("?") + ") have taken rows since: its content cannot be reproduced");
            }
            return new Read.Refused(asset + "/" + partition + " was snapshotted without a recorded watermark range (before Freshet recorded"
                    + " ranges, or before the table was incremental): which rows it held is unknown, so it cannot be read again;"
                    + " the next new partition continues from its watermark");
        }
        if (newest.isEmpty()) {
            return new Read.Next(Optional.empty());
        }
        Taken n = newest.get();
        if (partition.compareTo(n.partition()) < 0) { // keys of one grain sort as their time
            return new Read.Refused(asset + "/" + partition + " was never snapshotted, and a later partition, " + n.partition()
                    + ", already took the rows up to " + upperBound(n.metadata()).map(w -> "watermark " + w).orElse("its snapshot")
                    + ": an incremental snapshot only moves forward, so the rows this partition would hold are in the partitions"
                    + " taken since; a re-run of a partition already taken reads its recorded range again");
        }
        return new Read.Next(upperBound(n.metadata()).or(() -> WatermarkRange.recordedIn(n.metadata()).flatMap(WatermarkRange::after)));
    }

    private static Optional<String> upperBound(Map<String, String> metadata) {
        return Optional.ofNullable(metadata.get(WatermarkRange.UP_TO_KEY));
    }

    /**
     * Why a full snapshot (a table without watermark) may not be written under {@code partition}
     * now, or empty when it may: a partition before the newest complete one is a past date, which
     * today's rows do not describe. A forced run may.
     */
    public static Optional<String> fullSnapshotRefusal(String asset, Partitioning partitioning, String partition, Instant now, boolean forced) {
        if (forced || partitioning.grain() == PartitionGrain.NONE) {
            return Optional.empty();
        }
        String current = Partitions.lastCompleteAt(partitioning, now);
        if (partition.compareTo(current) >= 0) {
            return Optional.empty();
        }
        return Optional.of(asset + " is a full snapshot, which holds the table as it is now, not as it was during " + partition
                + " (the newest complete partition is " + current + "): refused for a past partition unless the run is forced"
                + " (materialize or backfill with --force)");
    }
}
