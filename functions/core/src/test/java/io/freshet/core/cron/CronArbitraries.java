package io.freshet.core.cron;

import static io.freshet.core.cron.CronModel.MAX_YEAR;
import static io.freshet.core.cron.CronModel.MIN_YEAR;
import static io.freshet.core.cron.CronModel.awsDayOfWeek;
import static io.freshet.core.cron.CronModel.isNearestWeekday;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

import io.freshet.core.cron.CronModel.DayField;
import io.freshet.core.cron.CronModel.Expr;
import io.freshet.core.cron.CronModel.Field;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of AWS cron expressions from the whole grammar (each field with its
 * {@link CronModel} predicate) and of instants, some close to a zone's clock changes.
 */
final class CronArbitraries {

    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private CronArbitraries() {
    }

    /** A zone with daylight saving and the years in which its transitions are worth testing. */
    record DstZone(ZoneId zone, int fromYear, int toYear) {
        DstZone(String id, int fromYear, int toYear) {
            this(ZoneId.of(id), fromYear, toYear);
        }
    }

    enum Spelling { NUMBER, UPPER, LOWER, CAPITALISED }

    static String spell(int value, int min, List<String> names, Spelling spelling) {
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
    static IntPredicate walk(int from, int to, int step, int min, int max, boolean wraps) {
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
    static Arbitrary<Field> field(int min, int max, List<String> names, boolean wraps,
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

    static Arbitrary<Field> field(int min, int max, List<String> names, boolean wraps) {
        return field(min, max, names, wraps, boundaryBiased(min, max), boundaryBiased(1, max - min));
    }

    /**
     * Integers in [min, max], with the bounds drawn more often. The properties turn off jqwik's own
     * edge cases (enumerating them through the nested flatMaps costs more than the checks), so the
     * generators favour the interesting values themselves.
     */
    static Arbitrary<Integer> boundaryBiased(int min, int max) {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(min, max)), Tuple.of(1, Arbitraries.of(min, max)));
    }

    static Arbitrary<DayField> daysOfMonth() {
        Arbitrary<DayField> numbers = field(1, 31, List.of(), false)
                .map(f -> new DayField(f.text(), d -> f.matches().test(d.getDayOfMonth())));
        Arbitrary<DayField> last = Arbitraries.of("L", "l")
                .map(text -> new DayField(text, d -> d.getDayOfMonth() == d.lengthOfMonth()));
        Arbitrary<DayField> lastWeekday = Arbitraries.of("LW", "lw", "Lw")
                .map(text -> new DayField(text, CronModel::isLastWeekday));
        // Bias towards the month ends and starts, where nW has its edge cases.
        Arbitrary<Integer> nearDays = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(1, 31)),
                Tuple.of(1, Arbitraries.of(1, 2, 28, 29, 30, 31)));
        Arbitrary<DayField> nearestWeekday = Combinators.combine(nearDays, Arbitraries.of("W", "w"))
                .as((n, w) -> new DayField(n + w, d -> isNearestWeekday(d, n)));
        return Arbitraries.frequencyOf(
                Tuple.of(6, numbers), Tuple.of(1, last), Tuple.of(1, lastWeekday), Tuple.of(2, nearestWeekday));
    }

    static Arbitrary<DayField> daysOfWeek() {
        Arbitrary<DayField> days = field(1, 7, DAYS, true)
                .map(f -> new DayField(f.text(), d -> f.matches().test(awsDayOfWeek(d))));
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
    static Arbitrary<Expr> expressions(int anchorYear, Arbitrary<Integer> hours) {
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

    static Arbitrary<Instant> instants() {
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
    static Arbitrary<Instant> instantsAroundTransitions(DstZone dstZone) {
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
}
