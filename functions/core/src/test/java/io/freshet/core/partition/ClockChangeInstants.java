package io.freshet.core.partition;

import java.time.Instant;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/** Random instants for property tests of partitions: half anywhere from 1980 to 2150, half within two days of a clock change. */
public final class ClockChangeInstants {

    /** Clock changes in Europe (spring forward, fall back), the US and Australia/Lord_Howe (30 minutes) in 2026. */
    public static final List<Instant> TRANSITIONS = List.of(
            Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
            Instant.parse("2026-03-08T07:00:00Z"), Instant.parse("2026-11-01T06:00:00Z"),
            Instant.parse("2026-04-05T03:00:00Z"), Instant.parse("2026-09-06T04:00:00Z"));

    private ClockChangeInstants() {
    }

    public static Arbitrary<Instant> arbitrary() {
        Arbitrary<Instant> anywhere = Arbitraries.longs()
                .between(Instant.parse("1980-01-01T00:00:00Z").getEpochSecond(), Instant.parse("2150-01-01T00:00:00Z").getEpochSecond())
                .withDistribution(RandomDistribution.uniform())
                .map(Instant::ofEpochSecond);
        Arbitrary<Instant> nearAChange = Arbitraries.of(TRANSITIONS).flatMap(t ->
                Arbitraries.longs().between(-2 * 86_400, 2 * 86_400).withDistribution(RandomDistribution.uniform()).map(t::plusSeconds));
        return Arbitraries.frequencyOf(
                Tuple.of(1, anywhere),
                Tuple.of(1, nearAChange));
    }
}
