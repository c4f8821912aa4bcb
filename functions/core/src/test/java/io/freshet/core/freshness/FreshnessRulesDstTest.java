package io.freshet.core.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.cron.AwsCron;
import io.freshet.core.model.Freshness;
import io.freshet.core.model.Partitioning;
import io.freshet.core.model.Schedule;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.yaml.SourcePos;

/** "09:00 with lag 9h" means midnight on the wall clock, also on the days the clocks change. */
class FreshnessRulesDstTest {

    static final ZoneId PRAGUE = ZoneId.of("Europe/Prague");
    static final Freshness.Deadline NINE = new Freshness.Deadline(new Schedule(AwsCron.parse("0 9 * * ? *"), PRAGUE),
            Duration.ofHours(9), new SourcePos("p.yaml", 1, 1));
    static final Partitioning DAILY = new Partitioning(PartitionGrain.DAILY, PRAGUE, Optional.empty());

    @Test
    void theLagIsSubtractedOnTheWallClock() {
        // Spring forward (23-hour day): 09:00 CEST on 29 March is 07:00Z; midnight that day is 28 March 23:00Z.
        assertEquals(Instant.parse("2026-03-28T23:00:00Z"), FreshnessRules.requiredBy(NINE, Instant.parse("2026-03-29T07:00:00Z")));
        assertEquals("2026-03-28", FreshnessRules.requiredPartition(DAILY, NINE, Instant.parse("2026-03-29T07:00:00Z")));
        // Fall back (25-hour day): 09:00 CET on 25 October is 08:00Z; midnight that day is 24 October 22:00Z.
        assertEquals(Instant.parse("2026-10-24T22:00:00Z"), FreshnessRules.requiredBy(NINE, Instant.parse("2026-10-25T08:00:00Z")));
        assertEquals("2026-10-24", FreshnessRules.requiredPartition(DAILY, NINE, Instant.parse("2026-10-25T08:00:00Z")));
        // Every day of the year asks for the day before.
        for (Instant t = Instant.parse("2026-01-01T08:00:00Z"); t.isBefore(Instant.parse("2027-01-01T00:00:00Z")); ) {
            Instant tick = NINE.deadline().cron().next(t, PRAGUE).orElseThrow();
            String expected = tick.atZone(PRAGUE).toLocalDate().minusDays(1).toString();
            assertEquals(expected, FreshnessRules.requiredPartition(DAILY, NINE, tick), tick.toString());
            t = tick;
        }
    }
}
