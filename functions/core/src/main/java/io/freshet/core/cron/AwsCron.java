package io.freshet.core.cron;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A cron expression with the semantics of Amazon EventBridge and EventBridge Scheduler: six fields,
 * {@code minutes hours day-of-month month day-of-week year}, written either bare
 * ({@code 0 1 * * ? *}) or wrapped ({@code cron(0 1 * * ? *)}).
 *
 * <h2>Fields</h2>
 * <ul>
 *   <li>minutes 0-59, hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or
 *       SUN-SAT (1 = Sunday, as in AWS), year 1970-2199. Names and letters are case-insensitive.
 *   <li>{@code ,} lists, {@code -} ranges, {@code *}, and {@code /} steps ({@code 0/15},
 *       {@code *}{@code /5}, {@code 10-40/10}). Month and day-of-week ranges may wrap around
 *       ({@code FRI-MON}, {@code NOV-FEB}); other ranges must go from low to high.
 *   <li>Exactly one of day-of-month and day-of-week must be {@code ?}; the other decides the days.
 *   <li>Day-of-month also takes {@code L} (last day), {@code LW} (last weekday) and {@code nW}
 *       (weekday nearest to day n, never leaving the month: 1W on Saturday the 1st is Monday the
 *       3rd, 31W on Sunday the 31st is Friday the 29th). A day the month does not have (31, 31W in
 *       April, 30 in February) never fires in that month.
 *   <li>Day-of-week also takes {@code L} alone (Saturday), {@code nL} (the last day n of the month,
 *       {@code 6L} = last Friday) and {@code n#k} (the k-th day n of the month, k = 1..5;
 *       {@code 2#1} = first Monday). These forms, like {@code L} and {@code W}, must stand alone
 *       in their field.
 * </ul>
 *
 * <h2>Time zones and daylight saving</h2>
 * Fields are matched against the wall-clock time in the zone passed to each method. Where the wall
 * clock jumps, Freshet decides (like {@link ZonedDateTime#ofLocal} with no preferred offset):
 * <ul>
 *   <li>A wall time that does not exist, because it falls in a spring-forward gap, fires at that
 *       time shifted forward by the length of the gap: 02:30 on 2026-03-29 in Europe/Prague fires
 *       at 03:30 CEST. A daily schedule therefore still runs exactly once that day.
 *   <li>A wall time that occurs twice, at fall-back, fires once, at its first occurrence (the
 *       earlier offset): 02:30 on 2026-10-25 in Europe/Prague fires at 02:30 CEST = 00:30Z.
 *   <li>Fire times are distinct instants: when a shifted time coincides with another fire time
 *       (02:30 shifted to 03:30 by an hourly schedule that also fires at 03:30) it fires once.
 * </ul>
 * Because of the shift, fire instants within a day are not in the order of their wall times
 * (02:30 becomes 03:30, after wall 03:00), so each day's instants are computed and sorted.
 *
 * <h2>Cost</h2>
 * Searches step through dates, skipping years and months the expression excludes and testing a
 * whole month's days at once; only on matching dates are the matching hours and minutes turned into
 * instants. A search never goes past the year 2199, so an expression that never fires
 * ({@code 0 0 30 2 ? *}) answers empty quickly.
 *
 * <p>Instances are immutable and thread-safe. Equality is by {@link #expression()}.
 */
public final class AwsCron {

    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 2199;

    /**
     * How many days of wall time a fire instant can lie away from the date it was computed for,
     * rounded up. A gap shifts a wall time forward by its length, and after a fall-back the wall
     * clock shows earlier times again; no zone has had a gap of more than 24 hours
     * (Pacific/Kwajalein 1993, Pacific/Apia 2011 skipped a whole day) or an overlap of more than
     * 23 hours since 1970, so two days is enough. Searches look this far beyond the date where an
     * answer could first appear, and keep looking this far past the date of the first answer found.
     */
    private static final int DST_MARGIN_DAYS = 2;

    // Instants outside these cannot be converted to wall time in every zone (Instant.MAX); they
    // are clamped before that, which is safe because every fire time lies well inside them.
    private static final Instant EARLIEST_SEARCH = Instant.parse("1960-01-01T00:00:00Z");
    private static final Instant LATEST_SEARCH = Instant.parse("2210-01-01T00:00:00Z");

    private static final long SECONDS_PER_DAY = 86_400;
    private static final long MAX_OFFSET_SECONDS = 18 * 3600;

    private final String expression;
    private final ValueSet minutes;
    private final ValueSet hours;
    private final DayRule days;
    private final ValueSet months;
    private final ValueSet years;

    AwsCron(String expression, ValueSet minutes, ValueSet hours, DayRule days, ValueSet months, ValueSet years) {
        this.expression = expression;
        this.minutes = minutes;
        this.hours = hours;
        this.days = days;
        this.months = months;
        this.years = years;
    }

    /**
     * Parses {@code 0 1 * * ? *} or {@code cron(0 1 * * ? *)}, with any whitespace around it.
     *
     * @throws CronSyntaxException if the expression is not a valid AWS cron expression
     */
    public static AwsCron parse(String expression) {
        Objects.requireNonNull(expression, "expression");
        return CronParser.parse(expression);
    }

    /**
     * Parses like {@link #parse(String)} and also refuses an expression that never fires from 1970
     * to 2199 (0 0 30 2 ? *), which AWS accepts; and, when {@code notBefore} is given, one that
     * never fires at or after it (a year field naming only past years). The loader passes the
     * clock when validating and nothing when a function loads its packaged pipelines, so that a
     * deployed project does not stop loading on the day its last fire time passes.
     *
     * @throws CronSyntaxException naming the day or year field that makes it never fire
     */
    public static AwsCron parseFiring(String expression, Optional<Instant> notBefore) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(notBefore, "notBefore");
        return CronParser.parseFiring(expression, notBefore);
    }

    /** The same expression with every year allowed: to tell whether the year field is what makes it never fire. */
    AwsCron withEveryYear() {
        BitSet all = new BitSet();
        all.set(MIN_YEAR, MAX_YEAR + 1);
        return new AwsCron(expression, minutes, hours, days, months, new ValueSet(all));
    }

    /** Whether any date from 1970 to 2199 matches the date fields. */
    boolean hasAnyDate() {
        return nextDate(LocalDate.of(MIN_YEAR, 1, 1)) != null;
    }

    /** The six fields as written, separated by single spaces, without {@code cron(...)}. */
    public String expression() {
        return expression;
    }

    /** The earliest fire time strictly after {@code after}, or empty if there is none (up to 2199). */
    public Optional<Instant> next(Instant after, ZoneId zone) {
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(zone, "zone");
        Instant best = null;
        LocalDate firstHit = null;
        LocalDate from = wallDate(after, zone).minusDays(DST_MARGIN_DAYS);
        for (LocalDate date = nextDate(from); date != null; date = nextDate(date.plusDays(1))) {
            if (firstHit != null && date.isAfter(firstHit.plusDays(DST_MARGIN_DAYS))) {
                break;
            }
            for (Instant fire : firesOn(date, zone)) {
                if (fire.isAfter(after)) {
                    if (best == null || fire.isBefore(best)) {
                        best = fire;
                    }
                    if (firstHit == null) {
                        firstHit = date;
                    }
                    break; // firesOn is sorted: the rest of this date is later
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The latest fire time strictly before {@code before}, or empty if there is none (from 1970). */
    public Optional<Instant> previous(Instant before, ZoneId zone) {
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(zone, "zone");
        Instant best = null;
        LocalDate firstHit = null;
        LocalDate from = wallDate(before, zone).plusDays(DST_MARGIN_DAYS);
        for (LocalDate date = previousDate(from); date != null; date = previousDate(date.minusDays(1))) {
            if (firstHit != null && date.isBefore(firstHit.minusDays(DST_MARGIN_DAYS))) {
                break;
            }
            List<Instant> fires = firesOn(date, zone);
            for (int i = fires.size() - 1; i >= 0; i--) {
                Instant fire = fires.get(i);
                if (fire.isBefore(before)) {
                    if (best == null || fire.isAfter(best)) {
                        best = fire;
                    }
                    if (firstHit == null) {
                        firstHit = date;
                    }
                    break;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The fire times in {@code (fromExclusive, toInclusive]}, ascending, at most {@code limit} of
     * them: the same instants as calling {@link #next} repeatedly, computed a day at a time.
     */
    public List<Instant> fireTimes(Instant fromExclusive, Instant toInclusive, ZoneId zone, int limit) {
        Objects.requireNonNull(fromExclusive, "fromExclusive");
        Objects.requireNonNull(toInclusive, "toInclusive");
        Objects.requireNonNull(zone, "zone");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        if (limit == 0 || !toInclusive.isAfter(fromExclusive)) {
            return List.of();
        }
        TreeSet<Instant> found = new TreeSet<>();
        LocalDate limitReached = null;
        LocalDate last = wallDate(toInclusive, zone).plusDays(DST_MARGIN_DAYS);
        LocalDate from = wallDate(fromExclusive, zone).minusDays(DST_MARGIN_DAYS);
        for (LocalDate date = nextDate(from); date != null && !date.isAfter(last); date = nextDate(date.plusDays(1))) {
            // Once we hold 'limit' instants, dates more than the margin later can only add later ones.
            if (limitReached != null && date.isAfter(limitReached.plusDays(DST_MARGIN_DAYS))) {
                break;
            }
            for (Instant fire : firesOn(date, zone)) {
                if (fire.isAfter(fromExclusive) && !fire.isAfter(toInclusive)) {
                    found.add(fire);
                }
            }
            while (found.size() > limit) {
                found.pollLast();
            }
            if (limitReached == null && found.size() == limit) {
                limitReached = date;
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(found));
    }

    /** Whether {@code t} is one of the fire times, exactly as {@link #next} and {@link #previous} see them. */
    public boolean firesAt(Instant t, ZoneId zone) {
        Objects.requireNonNull(t, "t");
        Objects.requireNonNull(zone, "zone");
        LocalDate wall = wallDate(t, zone);
        LocalDate last = wall.plusDays(DST_MARGIN_DAYS);
        for (LocalDate date = nextDate(wall.minusDays(DST_MARGIN_DAYS)); date != null && !date.isAfter(last);
                date = nextDate(date.plusDays(1))) {
            if (Collections.binarySearch(firesOn(date, zone), t) >= 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The instants the expression fires at for the wall-clock times of {@code date} (which must
     * match the date fields), sorted and distinct. Gap and overlap handling is {@link ZonedDateTime#ofLocal}'s.
     */
    private List<Instant> firesOn(LocalDate date, ZoneId zone) {
        List<Instant> fires = new ArrayList<>();
        ZoneOffset offset = offsetThroughout(date, zone.getRules());
        if (offset != null) {
            // The common case, a day without a transition: plain arithmetic, already in order.
            long midnight = date.toEpochDay() * SECONDS_PER_DAY - offset.getTotalSeconds();
            hours.stream().forEach(hour -> minutes.stream().forEach(minute ->
                    fires.add(Instant.ofEpochSecond(midnight + hour * 3600L + minute * 60L))));
            return fires;
        }
        hours.stream().forEach(hour -> minutes.stream().forEach(minute ->
                fires.add(ZonedDateTime.ofLocal(date.atTime(hour, minute), zone, null).toInstant())));
        // Usually already in order; not around a gap, where shifted times overtake later wall times.
        Collections.sort(fires);
        List<Instant> distinct = new ArrayList<>(fires.size());
        for (Instant fire : fires) {
            if (distinct.isEmpty() || !distinct.getLast().equals(fire)) {
                distinct.add(fire);
            }
        }
        return distinct;
    }

    /**
     * The zone's offset if it is the same for every instant that a wall time on {@code date} can
     * map to, or null if a transition is near. Offsets lie within ±18 hours, so it suffices that no
     * transition falls within 18 hours of the date taken as UTC.
     */
    private static ZoneOffset offsetThroughout(LocalDate date, ZoneRules rules) {
        Instant from = Instant.ofEpochSecond(date.toEpochDay() * SECONDS_PER_DAY - MAX_OFFSET_SECONDS);
        Instant to = Instant.ofEpochSecond((date.toEpochDay() + 1) * SECONDS_PER_DAY + MAX_OFFSET_SECONDS);
        ZoneOffsetTransition transition = rules.nextTransition(from);
        return transition == null || transition.getInstant().isAfter(to) ? rules.getOffset(from) : null;
    }

    /** The first date on or after {@code from} whose year, month and day match, or null. */
    private LocalDate nextDate(LocalDate from) {
        for (int year = years.ceiling(from.getYear()); year != -1; year = years.ceiling(year + 1)) {
            boolean fromYear = year == from.getYear();
            for (int month = months.ceiling(fromYear ? from.getMonthValue() : 1); month != -1;
                    month = months.ceiling(month + 1)) {
                long matching = days.matchingDays(YearMonth.of(year, month));
                if (fromYear && month == from.getMonthValue()) {
                    matching &= -1L << from.getDayOfMonth(); // only days >= from
                }
                if (matching != 0) {
                    return LocalDate.of(year, month, Long.numberOfTrailingZeros(matching));
                }
            }
        }
        return null;
    }

    /** The last date on or before {@code from} whose year, month and day match, or null. */
    private LocalDate previousDate(LocalDate from) {
        for (int year = years.floor(from.getYear()); year != -1; year = years.floor(year - 1)) {
            boolean fromYear = year == from.getYear();
            for (int month = months.floor(fromYear ? from.getMonthValue() : 12); month != -1;
                    month = months.floor(month - 1)) {
                long matching = days.matchingDays(YearMonth.of(year, month));
                if (fromYear && month == from.getMonthValue()) {
                    matching &= (2L << from.getDayOfMonth()) - 1; // only days <= from
                }
                if (matching != 0) {
                    return LocalDate.of(year, month, 63 - Long.numberOfLeadingZeros(matching));
                }
            }
        }
        return null;
    }

    /** The wall-clock date of {@code t} in {@code zone}, for instants any search could care about. */
    private static LocalDate wallDate(Instant t, ZoneId zone) {
        Instant clamped = t.isBefore(EARLIEST_SEARCH) ? EARLIEST_SEARCH : t.isAfter(LATEST_SEARCH) ? LATEST_SEARCH : t;
        return LocalDate.ofInstant(clamped, zone);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwsCron other && expression.equals(other.expression);
    }

    @Override
    public int hashCode() {
        return expression.hashCode();
    }

    /** {@code cron(<expression>)}, the form EventBridge takes. */
    @Override
    public String toString() {
        return "cron(" + expression + ")";
    }
}
