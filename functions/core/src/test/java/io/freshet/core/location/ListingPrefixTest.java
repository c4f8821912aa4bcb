package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Where an observed S3 source's partition is listed: the key up to its first wildcard. */
class ListingPrefixTest {

    @Test
    void aPartitionIsListedUnderItsKeyUpToTheFirstWildcard() {
        assertEquals("landing/taps/date=2026-11-20/", LocationPattern.parse("s3://lake/landing/taps/date={date}/*.csv").listingPrefix("2026-11-20"));
        assertEquals("in/2026/11/20/h=07/", LocationPattern.parse("s3://lake/in/{year}/{month}/{day}/h={hour}/").listingPrefix("2026-11-20T07"));
        assertEquals("in/2026-11-20-", LocationPattern.parse("s3://lake/in/{date}-*/x.csv").listingPrefix("2026-11-20"));
        assertEquals("partner/fares/", LocationPattern.parse("s3://lake/partner/fares/").listingPrefix(""));
        assertEquals("partner/", LocationPattern.parse("s3://lake/partner/**/*.csv").listingPrefix(""));
    }

    @Test
    void anUnresolvedLocationCannotBeListed() {
        assertThrows(IllegalStateException.class, () -> LocationPattern.parse("s3://${LakeBucket}/x/").listingPrefix(""));
    }
}
