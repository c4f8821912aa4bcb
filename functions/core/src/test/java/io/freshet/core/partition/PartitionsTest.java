package io.freshet.core.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.model.Partitioning;

/**
 * Partition arithmetic with exact keys and instants. Prague changes its clocks on 2026-03-29
 * (02:00 CET becomes 03:00 CEST at 01:00Z, a 23-hour day) and on 2026-10-25 (03:00 CEST becomes
 * 02:00 CET at 01:00Z, a 25-hour day).
 */
class PartitionsTest {

    static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");
    static final Partitioning DAILY_PRAGUE = new Partitioning(PartitionGrain.DAILY, PRAGUE, Optional.empty());
    static final Partitioning DAILY_PRAGUE_FROM_2026 = new Partitioning(PartitionGrain.DAILY, PRAGUE, Optional.of(LocalDate.of(2026, 1, 1)));
    static final Partitioning DAILY_UTC = Partitioning.of(PartitionGrain.DAILY);
    static final Partitioning HOURLY = Partitioning.of(PartitionGrain.HOURLY);
    static final Partitioning NONE = Partitioning.NONE;

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    /** Where the window of {@code key} starts: where the one before it ends. */
    static Instant start(Partitioning p, String key) {
        return Partitions.end(p, Partitions.previous(p, key));
    }

    // ---- daily, in a zone with daylight saving ----------------------------------------------------

    @Test
    void aPragueDayStartsAtLocalMidnight() {
        // Summer (CEST, +02:00): the day of 27 May starts at 22:00Z on 26 May.
        assertEquals("2026-05-26", Partitions.containing(DAILY_PRAGUE, t("2026-05-26T21:59:59.999999999Z")));
        assertEquals("2026-05-27", Partitions.containing(DAILY_PRAGUE, t("2026-05-26T22:00:00Z")));
        // Winter (CET, +01:00): the day of 15 January starts at 23:00Z on 14 January.
        assertEquals("2026-01-14", Partitions.containing(DAILY_PRAGUE, t("2026-01-14T22:59:59Z")));
        assertEquals("2026-01-15", Partitions.containing(DAILY_PRAGUE, t("2026-01-14T23:00:00Z")));
        // The same instant is another day in UTC.
        assertEquals("2026-05-26", Partitions.containing(DAILY_UTC, t("2026-05-26T22:00:00Z")));
        assertEquals("2026-05-26", Partitions.containing(DAILY_UTC, t("2026-05-26T23:59:59Z")));
        assertEquals("2026-05-27", Partitions.containing(DAILY_UTC, t("2026-05-27T00:00:00Z")));
    }

    @Test
    void theSpringForwardDayHas23Hours() {
        String day = "2026-03-29";
        assertEquals(t("2026-03-28T23:00:00Z"), start(DAILY_PRAGUE, day), "midnight CET");
        assertEquals(t("2026-03-29T22:00:00Z"), Partitions.end(DAILY_PRAGUE, day), "midnight CEST");
        assertEquals(Duration.ofHours(23), Duration.between(start(DAILY_PRAGUE, day), Partitions.end(DAILY_PRAGUE, day)));
        assertEquals("2026-03-28", Partitions.containing(DAILY_PRAGUE, t("2026-03-28T22:59:59Z")));
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-03-28T23:00:00Z")));
        // Either side of the jump itself (01:00Z: 02:00 CET becomes 03:00 CEST).
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-03-29T00:59:59Z")));
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-03-29T01:00:00Z")));
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-03-29T21:59:59Z")));
        assertEquals("2026-03-30", Partitions.containing(DAILY_PRAGUE, t("2026-03-29T22:00:00Z")));
        // The neighbours have 24 hours.
        assertEquals(Duration.ofHours(24), Duration.between(start(DAILY_PRAGUE, "2026-03-28"), Partitions.end(DAILY_PRAGUE, "2026-03-28")));
        assertEquals(Duration.ofHours(24), Duration.between(start(DAILY_PRAGUE, "2026-03-30"), Partitions.end(DAILY_PRAGUE, "2026-03-30")));
    }

    @Test
    void theFallBackDayHas25Hours() {
        String day = "2026-10-25";
        assertEquals(t("2026-10-24T22:00:00Z"), start(DAILY_PRAGUE, day), "midnight CEST");
        assertEquals(t("2026-10-25T23:00:00Z"), Partitions.end(DAILY_PRAGUE, day), "midnight CET");
        assertEquals(Duration.ofHours(25), Duration.between(start(DAILY_PRAGUE, day), Partitions.end(DAILY_PRAGUE, day)));
        assertEquals("2026-10-24", Partitions.containing(DAILY_PRAGUE, t("2026-10-24T21:59:59Z")));
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-10-24T22:00:00Z")));
        // 02:30 happens twice: at 00:30Z (CEST) and at 01:30Z (CET); both are the 25th.
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-10-25T00:30:00Z")));
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-10-25T01:30:00Z")));
        assertEquals(day, Partitions.containing(DAILY_PRAGUE, t("2026-10-25T22:59:59Z")));
        assertEquals("2026-10-26", Partitions.containing(DAILY_PRAGUE, t("2026-10-25T23:00:00Z")));
    }

    @Test
    void theLastCompleteDayIsTheOneBeforeTheDayInProgress() {
        // 01:00 Prague on 27 May runs 26 May.
        assertEquals("2026-05-26", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-05-26T23:00:00Z")));
        // Exactly midnight: the day that just ended.
        assertEquals("2026-05-26", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-05-26T22:00:00Z")));
        // A moment before midnight, 26 May is not complete yet.
        assertEquals("2026-05-25", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-05-26T21:59:59Z")));
        // Around the clock changes.
        assertEquals("2026-03-29", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-03-29T22:00:00Z")));
        assertEquals("2026-03-28", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-03-29T21:59:59Z")));
        assertEquals("2026-10-25", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-10-25T23:00:00Z")));
        assertEquals("2026-10-24", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2026-10-25T22:59:59Z")));
        // New year.
        assertEquals("2025-12-31", Partitions.lastCompleteAt(DAILY_PRAGUE, t("2025-12-31T23:00:00Z")));
    }

    @Test
    void previousAndNextDaysCrossMonthsYearsAndLeapDays() {
        assertEquals("2026-02-28", Partitions.previous(DAILY_PRAGUE, "2026-03-01"));
        assertEquals("2024-02-29", Partitions.previous(DAILY_PRAGUE, "2024-03-01"));
        assertEquals("2024-03-01", Partitions.next(DAILY_PRAGUE, "2024-02-29"));
        assertEquals("2027-01-01", Partitions.next(DAILY_PRAGUE, "2026-12-31"));
        assertEquals("2025-12-31", Partitions.previous(DAILY_PRAGUE, "2026-01-01"));
        assertEquals("2026-03-30", Partitions.next(DAILY_PRAGUE, "2026-03-29"));
        assertEquals("2026-10-24", Partitions.previous(DAILY_PRAGUE, "2026-10-25"));
    }

    @Test
    void beforeStartComparesWithTheDeclaredFirstDay() {
        assertTrue(Partitions.beforeStart(DAILY_PRAGUE_FROM_2026, "2025-12-31"));
        assertFalse(Partitions.beforeStart(DAILY_PRAGUE_FROM_2026, "2026-01-01"));
        assertFalse(Partitions.beforeStart(DAILY_PRAGUE_FROM_2026, "2026-05-26"));
        assertFalse(Partitions.beforeStart(DAILY_PRAGUE, "1970-01-01"), "no start: nothing lies before it");
        Partitioning hourlyFrom = new Partitioning(PartitionGrain.HOURLY, ZoneOffset.UTC, Optional.of(LocalDate.of(2026, 1, 1)));
        assertTrue(Partitions.beforeStart(hourlyFrom, "2025-12-31T23"));
        assertFalse(Partitions.beforeStart(hourlyFrom, "2026-01-01T00"));
        assertFalse(Partitions.beforeStart(NONE, ""));
    }

    @Test
    void aDailyRangeHoldsEveryDayOnceAcrossTheClockChanges() {
        assertEquals(List.of("2026-03-28", "2026-03-29", "2026-03-30"), Partitions.range(DAILY_PRAGUE, "2026-03-28", "2026-03-30", 10));
        assertEquals(List.of("2026-10-24", "2026-10-25", "2026-10-26"), Partitions.range(DAILY_PRAGUE, "2026-10-24", "2026-10-26", 10));
        assertEquals(List.of("2025-12-30", "2025-12-31", "2026-01-01"), Partitions.range(DAILY_PRAGUE, "2025-12-30", "2026-01-01", 10));
        assertEquals(List.of("2026-05-26"), Partitions.range(DAILY_PRAGUE, "2026-05-26", "2026-05-26", 1));
        List<String> may = Partitions.range(DAILY_PRAGUE, "2026-05-01", "2026-05-31", 31);
        assertEquals(31, may.size());
        assertEquals("2026-05-01", may.getFirst());
        assertEquals("2026-05-31", may.getLast());
        List<String> leapYear = Partitions.range(DAILY_UTC, "2024-01-01", "2024-12-31", 1000);
        assertEquals(366, leapYear.size());
        assertTrue(leapYear.contains("2024-02-29"));
    }

    @Test
    void aRangeEndingBeforeItStartsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitions.range(DAILY_PRAGUE, "2026-05-31", "2026-05-01", 100));
        assertEquals("the range ends (2026-05-01) before it starts (2026-05-31)", e.getMessage());
    }

    @Test
    void aRangeOverTheLimitIsRefusedAndOneAtTheLimitIsNot() {
        assertEquals(31, Partitions.range(DAILY_PRAGUE, "2026-05-01", "2026-05-31", 31).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitions.range(DAILY_PRAGUE, "2026-05-01", "2026-05-31", 30));
        assertEquals("the range 2026-05-01 .. 2026-05-31 holds more than 30 partitions", e.getMessage());
        IllegalArgumentException h = assertThrows(IllegalArgumentException.class,
                () -> Partitions.range(HOURLY, "2026-05-26T00", "2026-05-26T23", 23));
        assertEquals("the range 2026-05-26T00 .. 2026-05-26T23 holds more than 23 partitions", h.getMessage());
        assertEquals(24, Partitions.range(HOURLY, "2026-05-26T00", "2026-05-26T23", 24).size());
    }

    @Test
    void malformedKeysAreRefusedWithTheExpectedShape() {
        for (String bad : List.of("2026-5-1", "2026-02-30", "2026-13-01", "2026-05-26T00", "26-05-2026", "", "2026-05-26 ")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Partitions.range(DAILY_PRAGUE, bad, "2026-05-31", 100), bad);
            assertEquals("'" + bad + "' is not a daily partition key (expected YYYY-MM-DD)", e.getMessage());
            IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                    () -> Partitions.range(DAILY_PRAGUE, "2026-05-01", bad, 100), bad);
            assertEquals("'" + bad + "' is not a daily partition key (expected YYYY-MM-DD)", e2.getMessage());
        }
        for (String bad : List.of("2026-05-26", "2026-05-26T24", "2026-05-26T7", "2026-05-26 07", "2026-05-26T07:00")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Partitions.range(HOURLY, bad, "2026-05-27T00", 100), bad);
            assertEquals("'" + bad + "' is not a hourly partition key (expected YYYY-MM-DDTHH)", e.getMessage());
        }
        // A malformed key is reported even when the other end would make the range reversed.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Partitions.range(DAILY_PRAGUE, "2026-06-01", "2026-02-30", 100));
        assertEquals("'2026-02-30' is not a daily partition key (expected YYYY-MM-DD)", e.getMessage());
    }

    // ---- hourly: always UTC hours -------------------------------------------------------------------

    @Test
    void hourlyKeysAreUtcHours() {
        assertEquals("2026-05-26T13", Partitions.containing(HOURLY, t("2026-05-26T13:00:00Z")));
        assertEquals("2026-05-26T13", Partitions.containing(HOURLY, t("2026-05-26T13:59:59.999999999Z")));
        assertEquals("2026-05-26T14", Partitions.containing(HOURLY, t("2026-05-26T14:00:00Z")));
        assertEquals("2026-05-26T13", Partitions.lastCompleteAt(HOURLY, t("2026-05-26T14:00:00Z")));
        assertEquals("2026-05-26T12", Partitions.lastCompleteAt(HOURLY, t("2026-05-26T13:59:59Z")));
        assertEquals("2026-05-25T23", Partitions.previous(HOURLY, "2026-05-26T00"));
        assertEquals("2027-01-01T00", Partitions.next(HOURLY, "2026-12-31T23"));
        assertEquals("2024-02-29T00", Partitions.next(HOURLY, "2024-02-28T23"));
        assertEquals(t("2026-05-26T14:00:00Z"), Partitions.end(HOURLY, "2026-05-26T13"));
        assertEquals(t("2027-01-01T00:00:00Z"), Partitions.end(HOURLY, "2026-12-31T23"));
    }

    @Test
    void hourlyKeysIgnoreLocalClockChanges() {
        // A partitioning that (wrongly) carries a zone still keys hours in UTC.
        Partitioning hourlyPrague = new Partitioning(PartitionGrain.HOURLY, PRAGUE, Optional.empty());
        assertEquals("2026-03-29T01", Partitions.containing(hourlyPrague, t("2026-03-29T01:30:00Z")));
        assertEquals(t("2026-03-29T02:00:00Z"), Partitions.end(hourlyPrague, "2026-03-29T01"));
        assertEquals(List.of("2026-03-29T00", "2026-03-29T01", "2026-03-29T02", "2026-03-29T03"),
                Partitions.range(HOURLY, "2026-03-29T00", "2026-03-29T03", 10));
        assertEquals(List.of("2026-10-25T00", "2026-10-25T01", "2026-10-25T02"),
                Partitions.range(HOURLY, "2026-10-25T00", "2026-10-25T02", 10));
        assertEquals(List.of("2026-05-26T22", "2026-05-26T23", "2026-05-27T00", "2026-05-27T01"),
                Partitions.range(HOURLY, "2026-05-26T22", "2026-05-27T01", 10));
    }

    // ---- unpartitioned ------------------------------------------------------------------------------

    @Test
    void anUnpartitionedAssetHasTheOneEmptyKeyThatNeverEnds() {
        assertEquals("", Partitions.containing(NONE, t("2026-05-26T13:00:00Z")));
        assertEquals("", Partitions.lastCompleteAt(NONE, t("2026-05-26T13:00:00Z")));
        assertEquals("", Partitions.previous(NONE, ""));
        assertEquals("", Partitions.next(NONE, ""));
        assertEquals(Instant.MAX, Partitions.end(NONE, ""));
        assertFalse(Partitions.beforeStart(NONE, ""));
        assertEquals(List.of(""), Partitions.range(NONE, "", "", 1));
    }
}
