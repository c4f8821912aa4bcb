package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.model.Observation;

/** What {@code observe: {list: true}} on an S3 source loads into. */
class ListingObservationsLoadTest {

    @Test
    void eachListedSourceLoadsWithItsPeriodAndTheLookbackOfItsPartitions() {
        Project p = ProjectLoader.load(FixtureTest.FIXTURES.resolve("valid/observed_s3_sources"), "pipelines", ProjectLoader.DEFAULT_PARAMETERS)
                .project().orElseThrow();
        List<Observation> all = p.observations().stream().sorted(Comparator.comparing(Observation::source)).toList();
        assertEquals(List.of("landing.fare_table", "landing.hourly_counts", "landing.partner_drops"), all.stream().map(Observation::source).toList());
        Observation.Listing fares = (Observation.Listing) all.get(0);
        assertEquals(Duration.ofMinutes(15), fares.every());
        assertEquals(Optional.empty(), fares.lookback(), "unpartitioned: the whole location is listed");
        assertEquals(Optional.of(Duration.ofDays(1)), ((Observation.Listing) all.get(1)).lookback(), "the default lookback");
        assertEquals(Optional.of(Duration.ofDays(2)), ((Observation.Listing) all.get(2)).lookback());
        assertEquals("", fares.connection());
        assertEquals("listing of the partitions of the last 2d", all.get(2).describe());
    }
}
