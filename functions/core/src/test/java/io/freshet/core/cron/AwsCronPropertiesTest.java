package io.freshet.core.cron;

import static io.freshet.core.cron.CronArbitraries.boundaryBiased;
import static io.freshet.core.cron.CronArbitraries.expressions;
import static io.freshet.core.cron.CronArbitraries.instants;
import static io.freshet.core.cron.CronArbitraries.instantsAroundTransitions;
import static io.freshet.core.cron.CronModel.bruteNext;
import static io.freshet.core.cron.CronModel.bruteNextByWallClock;
import static io.freshet.core.cron.CronModel.brutePrevious;
import static io.freshet.core.cron.CronModel.brutePreviousByWallClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.freshet.core.cron.CronArbitraries.DstZone;
import io.freshet.core.cron.CronModel.Sample;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random expressions from the whole grammar ({@link CronArbitraries}), checked against a brute-force
 * reference built from an independent model ({@link CronModel}): each generated field carries, next
 * to its text, a predicate written directly from the AWS definition, so a misreading in the parser
 * or in the search shows up as a difference.
 */
class AwsCronPropertiesTest {

    private static final List<ZoneId> FIXED_ZONES = List.of(ZoneOffset.UTC, ZoneOffset.ofHoursMinutes(5, 30),
            ZoneOffset.ofHours(-3), ZoneOffset.ofHours(14), ZoneOffset.ofHours(-12), ZoneOffset.ofHoursMinutes(5, 45),
            ZoneOffset.ofHoursMinutes(-9, -30));

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
