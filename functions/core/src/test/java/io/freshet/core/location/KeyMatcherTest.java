package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyMatcherTest {

    private static KeyMatcher matcher(String... assetAndLocation) {
        KeyMatcher.Builder b = KeyMatcher.builder();
        for (int i = 0; i < assetAndLocation.length; i += 2) {
            b.add(assetAndLocation[i], LocationPattern.parse(assetAndLocation[i + 1]));
        }
        return b.build();
    }

    private static List<KeyMatch> matches(String... assetsAndPartitions) {
        var out = new ArrayList<KeyMatch>();
        for (int i = 0; i < assetsAndPartitions.length; i += 2) {
            out.add(new KeyMatch(assetsAndPartitions[i], assetsAndPartitions[i + 1]));
        }
        return out;
    }

    @Test
    void prefixMatchesEverythingBeneathExactOnlyItself() {
        KeyMatcher m = matcher(
                "everything", "s3://lake/landing/",
                "countries", "s3://lake/landing/ref/countries.csv");
        assertEquals(matches("countries", "", "everything", ""), m.match("lake", "landing/ref/countries.csv"));
        assertEquals(matches("everything", ""), m.match("lake", "landing/ref/countries.csv.tmp"));
        assertEquals(matches("everything", ""), m.match("lake", "landing/a/b/c/d"));
        assertEquals(List.of(), m.match("lake", "landing"));
        assertEquals(List.of(), m.match("lake", "other/landing/x"));
        assertEquals(List.of(), m.match("unknown-bucket", "landing/x"));
    }

    @Test
    void bucketsAreSeparate() {
        KeyMatcher m = matcher("a", "s3://lake-a/in/", "b", "s3://lake-b/in/");
        assertEquals(matches("a", ""), m.match("lake-a", "in/x"));
        assertEquals(matches("b", ""), m.match("lake-b", "in/x"));
    }

    @Test
    void singleStarStaysWithinASegment() {
        KeyMatcher m = matcher("taps", "s3://lake/landing/taps/date={date}/*.csv");
        assertEquals(matches("taps", "2026-05-26"), m.match("lake", "landing/taps/date=2026-05-26/part-1.csv"));
        assertEquals(matches("taps", "2026-05-26"), m.match("lake", "landing/taps/date=2026-05-26/.csv"));
        assertEquals(List.of(), m.match("lake", "landing/taps/date=2026-05-26/sub/part-1.csv"));
        assertEquals(List.of(), m.match("lake", "landing/taps/date=2026-05-26/part-1.csv.gz"));
        assertEquals(List.of(), m.match("lake", "landing/taps/date=20260526/part-1.csv"));
    }

    @Test
    void doubleStarCrossesSegments() {
        KeyMatcher m = matcher("deep", "s3://lake/landing/**/day={date}.json");
        assertEquals(matches("deep", "2026-05-26"), m.match("lake", "landing/a/b/c/day=2026-05-26.json"));
        assertEquals(matches("deep", "2026-05-26"), m.match("lake", "landing//day=2026-05-26.json"));
        // ** is a run of characters, not a glob "zero or more directories": both slashes are literal.
        assertEquals(List.of(), m.match("lake", "landing/day=2026-05-26.json"));
        assertEquals(List.of(), m.match("lake", "landing/a/day=2026-05-26.json/x"));
    }

    @Test
    void hiveStyleHourly() {
        KeyMatcher m = matcher("events", "s3://lake/raw/events/year={year}/month={month}/day={day}/hour={hour}/");
        assertEquals(matches("events", "2026-05-26T13"),
                m.match("lake", "raw/events/year=2026/month=05/day=26/hour=13/part-0000.parquet"));
        assertEquals(matches("events", "2026-05-26T00"),
                m.match("lake", "raw/events/year=2026/month=05/day=26/hour=00/a/b"));
        assertEquals(List.of(), m.match("lake", "raw/events/year=2026/month=May/day=26/hour=13/x"),
                "not digits: not this asset's key at all");
    }

    /** One rule for hour=5 and hour=24: a key with the location's shape that is not a valid partition is refused. */
    @Test
    void digitsOfTheWrongWidthAreRejectedLikeImpossibleValues() {
        KeyMatcher m = matcher(
                "events", "s3://lake/raw/events/date={date}/hour={hour}/",
                "taps", "s3://lake/landing/taps/date={date}/*.csv");
        InvalidPartitionException e = assertThrows(InvalidPartitionException.class,
                () -> m.match("lake", "raw/events/date=2026-05-26/hour=5/part-0.parquet"));
        assertEquals("events", e.asset());
        assertEquals("{hour} holds '5', which is not written like 00 (zero-padded, fixed width)", e.reason());
        e = assertThrows(InvalidPartitionException.class, () -> m.match("lake", "landing/taps/date=2026-6-2/a.csv"));
        assertEquals("{date} holds '2026-6-2', which is not written like 2026-01-01 (zero-padded, fixed width)", e.reason());
        assertThrows(InvalidPartitionException.class, () -> m.match("lake", "raw/events/date=2026-05-26/hour=123/x"));
        assertThrows(InvalidPartitionException.class, () -> m.match("lake", "raw/events/date=2026-05-26/hour=24/x"));
        assertEquals(matches("events", "2026-05-26T05"), m.match("lake", "raw/events/date=2026-05-26/hour=05/x"));
        assertEquals(List.of(), m.match("lake", "raw/events/date=2026-05-26/hour=latest/x"), "no digits: not the shape");
        assertEquals(List.of(), m.match("lake", "landing/taps/date=2026-06-02/a.json"), "another file type: not the shape");
    }

    @Test
    void placeholdersInAnyOrder() {
        KeyMatcher m = matcher("eu", "s3://lake/in/{day}.{month}.{year}-{hour}h.csv");
        assertEquals(matches("eu", "2024-02-29T23"), m.match("lake", "in/29.02.2024-23h.csv"));
    }

    @Test
    void keysWithSpacesPlusEqualsAndUnicode() {
        KeyMatcher m = matcher(
                "spaces", "s3://lake/My Uploads/{date}/*",
                "plus", "s3://lake/a+b=c/date={date}/",
                "unicode", "s3://lake/données/été/*.csv",
                "emoji", "s3://lake/🚲/**");
        assertEquals(matches("spaces", "2026-05-26"), m.match("lake", "My Uploads/2026-05-26/report (final).xlsx"));
        assertEquals(matches("plus", "2026-05-26"), m.match("lake", "a+b=c/date=2026-05-26/k=v+w.csv"));
        assertEquals(List.of(), m.match("lake", "a b=c/date=2026-05-26/x"), "+ is a literal, not a decoded space");
        assertEquals(matches("unicode", ""), m.match("lake", "données/été/relevé n°1.csv"));
        assertEquals(matches("emoji", ""), m.match("lake", "🚲/trips/ß.json"));
        assertEquals(List.of(), m.match("lake", "🚗/trips/ß.json"));
    }

    @Test
    void keysWithLineBreaksStillMatchWildcards() {
        KeyMatcher m = matcher("any", "s3://lake/in/**", "one", "s3://lake/in/*");
        assertEquals(matches("any", "", "one", ""), m.match("lake", "in/a\nb"));
    }

    @Test
    void resultsAreSortedByAssetAndDeduplicated() {
        KeyMatcher m = matcher(
                "zeta", "s3://lake/in/",
                "alpha", "s3://lake/**",
                "mid", "s3://lake/in/{date}/*",
                "alpha", "s3://lake/in/*/*",
                "beta", "s3://lake/*/2026-05-26/x");
        assertEquals(matches("alpha", "", "beta", "", "mid", "2026-05-26", "zeta", ""),
                m.match("lake", "in/2026-05-26/x"));
    }

    @Test
    void impossibleDatesAreRejectedNamingAssetKeyAndReason() {
        KeyMatcher m = matcher(
                "taps", "s3://lake/landing/taps/date={date}/*.csv",
                "all", "s3://lake/landing/");
        InvalidPartitionException e = assertThrows(InvalidPartitionException.class,
                () -> m.match("lake", "landing/taps/date=2026-02-30/a.csv"));
        assertEquals("taps", e.asset());
        assertEquals("lake", e.bucket());
        assertEquals("landing/taps/date=2026-02-30/a.csv", e.key());
        assertEquals("2026-02-30 is not a valid date", e.reason());
        assertEquals("s3://lake/landing/taps/date=2026-02-30/a.csv matches the location of asset taps"
                + " but 2026-02-30 is not a valid date", e.getMessage());
        assertEquals(matches("all", ""), e.validMatches());

        assertThrows(InvalidPartitionException.class, () -> m.match("lake", "landing/taps/date=2026-13-01/a.csv"));
        assertThrows(InvalidPartitionException.class, () -> m.match("lake", "landing/taps/date=2026-00-10/a.csv"));
        assertThrows(InvalidPartitionException.class, () -> m.match("lake", "landing/taps/date=2026-01-00/a.csv"));
        assertThrows(InvalidPartitionException.class, () -> m.match("lake", "landing/taps/date=2025-02-29/a.csv"));
        assertEquals(matches("all", "", "taps", "2024-02-29"), m.match("lake", "landing/taps/date=2024-02-29/a.csv"));
    }

    @Test
    void impossibleHoursAndHiveDatesAreRejected() {
        KeyMatcher m = matcher(
                "events", "s3://lake/raw/year={year}/month={month}/day={day}/hour={hour}/",
                "b-events", "s3://lake/raw/year={year}/month={month}/day={day}/**");
        InvalidPartitionException e = assertThrows(InvalidPartitionException.class,
                () -> m.match("lake", "raw/year=2026/month=05/day=26/hour=24/x"));
        assertEquals("events", e.asset());
        assertEquals("hour 24 is not between 00 and 23", e.reason());
        assertEquals(matches("b-events", "2026-05-26"), e.validMatches());

        e = assertThrows(InvalidPartitionException.class, () -> m.match("lake", "raw/year=2026/month=04/day=31/hour=01/x"));
        assertEquals("b-events", e.asset(), "the first invalid asset by name is reported");
        assertEquals(1, e.getSuppressed().length, "the other one is attached");
        assertEquals("events", ((InvalidPartitionException) e.getSuppressed()[0]).asset());
    }

    @Test
    void onlyResolvedPatternsCanBeAdded() {
        KeyMatcher.Builder b = KeyMatcher.builder();
        LocationPattern unresolved = LocationPattern.parse("s3://${LakeBucket}/in/");
        assertThrows(IllegalArgumentException.class, () -> b.add("a", unresolved));
        assertThrows(IllegalArgumentException.class, () -> b.add("a", LocationPattern.parse("s3://lake/${Env}/in/")));
        KeyMatcher m = b.add("a", unresolved.resolve(Map.of("LakeBucket", "acme-lake"))).build();
        assertEquals(matches("a", ""), m.match("acme-lake", "in/x"));
    }

    @Test
    void emptyMatcherMatchesNothing() {
        assertEquals(List.of(), KeyMatcher.builder().build().match("lake", "x"));
    }
}
