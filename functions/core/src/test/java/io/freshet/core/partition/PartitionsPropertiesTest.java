package io.freshet.core.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import io.freshet.core.model.Partitioning;

/** Laws every partitioning obeys, checked at random instants (biased towards clock changes). */
class PartitionsPropertiesTest {

    static final List<Partitioning> PARTITIONINGS = List.of(
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("Europe/Prague"), Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("America/New_York"), Optional.empty()),
            // Changed its clocks at midnight: some days start at 01:00.
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("America/Santiago"), Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("Australia/Lord_Howe"), Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneOffset.UTC, Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneOffset.ofHoursMinutes(5, 45), Optional.empty()),
            Partitioning.of(PartitionGrain.HOURLY));

    @Provide
    Arbitrary<Partitioning> partitionings() {
        return Arbitraries.of(PARTITIONINGS);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return ClockChangeInstants.arbitrary();
    }

    @Property(tries = 2000)
    void thePartitionContainingAnInstantHoldsIt(@ForAll("partitionings") Partitioning p, @ForAll("instants") Instant t) {
        String key = Partitions.containing(p, t);
        Instant start = Partitions.end(p, Partitions.previous(p, key));
        Instant end = Partitions.end(p, key);
        assertFalse(t.isBefore(start), key + " starts at " + start + ", after " + t);
        assertTrue(t.isBefore(end), key + " ends at " + end + ", not after " + t);
        Duration length = Duration.between(start, end);
        if (p.grain() == PartitionGrain.HOURLY) {
            assertEquals(Duration.ofHours(1), length);
        } else {
            assertTrue(length.compareTo(Duration.ofHours(22)) >= 0 && length.compareTo(Duration.ofHours(26)) <= 0, key + ": " + length);
        }
        // The last instant of the window and its first belong to it; the end belongs to the next key.
        assertEquals(key, Partitions.containing(p, start));
        assertEquals(key, Partitions.containing(p, end.minusNanos(1)));
        assertEquals(Partitions.next(p, key), Partitions.containing(p, end));
    }

    @Property(tries = 2000)
    void lastCompleteIsThePreviousKeyAndIsOverByThen(@ForAll("partitionings") Partitioning p, @ForAll("instants") Instant t) {
        String last = Partitions.lastCompleteAt(p, t);
        assertEquals(Partitions.previous(p, Partitions.containing(p, t)), last);
        assertFalse(Partitions.end(p, last).isAfter(t), last + " is not over at " + t);
        assertEquals(last, Partitions.previous(p, Partitions.next(p, last)));
        assertEquals(last, Partitions.next(p, Partitions.previous(p, last)));
    }

    @Property(tries = 1000)
    void aRangeWalksNextFromItsFirstToItsLastKey(@ForAll("partitionings") Partitioning p, @ForAll("instants") Instant a,
                                                 @ForAll @IntRange(min = 0, max = 24 * 200) int hours) {
        String from = Partitions.containing(p, a);
        String to = Partitions.containing(p, a.plus(Duration.ofHours(hours)));
        List<String> keys = Partitions.range(p, from, to, 24 * 200 + 1);
        assertEquals(from, keys.getFirst());
        assertEquals(to, keys.getLast());
        for (int i = 1; i < keys.size(); i++) {
            assertEquals(Partitions.next(p, keys.get(i - 1)), keys.get(i));
            assertTrue(keys.get(i - 1).compareTo(keys.get(i)) < 0, "keys sort as their time");
        }
        if (p.grain() == PartitionGrain.HOURLY) {
            assertEquals(hours + 1, keys.size());
        }
    }
}
