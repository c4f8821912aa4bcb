package io.freshet.core.cron;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * An independent model of AWS cron for {@link AwsCronPropertiesTest}: each generated field carries,
 * next to its text, a predicate written directly from the AWS definition, and the brute-force
 * references scan minute by minute for the next or previous time the model matches.
 *
 * <p>The references skip, in one step, any day whose date fields do not match; that keeps a scan
 * to 2199 (for expressions that fire rarely or never) cheap, so no sample needs to be discarded.
 */
final class CronModel {

    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 2199;

    private CronModel() {
    }

    /** A generated minute, hour, month or year field: its text and the values it matches. */
    record Field(String text, IntPredicate matches) {
        Field or(Field other) {
            return new Field(text + "," + other.text, matches.or(other.matches));
        }
    }

    /** A generated day-of-month or day-of-week field; {@code ?} matches nothing by itself. */
    record DayField(String text, Predicate<LocalDate> matches) {
        static final DayField UNSPECIFIED = new DayField("?", d -> false);
    }

    record Expr(Field minute, Field hour, DayField dayOfMonth, Field month, DayField dayOfWeek, Field year) {
        String text() {
            return String.join(" ", minute.text, hour.text, dayOfMonth.text, month.text, dayOfWeek.text, year.text);
        }

        boolean matchesDate(LocalDate d) {
            DayField days = dayOfMonth == DayField.UNSPECIFIED ? dayOfWeek : dayOfMonth;
            return year.matches.test(d.getYear()) && month.matches.test(d.getMonthValue()) && days.matches.test(d);
        }

        boolean matches(LocalDateTime t) {
            return matchesDate(t.toLocalDate()) && hour.matches.test(t.getHour()) && minute.matches.test(t.getMinute());
        }

        @Override
        public String toString() {
            return "cron(" + text() + ")";
        }
    }

    record Sample(Expr expr, Instant instant, ZoneId zone) {
        AwsCron cron() {
            return AwsCron.parse(expr.text());
        }

        @Override
        public String toString() {
            return expr + " at " + instant + " in " + zone;
        }
    }

    /** Sunday = 1 ... Saturday = 7, spelled out rather than computed like the implementation. */
    static int awsDayOfWeek(LocalDate d) {
        return switch (d.getDayOfWeek()) {
            case SUNDAY -> 1;
            case MONDAY -> 2;
            case TUESDAY -> 3;
            case WEDNESDAY -> 4;
            case THURSDAY -> 5;
            case FRIDAY -> 6;
            case SATURDAY -> 7;
        };
    }

    static boolean isWeekday(LocalDate d) {
        return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    /** nW as "the Monday-to-Friday of this month closest to day n" (there are never ties). */
    static boolean isNearestWeekday(LocalDate d, int n) {
        if (n > d.lengthOfMonth() || !isWeekday(d)) {
            return false;
        }
        for (int other = 1; other <= d.lengthOfMonth(); other++) {
            if (isWeekday(d.withDayOfMonth(other)) && Math.abs(other - n) < Math.abs(d.getDayOfMonth() - n)) {
                return false;
            }
        }
        return true;
    }

    /** LW as "a Monday-to-Friday with none later in the month". */
    static boolean isLastWeekday(LocalDate d) {
        if (!isWeekday(d)) {
            return false;
        }
        for (LocalDate later = d.plusDays(1); later.getMonth() == d.getMonth(); later = later.plusDays(1)) {
            if (isWeekday(later)) {
                return false;
            }
        }
        return true;
    }

    /** In a fixed-offset zone wall time and instants correspond one to one: scan wall minutes forwards. */
    static Optional<Instant> bruteNext(Expr e, Instant after, ZoneOffset offset) {
        LocalDateTime t = LocalDateTime.ofInstant(after, offset).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        while (t.getYear() <= MAX_YEAR) {
            if (!e.matchesDate(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
            } else if (e.matches(t)) {
                return Optional.of(t.toInstant(offset));
            } else {
                t = t.plusMinutes(1);
            }
        }
        return Optional.empty();
    }

    static Optional<Instant> brutePrevious(Expr e, Instant before, ZoneOffset offset) {
        LocalDateTime exact = LocalDateTime.ofInstant(before, offset);
        LocalDateTime t = exact.truncatedTo(ChronoUnit.MINUTES);
        if (t.equals(exact)) {
            t = t.minusMinutes(1);
        }
        while (t.getYear() >= MIN_YEAR) {
            if (!e.matchesDate(t.toLocalDate())) {
                t = t.toLocalDate().minusDays(1).atTime(23, 59);
            } else if (e.matches(t)) {
                return Optional.of(t.toInstant(offset));
            } else {
                t = t.minusMinutes(1);
            }
        }
        return Optional.empty();
    }

    /**
     * In a zone with transitions, apply the documented rule to every matching wall minute
     * ({@link ZonedDateTime#ofLocal} with no preferred offset) and take the earliest instant after
     * {@code after}. No gap or overlap in these zones is longer than a day (Apia's 2011 gap is the
     * longest), so wall minutes three days before {@code after}'s date, or three days after the
     * first date with a hit, cannot win.
     */
    static Optional<Instant> bruteNextByWallClock(Expr e, Instant after, ZoneId zone) {
        Instant best = null;
        LocalDate firstHit = null;
        for (LocalDate date = LocalDate.ofInstant(after, zone).minusDays(3);
                date.getYear() <= MAX_YEAR && (firstHit == null || !date.isAfter(firstHit.plusDays(3)));
                date = date.plusDays(1)) {
            for (Instant fire : wallClockFires(e, date, zone)) {
                if (fire.isAfter(after) && (best == null || fire.isBefore(best))) {
                    best = fire;
                    firstHit = firstHit == null ? date : firstHit;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    static Optional<Instant> brutePreviousByWallClock(Expr e, Instant before, ZoneId zone) {
        Instant best = null;
        LocalDate firstHit = null;
        for (LocalDate date = LocalDate.ofInstant(before, zone).plusDays(3);
                date.getYear() >= MIN_YEAR && (firstHit == null || !date.isBefore(firstHit.minusDays(3)));
                date = date.minusDays(1)) {
            for (Instant fire : wallClockFires(e, date, zone)) {
                if (fire.isBefore(before) && (best == null || fire.isAfter(best))) {
                    best = fire;
                    firstHit = firstHit == null ? date : firstHit;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    static List<Instant> wallClockFires(Expr e, LocalDate date, ZoneId zone) {
        List<Instant> fires = new ArrayList<>();
        if (e.matchesDate(date)) {
            for (LocalDateTime t = date.atStartOfDay(); t.toLocalDate().equals(date); t = t.plusMinutes(1)) {
                if (e.matches(t)) {
                    fires.add(ZonedDateTime.ofLocal(t, zone, null).toInstant());
                }
            }
        }
        return fires;
    }
}
