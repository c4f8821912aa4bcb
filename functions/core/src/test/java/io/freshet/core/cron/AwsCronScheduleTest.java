package io.freshet.core.cron;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Fire times of concrete expressions, mostly in UTC so that the calendar is the only thing at play. */
class AwsCronScheduleTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    /** The first {@code count} fire times after {@code from}, by calling next repeatedly. */
    private static List<Instant> nextFires(String expression, String from, int count, ZoneId zone) {
        AwsCron cron = AwsCron.parse(expression);
        List<Instant> fires = new ArrayList<>();
        Instant t = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            t = cron.next(t, zone).orElseThrow();
            fires.add(t);
        }
        return fires;
    }

    private static List<Instant> nextFires(String expression, String from, int count) {
        return nextFires(expression, from, count, UTC);
    }

    /** The last {@code count} fire times before {@code before}, latest first. */
    private static List<Instant> previousFires(String expression, String before, int count) {
        AwsCron cron = AwsCron.parse(expression);
        List<Instant> fires = new ArrayList<>();
        Instant t = Instant.parse(before);
        for (int i = 0; i < count; i++) {
            t = cron.previous(t, UTC).orElseThrow();
            fires.add(t);
        }
        return fires;
    }

    private static List<Instant> instants(String... isoInstants) {
        return Arrays.stream(isoInstants).map(Instant::parse).toList();
    }

    /** Examples from the EventBridge Scheduler documentation. 2026-01-01 is a Thursday. */
    @Nested
    class AwsDocumentationExamples {

        @Test
        void tenAmEveryDay() {
            assertEquals(instants("2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"),
                    nextFires("0 10 * * ? *", "2026-01-01T09:59:59Z", 3));
        }

        @Test
        void quarterPastNoonEveryDay() {
            assertEquals(instants("2026-01-02T12:15:00Z", "2026-01-03T12:15:00Z"),
                    nextFires("15 12 * * ? *", "2026-01-01T12:15:00Z", 2));
        }

        @Test
        void sixPmMondayToFriday() {
            // Thursday, Friday, then over the weekend to Monday.
            assertEquals(instants("2026-01-01T18:00:00Z", "2026-01-02T18:00:00Z", "2026-01-05T18:00:00Z"),
                    nextFires("0 18 ? * MON-FRI *", "2026-01-01T00:00:00Z", 3));
        }

        @Test
        void eightAmOnTheFirstOfEveryMonth() {
            assertEquals(instants("2026-02-01T08:00:00Z", "2026-03-01T08:00:00Z", "2026-04-01T08:00:00Z"),
                    nextFires("0 8 1 * ? *", "2026-01-01T08:00:00Z", 3));
        }

        @Test
        void everyFifteenMinutes() {
            assertEquals(instants("2026-01-01T23:45:00Z", "2026-01-02T00:00:00Z", "2026-01-02T00:15:00Z"),
                    nextFires("0/15 * * * ? *", "2026-01-01T23:30:00Z", 3));
        }

        @Test
        void everyTenMinutesMondayToFriday() {
            // From Friday 23:40 the next are 23:50, then Monday 00:00.
            assertEquals(instants("2026-01-02T23:50:00Z", "2026-01-05T00:00:00Z", "2026-01-05T00:10:00Z"),
                    nextFires("0/10 * ? * MON-FRI *", "2026-01-02T23:40:00Z", 3));
        }

        @Test
        void everyFiveMinutesDuringWorkingHoursMondayToFriday() {
            assertEquals(instants("2026-01-02T17:50:00Z", "2026-01-02T17:55:00Z", "2026-01-05T08:00:00Z"),
                    nextFires("0/5 8-17 ? * MON-FRI *", "2026-01-02T17:45:00Z", 3));
            assertEquals(instants("2026-01-02T17:55:00Z", "2026-01-02T17:50:00Z"),
                    previousFires("0/5 8-17 ? * MON-FRI *", "2026-01-05T08:00:00Z", 2));
        }

        @Test
        void nineAmOnTheFirstMondayOfEveryMonth() {
            assertEquals(instants("2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z",
                            "2026-04-06T09:00:00Z", "2026-05-04T09:00:00Z", "2026-06-01T09:00:00Z"),
                    nextFires("0 9 ? * 2#1 *", "2026-01-01T00:00:00Z", 6));
        }
    }

    @Nested
    class DayOfMonthSpecials {

        @Test
        void lastDayOfTheMonthIncludingLeapFebruary() {
            assertEquals(instants("2026-01-31T00:00:00Z", "2026-02-28T00:00:00Z", "2026-03-31T00:00:00Z",
                            "2026-04-30T00:00:00Z"),
                    nextFires("0 0 L * ? *", "2026-01-01T00:00:00Z", 4));
            assertEquals(instants("2028-02-29T12:00:00Z"), nextFires("0 12 L 2 ? *", "2027-03-01T00:00:00Z", 1));
        }

        @Test
        void lastWeekdayMovesBackFromSaturdayAndSunday() {
            // Jan 2026 ends on a Saturday, Feb on a Saturday, Mar on a Tuesday, May on a Sunday.
            assertEquals(instants("2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-31T00:00:00Z",
                            "2026-04-30T00:00:00Z", "2026-05-29T00:00:00Z"),
                    nextFires("0 0 LW * ? *", "2026-01-01T00:00:00Z", 5));
        }

        @Test
        void nearestWeekdayOnAWeekdayIsThatDay() {
            assertEquals(instants("2026-01-15T00:00:00Z"), nextFires("0 0 15W * ? *", "2026-01-01T00:00:00Z", 1));
        }

        @Test
        void nearestWeekdayToASaturdayIsFridayAndToASundayIsMonday() {
            // 15 Feb 2026 is a Sunday, 15 Aug 2026 a Saturday.
            assertEquals(instants("2026-02-16T00:00:00Z"), nextFires("0 0 15W 2 ? *", "2026-01-01T00:00:00Z", 1));
            assertEquals(instants("2026-08-14T00:00:00Z"), nextFires("0 0 15W 8 ? *", "2026-01-01T00:00:00Z", 1));
        }

        @Test
        void nearestWeekdayNeverLeavesTheMonth() {
            // 1 Aug 2026 is a Saturday: not Friday 31 July but Monday 3 August.
            assertEquals(instants("2026-08-03T00:00:00Z"), nextFires("0 0 1W 8 ? *", "2026-07-01T00:00:00Z", 1));
            // 1 Feb 2026 is a Sunday: Monday the 2nd, as usual.
            assertEquals(instants("2026-02-02T00:00:00Z"), nextFires("0 0 1W 2 ? *", "2026-01-01T00:00:00Z", 1));
            // 31 May 2026 is a Sunday: not Monday 1 June but Friday 29 May.
            assertEquals(instants("2026-05-29T00:00:00Z"), nextFires("0 0 31W 5 ? *", "2026-01-01T00:00:00Z", 1));
            // 31 Jan 2026 is a Saturday: Friday the 30th.
            assertEquals(instants("2026-01-30T00:00:00Z"), nextFires("0 0 31W 1 ? *", "2026-01-01T00:00:00Z", 1));
            // 28 Feb 2027 is a Sunday, the last day: Friday the 26th.
            assertEquals(instants("2027-02-26T00:00:00Z"), nextFires("0 0 28W 2 ? 2027", "2026-01-01T00:00:00Z", 1));
        }

        @Test
        void nearestWeekdayToADayTheMonthLacksDoesNotFire() {
            // No 31 April, June, September or November; 31 May 2026 is a Sunday (so the 29th),
            // 31 July a Friday, 31 Aug a Monday.
            assertEquals(instants("2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z",
                            "2026-10-30T00:00:00Z"),
                    nextFires("0 0 31W * ? *", "2026-04-01T00:00:00Z", 4));
            assertEquals(Optional.empty(), AwsCron.parse("0 0 30W 2 ? *").next(Instant.parse("2026-01-01T00:00:00Z"), UTC));
        }

        @Test
        void dayThirtyOneSkipsShortMonths() {
            assertEquals(instants("2026-01-31T00:00:00Z", "2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z"),
                    nextFires("0 0 31 * ? *", "2026-01-01T00:00:00Z", 3));
        }

        @Test
        void rangesAndStepsOfDays() {
            assertEquals(instants("2026-01-01T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-21T00:00:00Z",
                            "2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z"),
                    nextFires("0 0 1/10 * ? *", "2025-12-31T23:59:00Z", 5));
            assertEquals(instants("2026-01-05T00:00:00Z", "2026-01-07T00:00:00Z", "2026-02-05T00:00:00Z"),
                    nextFires("0 0 5-8/2 * ? *", "2026-01-01T00:00:00Z", 3));
        }
    }

    @Nested
    class DayOfWeekSpecials {

        @Test
        void lastFridayOfTheMonth() {
            assertEquals(instants("2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z",
                            "2026-04-24T00:00:00Z"),
                    nextFires("0 0 ? * 6L *", "2026-01-01T00:00:00Z", 4));
            assertEquals(nextFires("0 0 ? * 6L *", "2026-01-01T00:00:00Z", 4),
                    nextFires("0 0 ? * fril *", "2026-01-01T00:00:00Z", 4));
        }

        @Test
        void lastSundayWhenTheMonthEndsOnASunday() {
            assertEquals(instants("2026-05-31T00:00:00Z"), nextFires("0 0 ? 5 1L *", "2026-01-01T00:00:00Z", 1));
        }

        @Test
        void lAloneIsSaturday() {
            assertEquals(instants("2026-01-03T00:00:00Z", "2026-01-10T00:00:00Z"),
                    nextFires("0 0 ? * L *", "2026-01-01T00:00:00Z", 2));
        }

        @Test
        void fifthFridayOnlyInMonthsThatHaveOne() {
            assertEquals(instants("2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z"),
                    nextFires("0 0 ? * 6#5 *", "2026-01-01T00:00:00Z", 3));
        }

        @Test
        void thirdTuesdayByName() {
            assertEquals(instants("2026-01-20T07:30:00Z", "2026-02-17T07:30:00Z"),
                    nextFires("30 7 ? * TUE#3 *", "2026-01-01T00:00:00Z", 2));
        }

        @Test
        void dayOfWeekRangeWrapsAroundTheWeekend() {
            // Thu 1 Jan 2026: Fri 2, Sat 3, Sun 4, Mon 5, then Fri 9.
            assertEquals(instants("2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                            "2026-01-05T00:00:00Z", "2026-01-09T00:00:00Z"),
                    nextFires("0 0 ? * FRI-MON *", "2026-01-01T00:00:00Z", 5));
        }

        @Test
        void everyOtherDayOfTheWeekFromSunday() {
            // 1/2 = SUN, TUE, THU, SAT.
            assertEquals(instants("2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z",
                            "2026-01-06T00:00:00Z"),
                    nextFires("0 0 ? * 1/2 *", "2025-12-31T12:00:00Z", 4));
        }

        @Test
        void namesAreCaseInsensitive() {
            assertEquals(nextFires("0 0 ? JAN MON *", "2026-01-01T00:00:00Z", 5),
                    nextFires("0 0 ? jan Mon *", "2026-01-01T00:00:00Z", 5));
            assertEquals(instants("2026-01-05T00:00:00Z", "2026-01-12T00:00:00Z", "2026-01-19T00:00:00Z",
                            "2026-01-26T00:00:00Z", "2027-01-04T00:00:00Z"),
                    nextFires("0 0 ? jan Mon *", "2026-01-01T00:00:00Z", 5));
        }
    }

    @Nested
    class MonthsAndYears {

        @Test
        void monthRangeWrapsAroundNewYear() {
            assertEquals(instants("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z",
                            "2027-02-01T00:00:00Z", "2027-11-01T00:00:00Z"),
                    nextFires("0 0 1 NOV-FEB ? *", "2026-03-01T00:00:00Z", 5));
        }

        @Test
        void singleYear() {
            AwsCron cron = AwsCron.parse("0 0 1 1 ? 2030");
            assertEquals(Optional.of(Instant.parse("2030-01-01T00:00:00Z")), cron.next(Instant.parse("2026-05-01T00:00:00Z"), UTC));
            assertEquals(Optional.empty(), cron.next(Instant.parse("2030-01-01T00:00:00Z"), UTC));
            assertEquals(Optional.of(Instant.parse("2030-01-01T00:00:00Z")), cron.previous(Instant.parse("2100-01-01T00:00:00Z"), UTC));
            assertEquals(Optional.empty(), cron.previous(Instant.parse("2030-01-01T00:00:00Z"), UTC));
        }

        @Test
        void yearListsRangesAndSteps() {
            assertEquals(instants("2028-06-01T00:00:00Z", "2029-06-01T00:00:00Z", "2030-06-01T00:00:00Z",
                            "2040-06-01T00:00:00Z", "2050-06-01T00:00:00Z"),
                    nextFires("0 0 1 6 ? 2026,2028-2030,2040/10", "2026-07-01T00:00:00Z", 5));
        }

        @Test
        void yearRangeThatHasPassedNeverFiresAgain() {
            AwsCron cron = AwsCron.parse("0 0 ? * MON 2020-2022");
            assertEquals(Optional.empty(), cron.next(Instant.parse("2026-01-01T00:00:00Z"), UTC));
            // 26 Dec 2022 was the last Monday of 2022.
            assertEquals(Optional.of(Instant.parse("2022-12-26T00:00:00Z")), cron.previous(Instant.parse("2026-01-01T00:00:00Z"), UTC));
        }

        @Test
        void lastAndFirstPossibleFireTimes() {
            AwsCron everyMinute = AwsCron.parse("* * * * ? *");
            assertEquals(Optional.of(Instant.parse("1970-01-01T00:00:00Z")), everyMinute.next(Instant.MIN, UTC));
            assertEquals(Optional.of(Instant.parse("2199-12-31T23:59:00Z")), everyMinute.previous(Instant.MAX, UTC));
            assertEquals(Optional.empty(), everyMinute.next(Instant.parse("2199-12-31T23:59:00Z"), UTC));
            assertEquals(Optional.empty(), everyMinute.previous(Instant.parse("1970-01-01T00:00:00Z"), UTC));
            assertEquals(Optional.empty(), everyMinute.next(Instant.MAX, UTC));
            assertEquals(Optional.empty(), everyMinute.previous(Instant.MIN, UTC));
            // The year bounds are wall-clock years of the zone, not UTC years.
            ZoneId kiritimati = ZoneId.of("Pacific/Kiritimati");
            assertEquals(Optional.of(Instant.parse("2199-12-31T09:59:00Z")), everyMinute.previous(Instant.MAX, kiritimati));
        }

        @Test
        void expressionsThatNeverFire() {
            for (String expression : List.of("0 0 30 2 ? *", "0 0 31 4,6,9,11 ? *", "0 0 30W 2 ? *", "0 0 29 2 ? 2100-2103")) {
                AwsCron cron = AwsCron.parse(expression);
                Instant now = Instant.parse("2026-05-26T10:00:00Z");
                assertAll(expression,
                        () -> assertEquals(Optional.empty(), cron.next(now, UTC)),
                        () -> assertEquals(Optional.empty(), cron.previous(now, UTC)),
                        () -> assertEquals(List.of(), cron.fireTimes(Instant.MIN, Instant.MAX, UTC, 10)));
            }
        }

        @Test
        void leapDayFiresOnlyInLeapYears() {
            assertEquals(instants("2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z", "2036-02-29T00:00:00Z"),
                    nextFires("0 0 29 2 ? *", "2026-01-01T00:00:00Z", 3));
            // 2100 is not a leap year.
            assertEquals(instants("2096-02-29T00:00:00Z", "2104-02-29T00:00:00Z"),
                    nextFires("0 0 29 2 ? *", "2095-01-01T00:00:00Z", 2));
        }
    }

    @Nested
    class Api {

        private final AwsCron daily = AwsCron.parse("0 10 * * ? *");

        @Test
        void nextAndPreviousAreStrict() {
            Instant fire = Instant.parse("2026-01-01T10:00:00Z");
            assertEquals(Optional.of(Instant.parse("2026-01-02T10:00:00Z")), daily.next(fire, UTC));
            assertEquals(Optional.of(Instant.parse("2025-12-31T10:00:00Z")), daily.previous(fire, UTC));
            assertEquals(Optional.of(fire), daily.next(fire.minusNanos(1), UTC));
            assertEquals(Optional.of(fire), daily.previous(fire.plusNanos(1), UTC));
        }

        @Test
        void wallTimeOfTheGivenZone() {
            ZoneId newYork = ZoneId.of("America/New_York");
            assertEquals(instants("2026-01-01T15:00:00Z", "2026-07-01T14:00:00Z"),
                    List.of(daily.next(Instant.parse("2026-01-01T00:00:00Z"), newYork).orElseThrow(),
                            daily.next(Instant.parse("2026-07-01T00:00:00Z"), newYork).orElseThrow()));
            ZoneId kolkata = ZoneId.of("Asia/Kolkata");
            assertEquals(Optional.of(Instant.parse("2026-01-01T04:30:00Z")), daily.next(Instant.parse("2026-01-01T00:00:00Z"), kolkata));
        }

        @Test
        void firesAt() {
            assertAll(
                    () -> assertTrue(daily.firesAt(Instant.parse("2026-01-01T10:00:00Z"), UTC)),
                    () -> assertFalse(daily.firesAt(Instant.parse("2026-01-01T10:00:00.001Z"), UTC)),
                    () -> assertFalse(daily.firesAt(Instant.parse("2026-01-01T10:01:00Z"), UTC)),
                    () -> assertFalse(daily.firesAt(Instant.parse("2026-01-01T10:00:00Z"), ZoneId.of("Europe/Prague"))),
                    () -> assertTrue(daily.firesAt(Instant.parse("2026-01-01T09:00:00Z"), ZoneId.of("Europe/Prague"))),
                    () -> assertFalse(daily.firesAt(Instant.MAX, UTC)),
                    () -> assertFalse(daily.firesAt(Instant.MIN, UTC)));
        }

        @Test
        void fireTimesIsHalfOpenAndLimited() {
            Instant from = Instant.parse("2026-01-01T10:00:00Z");
            Instant to = Instant.parse("2026-01-04T10:00:00Z");
            assertEquals(instants("2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z", "2026-01-04T10:00:00Z"),
                    daily.fireTimes(from, to, UTC, 10));
            assertEquals(instants("2026-01-02T10:00:00Z", "2026-01-03T10:00:00Z"), daily.fireTimes(from, to, UTC, 2));
            assertEquals(List.of(), daily.fireTimes(from, to, UTC, 0));
            assertEquals(List.of(), daily.fireTimes(to, from, UTC, 10));
            assertEquals(List.of(), daily.fireTimes(from, from, UTC, 10));
            assertThrows(IllegalArgumentException.class, () -> daily.fireTimes(from, to, UTC, -1));
        }

        @Test
        void fireTimesOverAWholeDayOfMinutes() {
            List<Instant> fires = AwsCron.parse("* * * * ? *")
                    .fireTimes(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-02T00:00:00Z"), UTC, 5000);
            assertEquals(1440, fires.size());
            assertEquals(Instant.parse("2026-01-01T00:01:00Z"), fires.getFirst());
            assertEquals(Instant.parse("2026-01-02T00:00:00Z"), fires.getLast());
        }
    }
}
