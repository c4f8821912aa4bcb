package io.freshet.core.freshness;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.freshet.core.model.Freshness;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Pipeline;
import io.freshet.core.model.Schedule;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.partition.Partitions;
import io.freshet.core.yaml.Values;

/**
 * Freshness as pure functions: whether an asset (partition) is overdue, which partition a
 * deadline asks for, and when a lazily scheduled pipeline should launch.
 *
 * <p>Freshness is about data, not tasks. What the rules look at:
 * <ul>
 *   <li>a <b>source</b> is as fresh as its newest event (every upload is new data);</li>
 *   <li>a <b>derived</b> asset partition is behind from its oldest <i>unreflected</i> input event:
 *       one waiting in the producer's pending set, consumed by a run still going, or consumed by a
 *       run that failed. Reflected means a successful run consumed it.</li>
 * </ul>
 * {@code max_lag: L}: a source is overdue when its newest event is older than L (or it has none);
 * a derived partition when an unreflected input event is older than L.
 * {@code deadline: T, lag: L}: from each deadline tick T on, until the next, the data must reach
 * T - L: a source's newest event must be at least that recent; a derived asset's required
 * partition (the newest complete at T - L) must exist and hold no unreflected input event from
 * before T - L.
 *
 * <p>Only inputs that can start a run count ({@link #inputCounts}): an input a pipeline's condition
 * does not name (a dimension read as {@code latest} alongside it) never makes its outputs overdue.
 * Its events wait, and the next run the condition (or a request) starts consumes them with the
 * rest; until then the outputs do hold the newest data their pipeline would run for.
 */
public final class FreshnessRules {

    private FreshnessRules() {
    }

    /**
     * Whether an input's unreflected events count against the freshness of {@code pipeline}'s
     * outputs: every input of a pipeline without a condition (a schedule or its freshness starts
     * the run that takes them), else only the inputs its condition names. An event of another input
     * cannot start a run, so counting it would report an asset overdue that nothing would bring
     * back (core_trips overdue for ever because a raw.passengers snapshot waited).
     */
    public static boolean inputCounts(Pipeline pipeline, String inputAsset) {
        return pipeline.trigger().flatMap(t -> t.condition()).map(c -> c.assets().contains(inputAsset)).orElse(true);
    }

    /** What is known about one asset partition (or a whole source) at evaluation time. */
    public record Facts(Optional<Instant> newestEvent, Optional<Instant> oldestUnreflected) {
        public static final Facts NONE = new Facts(Optional.empty(), Optional.empty());
    }

    /** The outcome for one asset partition. {@code requiredBy}: the data time the policy asked for. */
    public record Status(boolean overdue, String reason, Instant requiredBy) {
    }

    /** The deadline tick in force at {@code now} (the newest one at or before it). */
    public static Optional<Instant> deadlineInForce(Freshness.Deadline d, Instant now) {
        Schedule s = d.deadline();
        return s.cron().previous(now.plusNanos(1), s.zone());
    }

    /**
     * How recent the data must be at a deadline tick: the tick minus the lag on the wall clock of
     * the deadline's zone, so that "09:00 with lag 9h" means midnight also on the days the clocks
     * change (elapsed time would mean 23:00 or 01:00 there).
     */
    public static Instant requiredBy(Freshness.Deadline d, Instant tick) {
        var zone = d.deadline().zone();
        return tick.atZone(zone).toLocalDateTime().minus(d.lag()).atZone(zone).toInstant();
    }

    /** The partition a deadline at {@code tick} asks of a derived asset: the newest complete at tick - lag. */
    public static String requiredPartition(Partitioning p, Freshness.Deadline d, Instant tick) {
        return Partitions.lastCompleteAt(p, requiredBy(d, tick));
    }

    public static Status source(Freshness policy, Facts f, Instant now) {
        Instant requiredBy = switch (policy) {
            case Freshness.MaxLag m -> now.minus(m.maxLag());
            case Freshness.Deadline d -> deadlineInForce(d, now).map(t -> requiredBy(d, t)).orElse(Instant.MIN);
        };
        if (requiredBy.equals(Instant.MIN)) {
            return new Status(false, "no deadline has passed yet", requiredBy);
        }
        if (f.newestEvent().isEmpty()) {
            return new Status(true, "no data yet; data from " + requiredBy + " on was required", requiredBy);
        }
        if (f.newestEvent().get().isBefore(requiredBy)) {
            return new Status(true, "newest data from " + f.newestEvent().get() + "; data from " + requiredBy + " on was required", requiredBy);
        }
        return new Status(false, "newest data from " + f.newestEvent().get(), requiredBy);
    }

    /**
     * A derived asset's partition. For a deadline, call it for the partition
     * {@link #requiredPartition} names; other partitions are only held to {@code max_lag}.
     */
    public static Status derived(Freshness policy, Facts f, Instant now) {
        switch (policy) {
            case Freshness.MaxLag m -> {
                Instant requiredBy = now.minus(m.maxLag());
                if (f.oldestUnreflected().filter(t -> t.isBefore(requiredBy)).isPresent()) {
                    return new Status(true, "input data from " + f.oldestUnreflected().get() + " is not in it after "
                            + Values.formatDuration(m.maxLag()), requiredBy);
                }
                return new Status(false, f.oldestUnreflected().map(t -> "input data from " + t + " on its way").orElse("up to date with its inputs"), requiredBy);
            }
            case Freshness.Deadline d -> {
                Optional<Instant> tick = deadlineInForce(d, now);
                if (tick.isEmpty()) {
                    return new Status(false, "no deadline has passed yet", Instant.MIN);
                }
                Instant requiredBy = requiredBy(d, tick.get());
                if (f.newestEvent().isEmpty()) {
                    return new Status(true, "not materialized; the deadline at " + tick.get() + " needed it", requiredBy);
                }
                if (f.oldestUnreflected().filter(t -> !t.isAfter(requiredBy)).isPresent()) {
                    return new Status(true, "input data from " + f.oldestUnreflected().get() + " is not in it; the deadline at "
                            + tick.get() + " needed data through " + requiredBy, requiredBy);
                }
                return new Status(false, "holds its inputs through " + requiredBy, requiredBy);
            }
        }
    }

    /**
     * Whether a pipeline scheduled lazily by its freshness alone should launch a run for
     * {@code partition}, which has new input data since {@code oldestPending}. It waits as long as
     * it safely can, so that one run takes in as much new data as possible:
     * <ul>
     *   <li>{@code max_lag: L}: once the oldest new input is L/2 old;</li>
     *   <li>deadline: a partition the next deadline needs launches one timeout before that
     *       deadline; a partition whose deadline has passed launches at once (late data);
     *       a partition only a later deadline needs waits.</li>
     * </ul>
     */
    public static boolean shouldLaunch(Pipeline pipeline, String partition, Instant oldestPending, Instant now) {
        Freshness policy = pipeline.freshness().orElseThrow(() -> new IllegalArgumentException(pipeline.name() + " has no freshness policy"));
        return switch (policy) {
            case Freshness.MaxLag m -> !now.isBefore(oldestPending.plus(m.maxLag().dividedBy(2)));
            case Freshness.Deadline d -> {
                Schedule s = d.deadline();
                Optional<Instant> nextTick = s.cron().next(now, s.zone());
                Duration lead = pipeline.timeout();
                if (pipeline.partitioning().grain() == PartitionGrain.NONE) {
                    boolean late = deadlineInForce(d, now).filter(t -> !oldestPending.isAfter(requiredBy(d, t))).isPresent();
                    yield late || nextTick.filter(t -> !now.isBefore(t.minus(lead))).isPresent();
                }
                if (nextTick.isEmpty()) {
                    yield true; // no deadline ahead: nothing to wait for
                }
                String needed = requiredPartition(pipeline.partitioning(), d, nextTick.get());
                int cmp = partition.compareTo(needed); // keys of one grain sort as their time
                yield cmp < 0 || cmp == 0 && !now.isBefore(nextTick.get().minus(lead));
            }
        };
    }
}
