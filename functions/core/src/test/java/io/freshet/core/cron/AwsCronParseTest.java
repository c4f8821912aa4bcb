package io.freshet.core.cron;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AwsCronParseTest {

    private static final String COUNT = "expected 6 fields (minutes hours day-of-month month day-of-week year), got ";

    @Test
    void acceptsBareAndWrappedFormsWithSurroundingWhitespace() {
        AwsCron bare = AwsCron.parse("0 1 * * ? *");
        AwsCron wrapped = AwsCron.parse("  cron(0 1 * * ? *)\n");
        AwsCron spaced = AwsCron.parse("cron( 0\t1  *  * ?   * )");
        assertAll(
                () -> assertEquals("0 1 * * ? *", bare.expression()),
                () -> assertEquals("0 1 * * ? *", wrapped.expression()),
                () -> assertEquals("0 1 * * ? *", spaced.expression()),
                () -> assertEquals("cron(0 1 * * ? *)", bare.toString()),
                () -> assertEquals(bare, wrapped),
                () -> assertEquals(bare, spaced),
                () -> assertEquals(bare.hashCode(), wrapped.hashCode()));
    }

    @Test
    void keepsFieldsAsWritten() {
        AwsCron cron = AwsCron.parse("0/15 8-17 ? jan-mar mon-fri 2026");
        assertEquals("0/15 8-17 ? jan-mar mon-fri 2026", cron.expression());
        assertEquals("cron(0/15 8-17 ? jan-mar mon-fri 2026)", cron.toString());
        // Equality is on the text, so the same schedule written differently is a different expression.
        assertNotEquals(cron, AwsCron.parse("0/15 8-17 ? JAN-MAR MON-FRI 2026"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "0 10 * * ? *", "15 12 * * ? *", "0 18 ? * MON-FRI *", "0 8 1 * ? *", "0/15 * * * ? *",
            "0/10 * ? * MON-FRI *", "0/5 8-17 ? * MON-FRI *", "0 9 ? * 2#1 *",
            "* * * * ? *", "* * ? * * *", "59 23 31 12 ? 2199", "0 0 1 1 ? 1970",
            "0 0 L * ? *", "0 0 l * ? *", "0 0 LW * ? *", "0 0 lw * ? *", "0 0 15W * ? *", "0 0 1w * ? *",
            "0 0 31W * ? *", "0 0 ? * L *", "0 0 ? * 6L *", "0 0 ? * FRIL *", "0 0 ? * 7#5 *", "0 0 ? * sun#1 *",
            "0 0 ? * FRI-MON *", "0 0 1 NOV-FEB ? *", "0 0 1 DEC-JAN/1 ? *", "0 0 ? * SAT-SUN *",
            "0 0 1 1 ? 2026,2028-2030,2040/10", "*/5 */2 */3 */4 ? */7", "10-40/10 0-23/6 1-31/10 * ? *",
            "0,30 0,12 ? * 1,3,5,7 *", "1-1 2-2 3-3 4-4 ? 2000-2000", "0 0 ? * MON-MON *", "0 0 31 2 ? *",
            "0 0 30 2 ? 1970-1971", "0 0 1 * ? */229",
    })
    void acceptsValidExpressions(String expression) {
        assertEquals(expression.trim(), AwsCron.parse(expression).expression());
    }

    // CHECKSTYLE:method-length because it is one table of invalid expressions, a case a line, grouped by
    // kind under a comment each; it reads best whole, and a method per kind would only add names
    static Stream<Arguments> invalidExpressions() {
        return Stream.of(
                // shape
                Arguments.of("0 1 * * ?", 0, COUNT + "5"),
                Arguments.of("0 1 * * ? * *", 12, COUNT + "7"),
                Arguments.of("", 0, COUNT + "0"),
                Arguments.of("cron()", 5, COUNT + "0"),
                Arguments.of("  cron(0 1 * ? *)", 7, COUNT + "5"),
                Arguments.of("cron(0 1 * * ? *", 16, "missing ')' at the end of cron(...)"),
                Arguments.of("cron(0 1 * * ? *) x", 18, "unexpected text after cron(...)"),
                Arguments.of("rate(5 minutes)", 0, "expected a cron expression, not rate(...)"),
                // values out of range
                Arguments.of("60 * * * ? *", 0, "minute field '60': values must be between 0 and 59"),
                Arguments.of("0 25 * * ? *", 2, "hour field '25': values must be between 0 and 23"),
                Arguments.of("0 0,25 * * ? *", 4, "hour field '25': values must be between 0 and 23"),
                Arguments.of("0 10-25 * * ? *", 2, "hour field '10-25': values must be between 0 and 23"),
                Arguments.of("0 0 32 * ? *", 4, "day-of-month field '32': values must be between 1 and 31"),
                Arguments.of("0 0 0 * ? *", 4, "day-of-month field '0': values must be between 1 and 31"),
                Arguments.of("0 0 1 13 ? *", 6, "month field '13': values must be between 1 and 12"),
                Arguments.of("0 0 ? * 8 *", 8, "day-of-week field '8': values must be between 1 and 7"),
                Arguments.of("0 0 ? * 0 *", 8, "day-of-week field '0': values must be between 1 and 7"),
                Arguments.of("0 0 1 * ? 1969", 10, "year field '1969': values must be between 1970 and 2199"),
                Arguments.of("0 0 1 * ? 2200", 10, "year field '2200': values must be between 1970 and 2199"),
                Arguments.of("0 0 1 * ? 99999999999", 10, "year field '99999999999': values must be between 1970 and 2199"),
                // not a value at all
                Arguments.of("x * * * ? *", 0, "minute field 'x': expected a number between 0 and 59"),
                Arguments.of("-1 * * * ? *", 0, "minute field '-1': expected a number between 0 and 59"),
                Arguments.of("+1 * * * ? *", 0, "minute field '+1': expected a number between 0 and 59"),
                Arguments.of("0 0 1 FOO ? *", 6, "month field 'FOO': expected a number between 1 and 12 or a name JAN-DEC"),
                Arguments.of("0 0 1 L ? *", 6, "month field 'L': expected a number between 1 and 12 or a name JAN-DEC"),
                Arguments.of("0 0 ? * MONDAY *", 8, "day-of-week field 'MONDAY': expected a number between 1 and 7 or a name SUN-SAT"),
                Arguments.of("0 0 ? * MON-FRI-SAT *", 8, "day-of-week field 'MON-FRI-SAT': expected a number between 1 and 7 or a name SUN-SAT"),
                Arguments.of("0 0 ? * *-MON *", 8, "day-of-week field '*-MON': expected a number between 1 and 7 or a name SUN-SAT"),
                Arguments.of("0 0 1 * ? *)", 10, "year field '*)': expected a number between 1970 and 2199"),
                // ranges and steps
                Arguments.of("0 20-10 * * ? *", 2, "hour field '20-10': range start must not be after its end"),
                Arguments.of("0 0 1 * ? 2030-2020", 10, "year field '2030-2020': range start must not be after its end"),
                Arguments.of("0/0 * * * ? *", 0, "minute field '0/0': step must be a number between 1 and 59"),
                Arguments.of("*/60 * * * ? *", 0, "minute field '*/60': step must be a number between 1 and 59"),
                Arguments.of("0 */x * * ? *", 2, "hour field '*/x': step must be a number between 1 and 23"),
                Arguments.of("0 0 1/2/3 * ? *", 4, "day-of-month field '1/2/3': step must be a number between 1 and 30"),
                Arguments.of("0 0 ? * */7 *", 8, "day-of-week field '*/7': step must be a number between 1 and 6"),
                Arguments.of("0 0 1 * ? */230", 10, "year field '*/230': step must be a number between 1 and 229"),
                // lists
                Arguments.of("0 0 1,,2 * ? *", 6, "day-of-month field '1,,2': empty value in list"),
                Arguments.of("0 0 1, * ? *", 6, "day-of-month field '1,': empty value in list"),
                Arguments.of(",0 * * * ? *", 0, "minute field ',0': empty value in list"),
                // ? and the day-of-month / day-of-week pair
                Arguments.of("0 ? * * ? *", 2, "hour field '?': ? is only allowed in day-of-month or day-of-week"),
                Arguments.of("0 0 1 * ? ?", 10, "year field '?': ? is only allowed in day-of-month or day-of-week"),
                Arguments.of("0 0 ?,1 * ? *", 4, "day-of-month field '?,1': ? cannot be combined with other values"),
                Arguments.of("0 0 ? * MON,? *", 12, "day-of-week field 'MON,?': ? cannot be combined with other values"),
                Arguments.of("0 0 * * * *", 4, "day-of-month and day-of-week cannot both be set: use ? in one of them"),
                Arguments.of("0 0 1 * MON *", 4, "day-of-month and day-of-week cannot both be set: use ? in one of them"),
                Arguments.of("0 0 ? * ? *", 4, "day-of-month and day-of-week cannot both be ?: use * in one of them"),
                // L and W in day-of-month
                Arguments.of("0 0 L,1 * ? *", 4, "day-of-month field 'L,1': L cannot be combined with other values"),
                Arguments.of("0 0 LW,1 * ? *", 4, "day-of-month field 'LW,1': LW cannot be combined with other values"),
                Arguments.of("0 0 1,15W * ? *", 6, "day-of-month field '1,15W': W cannot be combined with other values"),
                Arguments.of("0 0 1-5W * ? *", 4, "day-of-month field '1-5W': expected L, LW or a day followed by W such as 15W"),
                Arguments.of("0 0 W * ? *", 4, "day-of-month field 'W': expected L, LW or a day followed by W such as 15W"),
                Arguments.of("0 0 L-3 * ? *", 4, "day-of-month field 'L-3': expected L, LW or a day followed by W such as 15W"),
                Arguments.of("0 0 WL * ? *", 4, "day-of-month field 'WL': expected L, LW or a day followed by W such as 15W"),
                Arguments.of("0 0 32W * ? *", 4, "day-of-month field '32W': values must be between 1 and 31"),
                Arguments.of("0 0 0W * ? *", 4, "day-of-month field '0W': values must be between 1 and 31"),
                // L and # in day-of-week
                Arguments.of("0 0 ? * 2#6 *", 8, "day-of-week field '2#6': week number after # must be between 1 and 5"),
                Arguments.of("0 0 ? * 2#0 *", 8, "day-of-week field '2#0': week number after # must be between 1 and 5"),
                Arguments.of("0 0 ? * 8#1 *", 8, "day-of-week field '8#1': values must be between 1 and 7"),
                Arguments.of("0 0 ? * 2# *", 8, "day-of-week field '2#': expected a day, # and a week number such as 6#3"),
                Arguments.of("0 0 ? * #1 *", 8, "day-of-week field '#1': expected a day, # and a week number such as 6#3"),
                Arguments.of("0 0 ? * 2-3#1 *", 8, "day-of-week field '2-3#1': expected a day, # and a week number such as 6#3"),
                Arguments.of("0 0 ? * 2#1,3#1 *", 8, "day-of-week field '2#1,3#1': # cannot be combined with other values"),
                Arguments.of("0 0 ? * 1,6L *", 10, "day-of-week field '1,6L': L cannot be combined with other values"),
                Arguments.of("0 0 ? * L,MON *", 8, "day-of-week field 'L,MON': L cannot be combined with other values"),
                Arguments.of("0 0 ? * 8L *", 8, "day-of-week field '8L': values must be between 1 and 7"),
                Arguments.of("0 0 ? * 1-5L *", 8, "day-of-week field '1-5L': expected L or a day followed by L such as 6L"),
                Arguments.of("0 0 ? * 6LW *", 8, "day-of-week field '6LW': expected a number between 1 and 7 or a name SUN-SAT"));
    }

    @ParameterizedTest
    @MethodSource("invalidExpressions")
    void rejectsInvalidExpressionsWithPositionAndMessage(String expression, int offset, String message) {
        CronSyntaxException e = assertThrows(CronSyntaxException.class, () -> AwsCron.parse(expression));
        assertAll(
                () -> assertEquals(message, e.getMessage()),
                () -> assertEquals(offset, e.offset()));
    }
}
