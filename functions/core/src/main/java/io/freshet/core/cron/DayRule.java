package io.freshet.core.cron;

import java.time.DayOfWeek;
import java.time.YearMonth;

/**
 * Which days of a month an expression fires on. AWS requires exactly one of day-of-month and
 * day-of-week to be {@code ?}; the other one becomes the expression's day rule.
 *
 * <p>Rules answer for a whole month at once, as a bit mask, so that searching for the next or
 * previous firing day costs a few operations per month rather than per day.
 */
sealed interface DayRule {

    /**
     * The days of {@code month} this rule fires on: bit {@code d} is set for day {@code d}
     * (1..31); bit 0 is never set. Days past the end of the month are never set.
     */
    long matchingDays(YearMonth month);

    /** Day of week the AWS way: 1 = Sunday ... 7 = Saturday. */
    static int awsDayOfWeek(DayOfWeek day) {
        return day.getValue() % 7 + 1;
    }

    /** Plain day numbers, {@code *}, lists, ranges and steps. 31 simply never fires in shorter months. */
    record DaysOfMonth(ValueSet days) implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            long mask = 0;
            for (int day = days.ceiling(1); day != -1 && day <= month.lengthOfMonth(); day = days.ceiling(day + 1)) {
                mask |= 1L << day;
            }
            return mask;
        }
    }

    /** {@code L} in day-of-month. */
    record LastDayOfMonth() implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            return 1L << month.lengthOfMonth();
        }
    }

    /** {@code LW}: the last Monday-to-Friday of the month. */
    record LastWeekdayOfMonth() implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            int last = month.lengthOfMonth();
            int day = switch (month.atDay(last).getDayOfWeek()) {
                case SATURDAY -> last - 1;
                case SUNDAY -> last - 2;
                default -> last;
            };
            return 1L << day;
        }
    }

    /**
     * {@code nW}: the weekday nearest to day n, staying inside the month. A Saturday moves back to
     * Friday unless that leaves the month (1W on Saturday the 1st fires Monday the 3rd); a Sunday
     * moves on to Monday unless that leaves the month (31W on Sunday the 31st fires Friday the 29th).
     * In a month without day n (31W in April) it does not fire, like plain 31.
     */
    record NearestWeekday(int day) implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            int last = month.lengthOfMonth();
            if (day > last) {
                return 0;
            }
            int fires = switch (month.atDay(day).getDayOfWeek()) {
                case SATURDAY -> day == 1 ? 3 : day - 1;
                case SUNDAY -> day == last ? day - 2 : day + 1;
                default -> day;
            };
            return 1L << fires;
        }
    }

    /** Day-of-week numbers (1 = SUN), {@code *}, lists, ranges, steps, and {@code L} alone (= 7). */
    record DaysOfWeek(ValueSet days) implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            int firstDayOfWeek = awsDayOfWeek(month.atDay(1).getDayOfWeek());
            long mask = 0;
            for (int day = 1; day <= month.lengthOfMonth(); day++) {
                if (days.contains((firstDayOfWeek + day - 2) % 7 + 1)) {
                    mask |= 1L << day;
                }
            }
            return mask;
        }
    }

    /** {@code nL} in day-of-week: the last day n of the month, e.g. 6L = the last Friday. */
    record LastDayOfWeekInMonth(int dayOfWeek) implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            int last = month.lengthOfMonth();
            int back = (awsDayOfWeek(month.atDay(last).getDayOfWeek()) - dayOfWeek + 7) % 7;
            return 1L << (last - back);
        }
    }

    /** {@code n#k}: the k-th day n of the month (k = 1..5), e.g. 2#1 = the first Monday. */
    record NthDayOfWeekInMonth(int dayOfWeek, int nth) implements DayRule {
        @Override
        public long matchingDays(YearMonth month) {
            int first = 1 + (dayOfWeek - awsDayOfWeek(month.atDay(1).getDayOfWeek()) + 7) % 7;
            int day = first + 7 * (nth - 1);
            return day <= month.lengthOfMonth() ? 1L << day : 0;
        }
    }
}
