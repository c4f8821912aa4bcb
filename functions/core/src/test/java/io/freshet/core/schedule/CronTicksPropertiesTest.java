package io.freshet.core.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

import io.freshet.core.cron.AwsCron;
import io.freshet.core.model.Schedule;
import io.freshet.core.model.Trigger;
import io.freshet.core.yaml.SourcePos;

/**
 * {@link CronTicks#due} walks back from {@code now} with {@code previous}; the reference walks
 * forward with {@link AwsCron#fireTimes}. Windows are drawn around Prague's and New York's clock
 * changes, around fire times themselves (to hit the boundaries exactly) and anywhere.
 */
class CronTicksPropertiesTest {

    /** A schedule and the longest window (in hours) over which it fires fewer than {@link #BIG} times. */
    record Case(String cron, ZoneId zone, int maxWindowHours) {
        Schedule schedule() {
            return new Schedule(AwsCron.parse(cron), zone);
        }
    }

    static final int BIG = 5000;

    static final List<Case> CASES = List.of(
            new Case("0 1 * * ? *", ZoneId.of("Europe/Prague"), 24 * 60),
            new Case("30 2 * * ? *", ZoneId.of("Europe/Prague"), 24 * 60),
            new Case("0/15 6-22 ? * MON-FRI *", ZoneId.of("Europe/Prague"), 24 * 14),
            new Case("30 * * * ? *", ZoneId.of("Europe/Prague"), 24 * 14),
            new Case("0,30 0-3 * * ? *", ZoneId.of("America/New_York"), 24 * 30),
            new Case("0 9 ? * MON *", ZoneId.of("Europe/Prague"), 24 * 400),
            new Case("0 0 L * ? *", ZoneOffset.UTC, 24 * 1000),
            new Case("*/7 * * * ? *", ZoneOffset.UTC, 24 * 2),
            new Case("0 12 29 2 ? *", ZoneOffset.ofHours(5), 24 * 3000));

    static final List<Instant> HOTSPOTS = List.of(
            Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
            Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-11-01T06:00:00Z"),
            Instant.parse("2026-05-27T00:00:00Z"), Instant.parse("2028-02-29T00:00:00Z"));

    static Trigger trigger(Schedule s, boolean catchup, int maxCatchup) {
        return new Trigger(Optional.of(s), Optional.empty(), catchup, maxCatchup, new SourcePos("p.yaml", 1, 1), Optional.empty());
    }

    static List<Instant> reference(Schedule s, Instant cursor, Instant now) {
        return s.cron().fireTimes(cursor, now, s.zone(), BIG);
    }

    /** A case and a window (cursor, now] no longer than the case allows. */
    record Window(Case c, Instant cursor, Instant now) {
    }

    @Provide
    Arbitrary<Window> windows() {
        return Arbitraries.of(CASES).flatMap(c -> {
            Arbitrary<Instant> anywhere = Arbitraries.longs()
                    .between(Instant.parse("2000-01-01T00:00:00Z").getEpochSecond(), Instant.parse("2100-01-01T00:00:00Z").getEpochSecond())
                    .withDistribution(RandomDistribution.uniform())
                    .map(Instant::ofEpochSecond);
            Arbitrary<Instant> nearHotspot = Arbitraries.of(HOTSPOTS)
                    .flatMap(h -> Arbitraries.longs().between(-3L * 86_400, 3L * 86_400).withDistribution(RandomDistribution.uniform()).map(h::plusSeconds));
            Arbitrary<Instant> cursor = Arbitraries.frequencyOf(Tuple.of(1, anywhere), Tuple.of(2, nearHotspot));
            // Often exactly on a fire time, so that the (exclusive, inclusive] boundaries are exercised.
            Arbitrary<Instant> snapped = cursor.map(i -> c.schedule().cron().next(i, c.zone()).orElse(i));
            Arbitrary<Instant> start = Arbitraries.frequencyOf(Tuple.of(1, cursor), Tuple.of(1, snapped));
            Arbitrary<Long> length = Arbitraries.frequencyOf(
                    Tuple.of(1, Arbitraries.just(0L)),
                    Tuple.of(4, Arbitraries.longs().between(1, c.maxWindowHours() * 3600L).withDistribution(RandomDistribution.uniform())),
                    Tuple.of(1, Arbitraries.longs().between(1, 3 * 3600).withDistribution(RandomDistribution.uniform())));
            Arbitrary<Window> byLength = Combinators.combine(start, length).as((from, len) -> new Window(c, from, from.plusSeconds(len)));
            // A window that ends exactly on, just before or just after its k-th fire.
            Arbitrary<Window> byFires = Combinators.combine(start, Arbitraries.integers().between(1, 5), Arbitraries.of(-1L, 0L, 0L, 1L))
                    .as((from, k, nudge) -> {
                        Instant to = from;
                        for (int i = 0; i < k; i++) {
                            to = c.schedule().cron().next(to, c.zone()).orElse(to);
                        }
                        to = to.plusNanos(nudge);
                        return new Window(c, from, to.isBefore(from) ? from : to);
                    });
            return Arbitraries.frequencyOf(Tuple.of(1, byLength), Tuple.of(1, byFires));
        });
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void withAmpleCatchupTheTickRunsExactlyTheFiresOfItsWindow(@ForAll("windows") Window w) {
        Schedule s = w.c().schedule();
        List<Instant> expected = reference(s, w.cursor(), w.now());
        assertTrue(expected.size() < BIG, "the case's window is too long for the reference");
        int n = expected.size();
        Statistics.label("fires in the window").collect(n == 0 ? "0" : n == 1 ? "1" : n <= 10 ? "2-10" : n <= 100 ? "11-100" : "more");
        Statistics.label("cursor on a fire").collect(s.cron().firesAt(w.cursor(), s.zone()));
        Statistics.label("now on a fire").collect(s.cron().firesAt(w.now(), s.zone()));
        Statistics.label("schedule").collect(w.c().cron());
        assertEquals(expected, CronTicks.due(trigger(s, true, BIG), w.cursor(), w.now()));
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void catchupKeepsTheNewestMaxFiresAndNoCatchupTheNewestOne(@ForAll("windows") Window w,
                                                               @ForAll @IntRange(min = 1, max = 40) int max) {
        Schedule s = w.c().schedule();
        List<Instant> all = reference(s, w.cursor(), w.now());
        List<Instant> due = CronTicks.due(trigger(s, true, max), w.cursor(), w.now());
        assertEquals(all.subList(Math.max(0, all.size() - max), all.size()), due);
        List<Instant> newest = CronTicks.due(trigger(s, false, max), w.cursor(), w.now());
        assertEquals(all.isEmpty() ? List.of() : List.of(all.getLast()), newest);
        assertEquals(Math.max(0, all.size() - max), CronTicks.skipped(trigger(s, true, max), w.cursor(), w.now(), BIG));
        for (Instant fire : due) {
            assertTrue(fire.isAfter(w.cursor()) && !fire.isAfter(w.now()), fire + " outside (" + w.cursor() + ", " + w.now() + "]");
        }
    }

    /**
     * Splitting a window anywhere, as late, early, missed and repeated ticks do, neither loses nor
     * repeats a fire: the ticks of (c, m1], (m1, m2], ..., (mk, n] together run the fires of (c, n].
     */
    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    void ticksThatSplitAWindowAnywhereRunEachFireOnce(@ForAll("windows") Window w,
                                                      @ForAll("splits") List<Double> splits) {
        Schedule s = w.c().schedule();
        Trigger t = trigger(s, true, BIG);
        long span = w.now().getEpochSecond() - w.cursor().getEpochSecond();
        List<Instant> points = new ArrayList<>();
        points.add(w.cursor());
        splits.stream().sorted().forEach(f -> points.add(w.cursor().plusSeconds((long) (f * span))));
        // Repeated ticks at the same instant are allowed.
        points.add(w.now());
        List<Instant> byTicks = new ArrayList<>();
        for (int i = 1; i < points.size(); i++) {
            byTicks.addAll(CronTicks.due(t, points.get(i - 1), points.get(i)));
        }
        assertEquals(CronTicks.due(t, w.cursor(), w.now()), byTicks);
        assertEquals(reference(s, w.cursor(), w.now()), byTicks);
    }

    @Provide
    Arbitrary<List<Double>> splits() {
        Arbitrary<Double> fraction = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.doubles().between(0, 1)),
                Tuple.of(1, Arbitraries.of(0.0, 1.0, 0.5)));
        return fraction.list().ofMinSize(1).ofMaxSize(6);
    }
}
