package io.freshet.core.partition;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import io.freshet.core.model.Partitioning;

/**
 * Partition arithmetic on a pipeline's {@link Partitioning}: which partition holds an instant,
 * the one before, where one ends, the keys of a range. Daily keys are dates in the partitioning's
 * zone (a day of 23 or 25 hours when the clocks change); hourly keys are UTC hours.
 */
public final class Partitions {

    private Partitions() {
    }

    /** The partition whose window holds {@code t}. */
    public static String containing(Partitioning p, Instant t) {
        return switch (p.grain()) {
            case NONE -> "";
            case DAILY -> PartitionGrain.DAILY.keyOf(LocalDateTime.ofInstant(t, p.zone()).toLocalDate().atStartOfDay());
            case HOURLY -> PartitionGrain.HOURLY.keyOf(LocalDateTime.ofInstant(t, ZoneOffset.UTC).withMinute(0).withSecond(0).withNano(0));
        };
    }

    /**
     * The newest partition complete at {@code t}: the one before the partition holding {@code t}.
     * A schedule firing at 01:00 on 27 May runs 26 May, as Airflow's data interval and Dagster's
     * partitioned schedules do; firing at exactly midnight, it runs the day that just ended.
     */
    public static String lastCompleteAt(Partitioning p, Instant t) {
        return p.grain() == PartitionGrain.NONE ? "" : previous(p, containing(p, t));
    }

    public static String previous(Partitioning p, String key) {
        return switch (p.grain()) {
            case NONE -> "";
            case DAILY -> PartitionGrain.DAILY.keyOf(PartitionGrain.DAILY.startOf(key).minusDays(1));
            case HOURLY -> PartitionGrain.HOURLY.keyOf(PartitionGrain.HOURLY.startOf(key).minusHours(1));
        };
    }

    public static String next(Partitioning p, String key) {
        return switch (p.grain()) {
            case NONE -> "";
            case DAILY -> PartitionGrain.DAILY.keyOf(PartitionGrain.DAILY.startOf(key).plusDays(1));
            case HOURLY -> PartitionGrain.HOURLY.keyOf(PartitionGrain.HOURLY.startOf(key).plusHours(1));
        };
    }

    /** The instant a partition's window ends (exclusive). */
    public static Instant end(Partitioning p, String key) {
        return switch (p.grain()) {
            case NONE -> Instant.MAX;
            case DAILY -> PartitionGrain.DAILY.startOf(key).plusDays(1).atZone(p.zone()).toInstant();
            case HOURLY -> PartitionGrain.HOURLY.startOf(key).plusHours(1).toInstant(ZoneOffset.UTC);
        };
    }

    /** Whether a partition lies before the partitioning's declared start. */
    public static boolean beforeStart(Partitioning p, String key) {
        if (p.grain() == PartitionGrain.NONE || p.start().isEmpty()) {
            return false;
        }
        LocalDate day = p.grain().startOf(key).toLocalDate();
        return day.isBefore(p.start().get());
    }

    /**
     * The keys from {@code from} to {@code to}, both included, in order; at most {@code limit}.
     *
     * @throws IllegalArgumentException if a key is malformed, {@code to} precedes {@code from}, or
     *                                  the range holds more than {@code limit} partitions
     */
    public static List<String> range(Partitioning p, String from, String to, int limit) {
        if (p.grain() == PartitionGrain.NONE) {
            return List.of("");
        }
        p.grain().startOf(from);
        p.grain().startOf(to);
        if (from.compareTo(to) > 0) {
            throw new IllegalArgumentException("the range ends (" + to + ") before it starts (" + from + ")");
        }
        List<String> keys = new ArrayList<>();
        for (String k = from; k.compareTo(to) <= 0; k = next(p, k)) {
            if (keys.size() == limit) {
                throw new IllegalArgumentException("the range " + from + " .. " + to + " holds more than " + limit + " partitions");
            }
            keys.add(k);
        }
        return keys;
    }
}
