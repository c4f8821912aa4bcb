package io.freshet.core.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Freshet's daylight-saving rules. In Europe/Prague in 2026 clocks go from 02:00 CET to 03:00 CEST
 * on 29 March, and from 03:00 CEST back to 02:00 CET on 25 October.
 */
class AwsCronDaylightSavingTest {

    private static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");

    private static List<Instant> instants(String... isoInstants) {
        return Arrays.stream(isoInstants).map(Instant::parse).toList();
    }

    /** Fire times by calling next repeatedly, to check next as well as fireTimes. */
    private static List<Instant> byNext(AwsCron cron, Instant from, Instant to, ZoneId zone) {
        List<Instant> fires = new ArrayList<>();
        for (Optional<Instant> t = cron.next(from, zone); t.isPresent() && !t.get().isAfter(to); t = cron.next(t.get(), zone)) {
            fires.add(t.get());
        }
        return fires;
    }

    /** How many fire times fall on each wall-clock date of the zone. */
    private static Map<LocalDate, Integer> perDay(List<Instant> fires, ZoneId zone) {
        Map<LocalDate, Integer> counts = new TreeMap<>();
        for (Instant fire : fires) {
            counts.merge(LocalDate.ofInstant(fire, zone), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void dailyInTheSpringGapFiresOnceShiftedForward() {
        AwsCron cron = AwsCron.parse("30 2 * * ? *");
        Instant from = Instant.parse("2026-03-27T00:00:00Z");
        Instant to = Instant.parse("2026-03-31T00:00:00Z");
        // 02:30 CET = 01:30Z; on the 29th 02:30 does not exist and fires at 03:30 CEST = 01:30Z;
        // from the 30th 02:30 CEST = 00:30Z.
        List<Instant> expected = instants(
                "2026-03-27T01:30:00Z", "2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z");
        assertEquals(expected, cron.fireTimes(from, to, PRAGUE, 100));
        assertEquals(expected, byNext(cron, from, to, PRAGUE));
        assertEquals(expected.reversed(), byPrevious(cron, to, from, PRAGUE));
    }

    @Test
    void dailyInTheAutumnOverlapFiresOnceAtTheFirstOccurrence() {
        AwsCron cron = AwsCron.parse("30 2 * * ? *");
        Instant from = Instant.parse("2026-10-23T00:00:00Z");
        Instant to = Instant.parse("2026-10-27T00:00:00Z");
        // 02:30 on the 25th happens at 00:30Z (CEST) and again at 01:30Z (CET); only the first fires.
        List<Instant> expected = instants(
                "2026-10-23T00:30:00Z", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
        assertEquals(expected, cron.fireTimes(from, to, PRAGUE, 100));
        assertEquals(expected, byNext(cron, from, to, PRAGUE));
        assertEquals(expected.reversed(), byPrevious(cron, to, from, PRAGUE));
        assertEquals(Optional.of(Instant.parse("2026-10-26T01:30:00Z")),
                cron.next(Instant.parse("2026-10-25T01:00:00Z"), PRAGUE), "the second 02:30 is not a fire time");
    }

    @Test
    void hourlyAcrossTheSpringDayCollapsesTheShiftedTimeIntoTheRealOne() {
        AwsCron cron = AwsCron.parse("30 * * * ? *");
        // Wall-clock days 28, 29 and 30 March in Prague.
        Instant from = Instant.parse("2026-03-27T23:00:00Z");
        Instant to = Instant.parse("2026-03-30T22:00:00Z");
        List<Instant> fires = cron.fireTimes(from, to, PRAGUE, 1000);
        assertEquals(fires, byNext(cron, from, to, PRAGUE));
        assertEquals(Map.of(LocalDate.parse("2026-03-28"), 24, LocalDate.parse("2026-03-29"), 23,
                LocalDate.parse("2026-03-30"), 24), perDay(fires, PRAGUE));
        // Around the gap: 01:30 CET, then 02:30 shifted to 03:30 CEST which is also 03:30 itself, then 04:30.
        assertTrue(fires.containsAll(instants("2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-03-29T02:30:00Z")));
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), cron.next(Instant.parse("2026-03-29T00:30:00Z"), PRAGUE).orElseThrow());
        assertEquals(Instant.parse("2026-03-29T02:30:00Z"), cron.next(Instant.parse("2026-03-29T01:30:00Z"), PRAGUE).orElseThrow());
    }

    @Test
    void hourlyAcrossTheAutumnDayFiresTheRepeatedHourOnce() {
        AwsCron cron = AwsCron.parse("30 * * * ? *");
        // Wall-clock days 24, 25 and 26 October in Prague.
        Instant from = Instant.parse("2026-10-23T22:00:00Z");
        Instant to = Instant.parse("2026-10-26T23:00:00Z");
        List<Instant> fires = cron.fireTimes(from, to, PRAGUE, 1000);
        assertEquals(fires, byNext(cron, from, to, PRAGUE));
        // The 25th is 25 hours long but 02:30 fires only once: 24.
        assertEquals(Map.of(LocalDate.parse("2026-10-24"), 24, LocalDate.parse("2026-10-25"), 24,
                LocalDate.parse("2026-10-26"), 24), perDay(fires, PRAGUE));
        // 01:30 CEST, 02:30 CEST, (not 02:30 CET), 03:30 CET.
        assertEquals(Instant.parse("2026-10-25T00:30:00Z"), cron.next(Instant.parse("2026-10-24T23:30:00Z"), PRAGUE).orElseThrow());
        assertEquals(Instant.parse("2026-10-25T02:30:00Z"), cron.next(Instant.parse("2026-10-25T00:30:00Z"), PRAGUE).orElseThrow());
    }

    @Test
    void shiftedTimesThatCoincideWithRealOnesFireOnce() {
        // 02:00 and 03:00 CEST both become 01:00Z; 02:30 and 03:30 CEST both 01:30Z.
        AwsCron cron = AwsCron.parse("0,30 2-3 29 3 ? 2026");
        assertEquals(instants("2026-03-29T01:00:00Z", "2026-03-29T01:30:00Z"),
                cron.fireTimes(Instant.parse("2026-03-28T00:00:00Z"), Instant.parse("2026-03-30T00:00:00Z"), PRAGUE, 10));
        assertEquals(Instant.parse("2026-03-29T01:30:00Z"), cron.previous(Instant.parse("2027-01-01T00:00:00Z"), PRAGUE).orElseThrow());
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), cron.previous(Instant.parse("2026-03-29T01:30:00Z"), PRAGUE).orElseThrow());
    }

    @Test
    void shiftedTimeComesAfterALaterWallTime() {
        // On Lord Howe Island (+10:30, +11:00 in summer) 02:00 becomes 02:30 on 2026-10-04. Wall 02:10
        // is shifted to 02:40, after the real 02:35: fire times are in instant order, not wall order.
        ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
        AwsCron cron = AwsCron.parse("10,35 2 4 10 ? 2026");
        Instant from = Instant.parse("2026-10-03T00:00:00Z");
        List<Instant> expected = instants("2026-10-03T15:35:00Z", "2026-10-03T15:40:00Z");
        assertEquals(expected, cron.fireTimes(from, Instant.parse("2026-10-05T00:00:00Z"), lordHowe, 10));
        assertEquals(expected, byNext(cron, from, Instant.parse("2026-10-05T00:00:00Z"), lordHowe));
        assertEquals(expected.reversed(), byPrevious(cron, Instant.parse("2027-01-01T00:00:00Z"), from, lordHowe));
    }

    @Test
    void halfHourShiftOnLordHowe() {
        // Lord Howe Island moves between +10:30 and +11:00. On 2026-10-04 02:00 becomes 02:30;
        // on 2026-04-05 02:00 becomes 01:30, so 01:30-02:00 happens twice.
        ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
        AwsCron cron = AwsCron.parse("15 2 * * ? *");
        // 02:15 does not exist on 4 Oct: it fires at 02:45 +11:00 = 15:45Z on the 3rd.
        assertEquals(Instant.parse("2026-10-03T15:45:00Z"),
                cron.next(Instant.parse("2026-10-03T00:00:00Z"), lordHowe).orElseThrow());
        AwsCron repeated = AwsCron.parse("45 1 * * ? *");
        // 01:45 on 5 Apr happens at +11:00 (14:45Z on the 4th) and at +10:30 (15:15Z on the 4th):
        // only the first fires. 01:45 on 6 Apr is 15:15Z on the 5th.
        assertEquals(instants("2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"),
                repeated.fireTimes(Instant.parse("2026-04-04T00:00:00Z"), Instant.parse("2026-04-06T00:00:00Z"), lordHowe, 10));
    }

    @Test
    void wholeDaySkippedBySamoa() {
        // Pacific/Apia went from -10:00 to +14:00 at the end of 29 Dec 2011: 30 Dec never happened
        // on its clocks. Its wall times shift forward by the 24-hour gap onto 31 Dec and coincide.
        ZoneId apia = ZoneId.of("Pacific/Apia");
        AwsCron cron = AwsCron.parse("0 12 * * ? *");
        Instant from = Instant.parse("2011-12-29T00:00:00Z");
        Instant to = Instant.parse("2012-01-01T00:00:00Z");
        // Noon on the 29th at -10:00; the 30th's noon shifted to the 31st's; noon on 1 Jan at +14:00.
        List<Instant> expected = instants("2011-12-29T22:00:00Z", "2011-12-30T22:00:00Z", "2011-12-31T22:00:00Z");
        assertEquals(expected, cron.fireTimes(from, to, apia, 10));
        assertEquals(expected, byNext(cron, from, to, apia));
        assertEquals(expected.reversed(), byPrevious(cron, to, from, apia));
    }

    private static List<Instant> byPrevious(AwsCron cron, Instant from, Instant to, ZoneId zone) {
        List<Instant> fires = new ArrayList<>();
        for (Optional<Instant> t = cron.previous(from, zone); t.isPresent() && !t.get().isBefore(to); t = cron.previous(t.get(), zone)) {
            fires.add(t.get());
        }
        return fires;
    }
}
