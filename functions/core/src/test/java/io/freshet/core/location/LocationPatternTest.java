package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.freshet.core.partition.PartitionGrain;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resolving parameters, writing partitions, and matching single keys. */
class LocationPatternTest {

    private static final Map<String, String> STACK = Map.of("LakeBucket", "acme-lake", "Env", "prod", "Team", "ops/eu");

    @Test
    void resolveSubstitutesBucketAndKeyParameters() {
        LocationPattern p = LocationPattern.parse("s3://${LakeBucket}/${Env}/landing/${Team}/date={date}/*.csv").resolve(STACK);
        assertEquals("s3://acme-lake/prod/landing/ops/eu/date={date}/*.csv", p.text());
        assertEquals("acme-lake", p.bucket());
        assertEquals(List.of(), p.parameters());
        assertEquals("prod/landing/ops/eu/date=", p.literalPrefix());
        assertEquals(PartitionGrain.DAILY, p.impliedGrain());
        assertTrue(p.hasWildcards());
    }

    @Test
    void resolveWithoutParametersIsTheSamePattern() {
        LocationPattern p = LocationPattern.parse("s3://lake/a/");
        assertSame(p, p.resolve(Map.of()));
    }

    @Test
    void resolveNamesAMissingParameter() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://${LakeBucket}/${Region}/x/").resolve(STACK));
        assertEquals("no value for parameter ${Region} in location s3://${LakeBucket}/${Region}/x/", e.getMessage());
    }

    @Test
    void resolveRejectsValuesThatWouldChangeTheStructure() {
        // Not a bucket name.
        assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://${B}/x/").resolve(Map.of("B", "Acme_Lake")));
        // A slash in a bucket value would silently move the key.
        assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://${B}/x/").resolve(Map.of("B", "lake/x")));
        // Wildcards and braces would become syntax.
        assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://lake/${P}/").resolve(Map.of("P", "a*")));
        assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://lake/${P}/").resolve(Map.of("P", "{date}")));
        // A value can produce // or a leading /.
        var e = assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://lake/${P}/x").resolve(Map.of("P", "a/")));
        assertTrue(e.getMessage().endsWith("expected a path segment between slashes, found //"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://lake/${P}x").resolve(Map.of("P", "/a")));
        // A trailing / in the value would turn an exact location into a prefix.
        assertThrows(IllegalArgumentException.class,
                () -> LocationPattern.parse("s3://lake/in/${P}").resolve(Map.of("P", "a/")));
        // But a / inside a value is fine.
        assertEquals("s3://lake/in/a/b", LocationPattern.parse("s3://lake/in/${P}").resolve(Map.of("P", "a/b")).text());
    }

    @Test
    void keyPrefixForDailyHourlyAndUnpartitioned() {
        assertEquals("core/trips/date=2026-05-26/",
                LocationPattern.parse("s3://lake/core/trips/date={date}/").keyPrefixFor("2026-05-26"));
        assertEquals("core/y=2026/m=05/d=26/h=13/",
                LocationPattern.parse("s3://lake/core/y={year}/m={month}/d={day}/h={hour}/").keyPrefixFor("2026-05-26T13"));
        assertEquals("core/2026-05-26/07/",
                LocationPattern.parse("s3://lake/core/{date}/{hour}/").keyPrefixFor("2026-05-26T07"));
        assertEquals("core/countries/", LocationPattern.parse("s3://lake/core/countries/").keyPrefixFor(""));
        assertEquals("out/prod/date=2026-01-31/",
                LocationPattern.parse("s3://${LakeBucket}/out/${Env}/date={date}/").resolve(STACK).keyPrefixFor("2026-01-31"));
    }

    @Test
    void keyPrefixForRefusesPatternsThatAreNotOnePrefixPerPartition() {
        assertThrows(IllegalStateException.class, () -> LocationPattern.parse("s3://lake/a/*/").keyPrefixFor(""));
        assertThrows(IllegalStateException.class, () -> LocationPattern.parse("s3://lake/a/{date}.csv").keyPrefixFor("2026-05-26"));
        assertThrows(IllegalStateException.class, () -> LocationPattern.parse("s3://${B}/a/").keyPrefixFor(""));
    }

    @Test
    void keyPrefixForRefusesKeysOfTheWrongGrain() {
        LocationPattern daily = LocationPattern.parse("s3://lake/core/date={date}/");
        assertThrows(IllegalArgumentException.class, () -> daily.keyPrefixFor("2026-05-26T13"));
        assertThrows(IllegalArgumentException.class, () -> daily.keyPrefixFor("2026-02-30"));
        assertThrows(IllegalArgumentException.class, () -> daily.keyPrefixFor(""));
        assertThrows(IllegalArgumentException.class, () -> LocationPattern.parse("s3://lake/core/").keyPrefixFor("2026-05-26"));
    }

    @Test
    void matchesPrefixAndExactKeys() {
        LocationPattern prefix = LocationPattern.parse("s3://lake/core/trips/");
        assertTrue(prefix.matches("lake", "core/trips/a.parquet"));
        assertTrue(prefix.matches("lake", "core/trips/date=2026-05-26/deep/part-0.parquet"));
        assertTrue(prefix.matches("lake", "core/trips/"));
        assertFalse(prefix.matches("lake", "core/trips"));
        assertFalse(prefix.matches("lake", "core/tripsx/a"));
        assertFalse(prefix.matches("other", "core/trips/a.parquet"));

        LocationPattern exact = LocationPattern.parse("s3://lake/ref/countries.csv");
        assertTrue(exact.matches("lake", "ref/countries.csv"));
        assertFalse(exact.matches("lake", "ref/countries.csv.bak"));
        assertFalse(exact.matches("lake", "ref/countries_csv"), "a literal dot is not a regex dot");
    }

    @Test
    void unresolvedParametersMatchOnlyTheirOwnText() {
        LocationPattern p = LocationPattern.parse("s3://${LakeBucket}/${Env}/x");
        assertTrue(p.matches("${LakeBucket}", "${Env}/x"));
        assertFalse(p.matches("acme-lake", "prod/x"));
    }
}
