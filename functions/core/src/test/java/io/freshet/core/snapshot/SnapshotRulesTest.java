package io.freshet.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.model.Partitioning;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.snapshot.SnapshotRules.Read;
import io.freshet.core.snapshot.SnapshotRules.Taken;

class SnapshotRulesTest {

    static final PartitionGrain DAILY = PartitionGrain.DAILY;

    static Map<String, String> range(String after, String upTo) {
        return new WatermarkRange(Optional.ofNullable(after), Optional.ofNullable(upTo)).metadata();
    }

    @Test
    void aRangeRoundTripsThroughEventMetadata() {
        for (WatermarkRange r : new WatermarkRange[] {new WatermarkRange(Optional.empty(), Optional.of("7")),
                new WatermarkRange(Optional.of("3"), Optional.of("7")), new WatermarkRange(Optional.empty(), Optional.empty())}) {
            assertEquals(Optional.of(r), WatermarkRange.recordedIn(r.metadata()));
        }
        assertEquals(Optional.empty(), WatermarkRange.recordedIn(Map.of("watermark", "7", "rows", "3")), "an event from before ranges were recorded");
    }

    @Test
    void theFirstPartitionReadsEveryRowAndEachNewOneContinuesFromTheNewestTaken() {
        assertEquals(new Read.Next(Optional.empty()), SnapshotRules.incremental("raw.taps", DAILY, "2026-12-01", Optional.empty(), Optional.empty()));
        Taken first = new Taken("2026-12-01", range(null, "2026-12-01 23:59:00+00"));
        assertEquals(new Read.Next(Optional.of("2026-12-01 23:59:00+00")),
                SnapshotRules.incremental("raw.taps", DAILY, "2026-12-02", Optional.empty(), Optional.of(first)));
        // Days skipped (an outage without catch-up): the next partition still starts where the newest ended.
        assertEquals(new Read.Next(Optional.of("2026-12-01 23:59:00+00")),
                SnapshotRules.incremental("raw.taps", DAILY, "2026-12-09", Optional.empty(), Optional.of(first)));
        // An event from before ranges were recorded still says where the next partition starts.
        assertEquals(new Read.Next(Optional.of("41")),
                SnapshotRules.incremental("raw.taps", DAILY, "2026-12-02", Optional.empty(), Optional.of(new Taken("2026-12-01", Map.of("watermark", "41")))));
    }

    @Test
    void aPartitionAlreadyTakenReadsItsRangeAgainWhateverCameLater() {
        Map<String, String> dec2 = range("2026-12-01 23:59:00+00", "2026-12-02 23:58:00+00");
        Taken dec5 = new Taken("2026-12-05", range("2026-12-04 23:00:00+00", "2026-12-05 23:00:00+00"));
        assertEquals(new Read.Again(new WatermarkRange(Optional.of("2026-12-01 23:59:00+00"), Optional.of("2026-12-02 23:58:00+00"))),
                SnapshotRules.incremental("raw.taps", DAILY, "2026-12-02", Optional.of(dec2), Optional.of(dec5)));
        // The newest itself too (a retry after its event was recorded, a code change): the same rows, not the ones since.
        assertInstanceOf(Read.Again.class, SnapshotRules.incremental("raw.taps", DAILY, "2026-12-05", Optional.of(dec5.metadata()), Optional.of(dec5)));
    }

    @Test
    void aPartitionNeverTakenOlderThanTheNewestIsRefusedSayingWhy() {
        Taken dec5 = new Taken("2026-12-05", range("2026-12-04 23:00:00+00", "2026-12-05 23:00:00+00"));
        Read r = SnapshotRules.incremental("raw.taps", DAILY, "2026-12-03", Optional.empty(), Optional.of(dec5));
        String reason = assertInstanceOf(Read.Refused.class, r).reason();
        assertTrue(reason.startsWith("raw.taps/2026-12-03 was never snapshotted, and a later partition, 2026-12-05, already took the rows up to"
                + " watermark 2026-12-05 23:00:00+00"), reason);
    }

    @Test
    void aPartitionWhoseRangeIsUnknownIsRefusedUnlessNothingWasTakenSince() {
        Taken empty = new Taken("2026-12-01", range(null, null));
        assertEquals(new Read.Next(Optional.empty()), SnapshotRules.incremental("raw.taps", DAILY, "2026-12-01", Optional.of(empty.metadata()),
                Optional.of(empty)), "an empty first read, nothing since: read as new");
        Taken later = new Taken("2026-12-02", range(null, "9"));
        assertInstanceOf(Read.Refused.class, SnapshotRules.incremental("raw.taps", DAILY, "2026-12-01", Optional.of(empty.metadata()), Optional.of(later)));
        String legacy = assertInstanceOf(Read.Refused.class, SnapshotRules.incremental("raw.taps", DAILY, "2026-12-01",
                Optional.of(Map.of("watermark", "41")), Optional.of(later))).reason();
        assertTrue(legacy.contains("without a recorded watermark range"), legacy);
    }

    @Test
    void anUnpartitionedTableMovesForwardOnEveryRun() {
        Taken only = new Taken("", range("3", "7"));
        assertEquals(new Read.Next(Optional.of("7")), SnapshotRules.incremental("raw.log", PartitionGrain.NONE, "", Optional.of(only.metadata()), Optional.of(only)));
        assertEquals(new Read.Next(Optional.empty()), SnapshotRules.incremental("raw.log", PartitionGrain.NONE, "", Optional.empty(), Optional.empty()));
    }

    @Test
    void aFullSnapshotOfAPastPartitionIsRefusedUnlessForced() {
        Partitioning prague = new Partitioning(DAILY, ZoneId.of("Europe/Prague"), Optional.empty());
        Instant nightly = Instant.parse("2026-12-03T00:00:00Z"); // 01:00 in Prague: the fire for 2 December
        assertEquals(Optional.empty(), SnapshotRules.fullSnapshotRefusal("raw.stations", prague, "2026-12-02", nightly, false));
        assertEquals(Optional.empty(), SnapshotRules.fullSnapshotRefusal("raw.stations", prague, "2026-12-03", nightly, false), "today, in progress");
        String reason = SnapshotRules.fullSnapshotRefusal("raw.stations", prague, "2026-12-01", nightly, false).orElseThrow();
        assertTrue(reason.contains("raw.stations is a full snapshot") && reason.contains("2026-12-01") && reason.contains("--force"), reason);
        assertEquals(Optional.empty(), SnapshotRules.fullSnapshotRefusal("raw.stations", prague, "2026-12-01", nightly, true));
        // 23:30 UTC on 2 December is already 3 December in Prague: 2 December is complete and current, 1 December past.
        assertEquals(Optional.empty(), SnapshotRules.fullSnapshotRefusal("raw.stations", prague, "2026-12-02", Instant.parse("2026-12-02T23:30:00Z"), false));
        assertTrue(SnapshotRules.fullSnapshotRefusal("raw.stations", prague, "2026-12-01", Instant.parse("2026-12-02T23:30:00Z"), false).isPresent());
        Partitioning hourly = Partitioning.of(PartitionGrain.HOURLY);
        assertTrue(SnapshotRules.fullSnapshotRefusal("raw.h", hourly, "2026-12-02T08", Instant.parse("2026-12-02T10:05:00Z"), false).isPresent());
        assertEquals(Optional.empty(), SnapshotRules.fullSnapshotRefusal("raw.h", hourly, "2026-12-02T09", Instant.parse("2026-12-02T10:05:00Z"), false));
        assertEquals(Optional.empty(), SnapshotRules.fullSnapshotRefusal("raw.u", Partitioning.NONE, "", nightly, false));
    }
}
