package io.freshet.core.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random expressions from the whole grammar, checked against a brute-force reference built from an
 * independent model: each generated field carries, next to its text, a predicate written directly
 * from the AWS definition, so a misreading in the parser or in the search shows up as a difference.
 *
 * <p>The references scan minute by minute but skip, in one step, any day whose date fields do not
 * match; that keeps a scan to 2199 (for expressions that fire rarely or never) cheap, so no sample
 * needs to be discarded.
 */
class AwsCronPropertiesTest {

    private static final int MIN_YEAR = 1970;
    private static final int MAX_YEAR = 2199;
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    private static final List<ZoneId> FIXED_ZONES = List.of(ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30),
            ZoneOffset.ofHours(-3), ZoneOffset.ofHours(14), ZoneOffset.ofHours(-12), ZoneOffset.ofHoursMinutes(5, 45),
            ZoneOffset.ofHoursMinutes(-9, -30));

    /** A zone with daylight saving and the years in which its transitions are worth testing. */
    record DstZone(ZoneId zone, int fromYear, int toYear) {
        DstZone(String id, int fromYear, int toYear) {
            this(ZoneId.of(id), fromYear, toYear);
        }
    }

    private static final List<DstZone> DST_ZONES = List.of(
            new DstZone("Europe/Prague", 1990, 2150),
            new DstZone("America/New_York", 1990, 2150),
            // Moves by 30 minutes.
            new DstZone("Australia/Lord_Howe", 1990, 2150),
            // Until 2011 it changed at 00:01, so the repeated hour at fall-back spans midnight.
            new DstZone("America/St_Johns", 1990, 2011),
            // Changes at midnight.
            new DstZone("America/Santiago", 1990, 2150),
            // Skipped 30 December 2011 entirely (a 24-hour gap), and had daylight saving until 2021.
            new DstZone("Pacific/Apia", 2010, 2020));

    // ---- the model -------------------------------------------------------------------------------

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
    private static int awsDayOfWeek(LocalDate d) {
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

    private static boolean isWeekday(LocalDate d) {
        return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
    }

    /** nW as "the Monday-to-Friday of this month closest to day n" (there are never ties). */
    private static boolean isNearestWeekday(LocalDate d, int n) {
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
    private static boolean isLastWeekday(LocalDate d) {
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

    // ---- generators ------------------------------------------------------------------------------

    enum Spelling { NUMBER, UPPER, LOWER, CAPITALISED }

    private static String spell(int value, int min, List<String> names, Spelling spelling) {
        if (names.isEmpty() || spelling == Spelling.NUMBER) {
            return Integer.toString(value);
        }
        String name = names.get(value - min);
        return switch (spelling) {
            case UPPER, NUMBER -> name;
            case LOWER -> name.toLowerCase(Locale.ROOT);
            case CAPITALISED -> name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
        };
    }

    /** Values from {@code from}, every {@code step}, up to {@code to}; around the cycle if the field wraps. */
    private static IntPredicate walk(int from, int to, int step, int min, int max, boolean wraps) {
        int size = max - min + 1;
        return x -> {
            if (x < min || x > max) {
                return false;
            }
            int distance = wraps ? Math.floorMod(x - from, size) : x - from;
            int length = wraps ? Math.floorMod(to - from, size) : to - from;
            return distance >= 0 && distance <= length && distance % step == 0;
        };
    }

    /** A list of 1-3 elements, each {@code *}, a value, a range, or a step over one of those. */
    private static Arbitrary<Field> field(int min, int max, List<String> names, boolean wraps,
            Arbitrary<Integer> values, Arbitrary<Integer> steps) {
        Arbitrary<Spelling> spellings = names.isEmpty() ? Arbitraries.just(Spelling.NUMBER) : Arbitraries.of(Spelling.class);
        Arbitrary<Field> star = Arbitraries.just(new Field("*", x -> x >= min && x <= max));
        Arbitrary<Field> single = Combinators.combine(values, spellings)
                .as((v, s) -> new Field(spell(v, min, names, s), x -> x == v));
        Arbitrary<Field> range = Combinators.combine(values, values, spellings)
                .as((a, b, s) -> {
                    int from = wraps ? a : Math.min(a, b);
                    int to = wraps ? b : Math.max(a, b);
                    return new Field(spell(from, min, names, s) + "-" + spell(to, min, names, s),
                            walk(from, to, 1, min, max, wraps));
                });
        Arbitrary<Field> stepped = Combinators.combine(Arbitraries.integers().between(0, 2), values, values, steps, spellings)
                .as((kind, a, b, step, s) -> switch (kind) {
                    case 0 -> new Field("*/" + step, walk(min, max, step, min, max, wraps));
                    case 1 -> new Field(spell(a, min, names, s) + "/" + step, walk(a, max, step, min, max, wraps));
                    default -> {
                        int from = wraps ? a : Math.min(a, b);
                        int to = wraps ? b : Math.max(a, b);
                        yield new Field(spell(from, min, names, s) + "-" + spell(to, min, names, s) + "/" + step,
                                walk(from, to, step, min, max, wraps));
                    }
                });
        Arbitrary<Field> element = Arbitraries.frequencyOf(
                Tuple.of(2, star), Tuple.of(4, single), Tuple.of(3, range), Tuple.of(3, stepped));
        return element.list().ofMinSize(1).ofMaxSize(3)
                .map(elements -> elements.stream().reduce(Field::or).orElseThrow());
    }

    private static Arbitrary<Field> field(int min, int max, List<String> names, boolean wraps) {
        return field(min, max, names, wraps, boundaryBiased(min, max), boundaryBiased(1, max - min));
    }

    /**
     * Integers in [min, max], with the bounds drawn more often. The properties turn off jqwik's own
     * edge cases (enumerating them through the nested flatMaps costs more than the checks), so the
     * generators favour the interesting values themselves.
     */
    private static Arbitrary<Integer> boundaryBiased(int min, int max) {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(min, max)), Tuple.of(1, Arbitraries.of(min, max)));
    }

    private static Arbitrary<DayField> daysOfMonth() {
        Arbitrary<DayField> numbers = field(1, 31, List.of(), false)
                .map(f -> new DayField(f.text, d -> f.matches.test(d.getDayOfMonth())));
        Arbitrary<DayField> last = Arbitraries.of("L", "l")
                .map(text -> new DayField(text, d -> d.getDayOfMonth() == d.lengthOfMonth()));
        Arbitrary<DayField> lastWeekday = Arbitraries.of("LW", "lw", "Lw")
                .map(text -> new DayField(text, AwsCronPropertiesTest::isLastWeekday));
        // Bias towards the month ends and starts, where nW has its edge cases.
        Arbitrary<Integer> nearDays = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(1, 31)),
                Tuple.of(1, Arbitraries.of(1, 2, 28, 29, 30, 31)));
        Arbitrary<DayField> nearestWeekday = Combinators.combine(nearDays, Arbitraries.of("W", "w"))
                .as((n, w) -> new DayField(n + w, d -> isNearestWeekday(d, n)));
        return Arbitraries.frequencyOf(
                Tuple.of(6, numbers), Tuple.of(1, last), Tuple.of(1, lastWeekday), Tuple.of(2, nearestWeekday));
    }

    private static Arbitrary<DayField> daysOfWeek() {
        Arbitrary<DayField> days = field(1, 7, DAYS, true)
                .map(f -> new DayField(f.text, d -> f.matches.test(awsDayOfWeek(d))));
        Arbitrary<DayField> saturday = Arbitraries.of("L", "l")
                .map(text -> new DayField(text, d -> d.getDayOfWeek() == DayOfWeek.SATURDAY));
        Arbitrary<Integer> day = Arbitraries.integers().between(1, 7);
        Arbitrary<Spelling> spelling = Arbitraries.of(Spelling.class);
        Arbitrary<DayField> lastInMonth = Combinators.combine(day, spelling)
                .as((n, s) -> new DayField(spell(n, 1, DAYS, s) + "L",
                        d -> awsDayOfWeek(d) == n && d.plusWeeks(1).getMonth() != d.getMonth()));
        Arbitrary<DayField> nth = Combinators.combine(day, spelling, Arbitraries.integers().between(1, 5))
                .as((n, s, k) -> new DayField(spell(n, 1, DAYS, s) + "#" + k,
                        d -> awsDayOfWeek(d) == n && (d.getDayOfMonth() - 1) / 7 + 1 == k));
        return Arbitraries.frequencyOf(
                Tuple.of(5, days), Tuple.of(1, saturday), Tuple.of(2, lastInMonth), Tuple.of(2, nth));
    }

    /** Expressions whose year field mostly lies around {@code anchorYear}, so that most samples fire soon. */
    private static Arbitrary<Expr> expressions(int anchorYear, Arbitrary<Integer> hours) {
        Arbitrary<Field> minute = field(0, 59, List.of(), false);
        Arbitrary<Field> hour = field(0, 23, List.of(), false, hours, boundaryBiased(1, 23));
        Arbitrary<Field> month = field(1, 12, MONTHS, true);
        Arbitrary<Integer> nearYears = Arbitraries.integers()
                .between(Math.max(MIN_YEAR, anchorYear - 2), Math.min(MAX_YEAR, anchorYear + 3));
        Arbitrary<Integer> anyYear = Arbitraries.integers().between(MIN_YEAR, MAX_YEAR);
        Arbitrary<Field> someYears = field(MIN_YEAR, MAX_YEAR, List.of(), false,
                Arbitraries.frequencyOf(Tuple.of(4, nearYears), Tuple.of(1, anyYear)),
                Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.integers().between(1, 4)),
                        Tuple.of(1, Arbitraries.integers().between(1, MAX_YEAR - MIN_YEAR))));
        Arbitrary<Field> year = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(new Field("*", y -> y >= MIN_YEAR && y <= MAX_YEAR))),
                Tuple.of(2, someYears));
        // Exactly one of the two day fields is ?.
        Arbitrary<DayField[]> dayFields = Arbitraries.frequencyOf(
                Tuple.of(1, daysOfMonth().map(dom -> new DayField[] {dom, DayField.UNSPECIFIED})),
                Tuple.of(1, daysOfWeek().map(dow -> new DayField[] {DayField.UNSPECIFIED, dow})));
        return Combinators.combine(minute, hour, dayFields, month, year)
                .as((mi, h, days, mo, y) -> new Expr(mi, h, days[0], mo, days[1], y));
    }

    private static Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.longs().between(
                Instant.parse("1990-01-01T00:00:00Z").getEpochSecond(), Instant.parse("2150-12-31T23:59:59Z").getEpochSecond());
        return Arbitraries.frequencyOf(
                // On a whole minute, so often exactly on a fire time: tests strictness.
                Tuple.of(4, seconds.map(s -> Instant.ofEpochSecond(s - Math.floorMod(s, 60)))),
                Tuple.of(4, seconds.map(Instant::ofEpochSecond)),
                Tuple.of(1, Combinators.combine(seconds, Arbitraries.integers().between(1, 999_999_999))
                        .as((s, n) -> Instant.ofEpochSecond(s, n))));
    }

    /** Within two days of one of the zone's transitions in a random year, or anywhere. */
    private static Arbitrary<Instant> instantsAroundTransitions(DstZone dstZone) {
        ZoneId zone = dstZone.zone();
        Arbitrary<Instant> nearTransition = Combinators.combine(
                        Arbitraries.integers().between(dstZone.fromYear(), dstZone.toYear()), Arbitraries.integers().between(0, 1),
                        Arbitraries.integers().between(-2 * 24 * 60, 2 * 24 * 60), Arbitraries.of(0, 0, 0, 17, 59))
                .as((year, which, minutes, seconds) -> {
                    ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse(year + "-01-01T00:00:00Z"));
                    if (which == 1) {
                        t = zone.getRules().nextTransition(t.getInstant());
                    }
                    return t.getInstant().plus(minutes, ChronoUnit.MINUTES).plusSeconds(seconds);
                });
        return Arbitraries.frequencyOf(Tuple.of(3, nearTransition), Tuple.of(1, instants()));
    }

    private static int yearOf(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).getYear();
    }

    @Provide
    Arbitrary<Sample> fixedOffsetSamples() {
        return instants().flatMap(t -> Combinators.combine(
                        expressions(yearOf(t), boundaryBiased(0, 23)), Arbitraries.of(FIXED_ZONES))
                .as((e, zone) -> new Sample(e, t, zone)));
    }

    @Provide
    Arbitrary<Sample> daylightSavingSamples() {
        // Hours around midnight and 1-3 o'clock, where these zones change their clocks, are drawn more often.
        Arbitrary<Integer> hours = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(0, 23)), Tuple.of(1, Arbitraries.of(22, 23, 0, 1)),
                Tuple.of(1, Arbitraries.integers().between(1, 3)));
        return Arbitraries.of(DST_ZONES).flatMap(zone -> instantsAroundTransitions(zone).flatMap(t ->
                expressions(yearOf(t), hours).map(e -> new Sample(e, t, zone.zone()))));
    }

    // ---- brute-force references ------------------------------------------------------------------

    /** In a fixed-offset zone wall time and instants correspond one to one: scan wall minutes forwards. */
    private static Optional<Instant> bruteNext(Expr e, Instant after, ZoneOffset offset) {
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

    private static Optional<Instant> brutePrevious(Expr e, Instant before, ZoneOffset offset) {
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
    private static Optional<Instant> bruteNextByWallClock(Expr e, Instant after, ZoneId zone) {
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

    private static Optional<Instant> brutePreviousByWallClock(Expr e, Instant before, ZoneId zone) {
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

    private static List<Instant> wallClockFires(Expr e, LocalDate date, ZoneId zone) {
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

    // ---- properties ------------------------------------------------------------------------------

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void generatedExpressionsParseAsWritten(@ForAll("fixedOffsetSamples") Sample sample) {
        AwsCron cron = sample.cron();
        assertEquals(sample.expr().text(), cron.expression());
        assertEquals(cron, AwsCron.parse(cron.toString()));
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void nextAndPreviousMatchBruteForceInFixedOffsetZones(@ForAll("fixedOffsetSamples") Sample sample) {
        AwsCron cron = sample.cron();
        ZoneOffset offset = (ZoneOffset) sample.zone();
        assertEquals(bruteNext(sample.expr(), sample.instant(), offset), cron.next(sample.instant(), offset), "next");
        assertEquals(brutePrevious(sample.expr(), sample.instant(), offset), cron.previous(sample.instant(), offset), "previous");
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void firesAtMatchesTheFieldsInFixedOffsetZones(@ForAll("fixedOffsetSamples") Sample sample) {
        AwsCron cron = sample.cron();
        ZoneOffset offset = (ZoneOffset) sample.zone();
        Instant t = sample.instant();
        boolean onAMinute = t.getNano() == 0 && t.getEpochSecond() % 60 == 0;
        assertEquals(onAMinute && sample.expr().matches(LocalDateTime.ofInstant(t, offset)), cron.firesAt(t, offset));
        bruteNext(sample.expr(), t, offset).ifPresent(next -> assertTrue(cron.firesAt(next, offset), "fires at next"));
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void nextAndPreviousMatchBruteForceInDaylightSavingZones(@ForAll("daylightSavingSamples") Sample sample) {
        AwsCron cron = sample.cron();
        assertEquals(bruteNextByWallClock(sample.expr(), sample.instant(), sample.zone()),
                cron.next(sample.instant(), sample.zone()), "next");
        assertEquals(brutePreviousByWallClock(sample.expr(), sample.instant(), sample.zone()),
                cron.previous(sample.instant(), sample.zone()), "previous");
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void nextAndPreviousAreConsistentInDaylightSavingZones(@ForAll("daylightSavingSamples") Sample sample) {
        AwsCron cron = sample.cron();
        ZoneId zone = sample.zone();
        Instant t = sample.instant();
        Optional<Instant> next = cron.next(t, zone);
        Optional<Instant> previous = cron.previous(t, zone);
        next.ifPresent(n -> {
            assertTrue(n.isAfter(t), "next(t) > t");
            assertTrue(cron.firesAt(n, zone), "firesAt(next(t))");
            // Nothing fires strictly between t and next(t). (Empty if next(t) is the very first fire time.)
            cron.previous(n, zone).ifPresent(beforeNext -> assertTrue(!beforeNext.isAfter(t), "previous(next(t)) <= t"));
        });
        previous.ifPresent(p -> {
            assertTrue(p.isBefore(t), "previous(t) < t");
            assertTrue(cron.firesAt(p, zone), "firesAt(previous(t))");
            // (Empty if previous(t) is the very last fire time.)
            cron.next(p, zone).ifPresent(afterPrevious -> assertTrue(!afterPrevious.isBefore(t), "next(previous(t)) >= t"));
        });
        // firesAt(t) exactly when t is the next fire time after a moment before it.
        assertEquals(cron.next(t.minusNanos(1), zone).filter(t::equals).isPresent(), cron.firesAt(t, zone), "firesAt(t)");
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
    void fireTimesAgreesWithRepeatedNext(@ForAll("daylightSavingSamples") Sample sample) {
        AwsCron cron = sample.cron();
        ZoneId zone = sample.zone();
        Instant from = sample.instant();
        Instant to = from.plus(40, ChronoUnit.DAYS);
        int limit = 60;
        List<Instant> fires = cron.fireTimes(from, to, zone, limit);
        List<Instant> byNext = new ArrayList<>();
        for (Optional<Instant> t = cron.next(from, zone); t.isPresent() && !t.get().isAfter(to) && byNext.size() < limit;
                t = cron.next(t.get(), zone)) {
            byNext.add(t.get());
        }
        assertEquals(byNext, fires);
        for (int i = 1; i < fires.size(); i++) {
            assertTrue(fires.get(i - 1).isBefore(fires.get(i)), "strictly increasing");
        }
    }
}
