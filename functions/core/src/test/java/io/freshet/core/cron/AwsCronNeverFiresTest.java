package io.freshet.core.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link AwsCron#parseFiring} refuses what AWS accepts and never runs: no date matches the day,
 * month and year fields together, or (given the clock) no fire time is left.
 */
class AwsCronNeverFiresTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 0 30 2 ? *|day-of-month field '30': the expression never fires: no month '2' has such a day|4",
            "0 0 31 4,6,9,11 ? *|day-of-month field '31': the expression never fires: no month '4,6,9,11' has such a day|4",
            "0 0 30W FEB ? *|day-of-month field '30W': the expression never fires: no month 'FEB' has such a day|4",
            "cron(0 0 29 2 ? 2027)|year field '2027': the expression never fires: no day of these years matches day-of-month '29' in month '2'|16",
            "0 0 ? 2 MON#5 2027-2031|year field '2027-2031': the expression never fires: no day of these years matches day-of-week 'MON#5' in month '2'|14",
            "0 1 * * ? 2020|year field '2020': the expression never fires again: every fire time is in the past; its last fire time was 2020-12-31T01:00:00Z|10",
            "0 1 L 11 ? 1970-2025|year field '1970-2025': the expression never fires again: every fire time is in the past; its last fire time was 2025-11-30T01:00:00Z|11"})
    void namesTheFieldThatMakesItNeverFire(String expression, String message, int offset) {
        CronSyntaxException e = assertThrows(CronSyntaxException.class, () -> AwsCron.parseFiring(expression, Optional.of(NOW)));
        assertEquals(message, e.getMessage());
        assertEquals(offset, e.offset());
    }

    @Test
    void withoutAClockOnlyTheImpossibleIsRefused() {
        assertEquals("0 1 * * ? 2020", AwsCron.parseFiring("0 1 * * ? 2020", Optional.empty()).expression());
        assertThrows(CronSyntaxException.class, () -> AwsCron.parseFiring("0 0 30 2 ? *", Optional.empty()));
        // Leap days fire in leap years; a Monday the 29th of February exists (2016, 2044).
        assertEquals("0 0 29 2 ? *", AwsCron.parseFiring("0 0 29 2 ? *", Optional.of(NOW)).expression());
        assertEquals("0 0 ? 2 2#5 *", AwsCron.parseFiring("0 0 ? 2 2#5 *", Optional.of(NOW)).expression());
    }

    /** Refused exactly when the engine finds no fire time after the clock: the check and the engine agree. */
    @Property(tries = 2000)
    void refusedExactlyWhenTheEngineFindsNoFireTime(@ForAll @IntRange(min = 1, max = 32) int day,
                                                   @ForAll @IntRange(min = 1, max = 12) int month,
                                                   @ForAll @IntRange(min = 0, max = 6) int dayForm,
                                                   @ForAll @IntRange(min = 2016, max = 2040) int year,
                                                   @ForAll @IntRange(min = 0, max = 3) int yearForm) {
        String days = switch (dayForm) {
            case 0 -> day + " ";
            case 1 -> day + "W ";
            case 2 -> "L ";
            case 3 -> "LW ";
            case 4 -> "? " ;
            case 5 -> day + "," + (day % 28 + 1) + " ";
            default -> "? ";
        };
        String weekDays = switch (dayForm) {
            case 4 -> (day % 7 + 1) + "#" + (day % 5 + 1);
            case 6 -> (day % 7 + 1) + "L";
            default -> "?";
        };
        String years = switch (yearForm) {
            case 0 -> "*";
            case 1 -> String.valueOf(year);
            case 2 -> year + "-" + (year + 3);
            default -> year + "/4";
        };
        String expression = "0 0 " + days + month + " " + weekDays + " " + years;
        AwsCron cron;
        try {
            cron = AwsCron.parse(expression);
        } catch (CronSyntaxException e) {
            return; // 32 is out of range: a syntax error either way
        }
        boolean fires = cron.next(NOW, ZoneOffset.UTC).isPresent();
        if (fires) {
            assertEquals(cron, AwsCron.parseFiring(expression, Optional.of(NOW)));
        } else {
            assertThrows(CronSyntaxException.class, () -> AwsCron.parseFiring(expression, Optional.of(NOW)), expression);
        }
    }
}
