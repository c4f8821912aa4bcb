package io.freshet.core.schedule;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.model.Trigger;
import io.freshet.core.partition.Partitions;

/**
 * What a one-minute tick owes a cron pipeline. The scheduler keeps, per pipeline, a cursor: the
 * instant up to which its fires were handled. A tick at {@code now} handles the fires in
 * {@code (cursor, now]}, so late, missed and repeated ticks neither lose nor repeat a fire: a late
 * tick finds the fire in its window, a missed tick leaves it to the next one, a repeated tick finds
 * the cursor already moved (and the run ids are deterministic besides).
 *
 * <p>After an outage the window may hold many fires. Like Airflow's {@code catchup}: without it
 * only the newest fire runs; with it the newest {@code max_catchup} do, oldest first.
 */
public final class CronTicks {

    private CronTicks() {
    }

    /** The fires in {@code (cursor, now]} that the tick runs, oldest first. */
    public static List<Instant> due(Trigger trigger, Instant cursor, Instant now) {
        Schedule s = trigger.schedule().orElseThrow(() -> new IllegalArgumentException("the trigger has no schedule"));
        int keep = trigger.catchup() ? trigger.maxCatchup() : 1;
        // Walk back from now: an outage of a year under a minutely cron must not enumerate half a million fires.
        Deque<Instant> fires = new ArrayDeque<>();
        Instant before = now.plusNanos(1);
        while (fires.size() < keep) {
            Optional<Instant> fire = s.cron().previous(before, s.zone());
            if (fire.isEmpty() || !fire.get().isAfter(cursor)) {
                break;
            }
            fires.addFirst(fire.get());
            before = fire.get();
        }
        return List.copyOf(fires);
    }

    /** How many fires in {@code (cursor, now]} were left out by the catch-up rule (for the log), at most {@code limit}. */
    public static int skipped(Trigger trigger, Instant cursor, Instant now, int limit) {
        return skipped(trigger, cursor, due(trigger, cursor, now), limit);
    }

    /**
     * As above, from the fires {@link #due} returned for the same window: the ones left out are
     * those before the oldest due fire, so only that stretch is walked (usually none at all).
     */
    public static int skipped(Trigger trigger, Instant cursor, List<Instant> due, int limit) {
        if (due.isEmpty()) {
            return 0; // no fire at all in the window, or due would hold the newest
        }
        Schedule s = trigger.schedule().orElseThrow();
        Instant oldestDue = due.get(0);
        return s.cron().fireTimes(cursor, oldestDue.minusNanos(1), s.zone(), limit).size();
    }

    /**
     * The partition a fire runs: the newest one complete at the fire time (the day before a nightly
     * fire), or empty when that lies before the pipeline's first partition.
     */
    public static Optional<String> partitionOf(Pipeline pipeline, Instant fire) {
        String key = Partitions.lastCompleteAt(pipeline.partitioning(), fire);
        return Partitions.beforeStart(pipeline.partitioning(), key) ? Optional.empty() : Optional.of(key);
    }
}
