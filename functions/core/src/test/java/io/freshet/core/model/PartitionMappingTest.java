package io.freshet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import io.freshet.core.partition.ClockChangeInstants;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.partition.Partitions;
import io.freshet.core.yaml.SourcePos;

/** Each partition mapping's behaviour, at random instants biased towards clock changes (23- and 25-hour days). */
class PartitionMappingTest {

    /** Zones whose offsets are whole hours, as a window of UTC hours needs (its days start on a UTC hour). */
    static final List<Partitioning> DAILY = List.of(
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("Europe/Prague"), Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("America/New_York"), Optional.empty()),
            // Changed its clocks at midnight: some days start at 01:00.
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("America/Santiago"), Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneOffset.UTC, Optional.empty()));
    /** Any partitioning: also zones with half- and quarter-hour offsets, and hourly partitions. */
    static final List<Partitioning> PARTITIONED = List.of(DAILY.get(0), DAILY.get(1), DAILY.get(2), DAILY.get(3),
            new Partitioning(PartitionGrain.DAILY, ZoneId.of("Australia/Lord_Howe"), Optional.empty()),
            new Partitioning(PartitionGrain.DAILY, ZoneOffset.ofHoursMinutes(5, 45), Optional.empty()),
            Partitioning.of(PartitionGrain.HOURLY));
    static final Partitioning HOURLY = Partitioning.of(PartitionGrain.HOURLY);
    @Provide
    Arbitrary<Partitioning> daily() {
        return Arbitraries.of(DAILY);
    }

    @Provide
    Arbitrary<Partitioning> partitioned() {
        return Arbitraries.of(PARTITIONED);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return ClockChangeInstants.arbitrary();
    }

    // ------------------------------------------------------------------ window

    @Property(tries = 1000)
    void aWindowDayReadsTheHoursOfItsLocalDayAndEachOfThemMapsBackToIt(@ForAll("daily") Partitioning day, @ForAll("instants") Instant t) {
        String key = Partitions.containing(day, t);
        List<String> hours = PartitionMapping.Window.hoursOf(day, key);
        Duration length = Duration.between(Partitions.end(day, Partitions.previous(day, key)), Partitions.end(day, key));
        assertEquals(length.toHours(), hours.size(), key + " in " + day.zone() + " lasts " + length);
        assertTrue(hours.size() >= 23 && hours.size() <= 25, hours.toString());
        assertEquals(new PartitionMapping.Reads.Partitions(hours), PartitionMapping.WINDOW.reads(day, key));
        for (String hour : hours) {
            assertEquals(List.of(key), PartitionMapping.WINDOW.consumerPartitions(day, hour, Instant.EPOCH), hour);
            assertEquals(List.of(key), PartitionMapping.WINDOW.backfilledPartitions(HOURLY, day, hour), hour);
        }
        // The next day's hours follow on: no hour is in two days, none in neither.
        List<String> next = PartitionMapping.Window.hoursOf(day, Partitions.next(day, key));
        assertEquals(Partitions.next(HOURLY, hours.getLast()), next.getFirst());
    }

    @Test
    void aWindowHasTwentyThreeHoursOnSpringForwardAndTwentyFiveOnFallBack() {
        Partitioning prague = DAILY.get(0);
        assertEquals(23, PartitionMapping.Window.hoursOf(prague, "2026-03-29").size());
        assertEquals(25, PartitionMapping.Window.hoursOf(prague, "2026-10-25").size());
        assertEquals("2026-05-25T22", PartitionMapping.Window.hoursOf(prague, "2026-05-26").getFirst(), "midnight CEST is 22:00 UTC");
    }

    @Property(tries = 300)
    void aWindowIsCompleteOnlyWhenEveryHourHasData(@ForAll("daily") Partitioning day, @ForAll("instants") Instant t) {
        String key = Partitions.containing(day, t);
        Set<String> present = new HashSet<>(PartitionMapping.Window.hoursOf(day, key));
        assertTrue(PartitionMapping.WINDOW.complete(day, key, present::contains));
        String missing = present.iterator().next();
        present.remove(missing);
        assertFalse(PartitionMapping.WINDOW.complete(day, key, present::contains), "without " + missing);
    }

    // ------------------------------------------------------------------ identity and latest

    @Property(tries = 500)
    void identityMapsAPartitionOntoItselfEverywhere(@ForAll("partitioned") Partitioning p, @ForAll("instants") Instant t) {
        String key = Partitions.containing(p, t);
        assertEquals(List.of(key), PartitionMapping.IDENTITY.consumerPartitions(p, key, t.plus(Duration.ofDays(3))));
        assertEquals(new PartitionMapping.Reads.Partitions(List.of(key)), PartitionMapping.IDENTITY.reads(p, key));
        assertEquals(List.of(key), PartitionMapping.IDENTITY.backfilledPartitions(p, p, key));
        assertTrue(PartitionMapping.IDENTITY.complete(p, key, k -> false), "the waiting event is the data");
        assertFalse(PartitionMapping.IDENTITY.readsNewest());
    }

    @Property(tries = 500)
    void latestConcernsThePartitionCurrentWhenTheEventHappened(@ForAll("partitioned") Partitioning p, @ForAll("instants") Instant t) {
        String anyInputPartition = "2001-01-01";
        assertEquals(List.of(Partitions.containing(p, t)), PartitionMapping.LATEST.consumerPartitions(p, anyInputPartition, t));
        assertEquals(new PartitionMapping.Reads.Newest(), PartitionMapping.LATEST.reads(p, Partitions.containing(p, t)));
        assertTrue(PartitionMapping.LATEST.readsNewest());
        assertTrue(PartitionMapping.LATEST.complete(p, Partitions.containing(p, t), k -> false));
    }

    @Test
    void aBackfillRebuildsTheSameKeysThroughIdentityAndLatestOnlyWhenTheGrainsMatch() {
        Partitioning prague = DAILY.get(0);
        assertEquals(List.of("2026-05-26"), PartitionMapping.LATEST.backfilledPartitions(prague, prague, "2026-05-26"));
        assertEquals(List.of(), PartitionMapping.LATEST.backfilledPartitions(HOURLY, prague, "2026-05-26T10"));
        assertEquals(List.of(), PartitionMapping.IDENTITY.backfilledPartitions(HOURLY, prague, "2026-05-26T10"));
    }

    // ------------------------------------------------------------------ loading

    @Test
    void eachMappingAcceptsTheGrainsItJoins() {
        for (PartitionGrain in : PartitionGrain.values()) {
            for (PartitionGrain mine : PartitionGrain.values()) {
                assertEquals(in == mine, PartitionMapping.IDENTITY.accepts(in, mine), in + " -> " + mine);
                assertEquals(in == PartitionGrain.HOURLY && mine == PartitionGrain.DAILY, PartitionMapping.WINDOW.accepts(in, mine));
                assertTrue(PartitionMapping.LATEST.accepts(in, mine));
            }
        }
    }

    @Test
    void theYamlWordsNameTheMappingsAndAnUndeclaredOneIsIdentity() {
        for (PartitionMapping m : PartitionMapping.ALL) {
            assertEquals(Optional.of(m), PartitionMapping.fromYaml(m.yamlName()));
        }
        assertEquals(List.of("identity", "window", "latest"), PartitionMapping.ALL.stream().map(PartitionMapping::yamlName).toList());
        assertEquals(Optional.empty(), PartitionMapping.fromYaml("Window"));
        SourcePos pos = new SourcePos("p.yaml", 1, 1);
        assertEquals(PartitionMapping.IDENTITY, new Input("raw.x", Optional.empty(), pos).mapping());
        assertEquals(PartitionMapping.LATEST, new Input("raw.x", Optional.of(PartitionMapping.LATEST), pos).mapping());
    }
}
