package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.freshet.core.partition.PartitionGrain;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LocationPatternParseTest {

    @Test
    void sourcePatternWithBucketParameter() {
        LocationPattern p = LocationPattern.parse("s3://${LakeBucket}/landing/taps/date={date}/*.csv");
        assertEquals("s3://${LakeBucket}/landing/taps/date={date}/*.csv", p.text());
        assertEquals("${LakeBucket}", p.bucket());
        assertEquals(List.of("LakeBucket"), p.parameters());
        assertFalse(p.isPrefix());
        assertTrue(p.hasWildcards());
        assertEquals(PartitionGrain.DAILY, p.impliedGrain());
        assertEquals("landing/taps/date=", p.literalPrefix());
    }

    @Test
    void derivedPrefix() {
        LocationPattern p = LocationPattern.parse("s3://${LakeBucket}/core/trips/date={date}/");
        assertTrue(p.isPrefix());
        assertFalse(p.hasWildcards());
        assertEquals(PartitionGrain.DAILY, p.impliedGrain());
        assertEquals("core/trips/date=", p.literalPrefix());
    }

    @Test
    void hiveStyleHourlyWithLiteralBucket() {
        LocationPattern p = LocationPattern.parse("s3://my-lake.prod-01/raw/year={year}/month={month}/day={day}/hour={hour}/");
        assertEquals("my-lake.prod-01", p.bucket());
        assertEquals(List.of(), p.parameters());
        assertEquals(PartitionGrain.HOURLY, p.impliedGrain());
        assertEquals("raw/year=", p.literalPrefix());
    }

    @Test
    void dateAndHourInAnyOrder() {
        assertEquals(PartitionGrain.HOURLY, LocationPattern.parse("s3://lake/h={hour}/d={date}.json").impliedGrain());
        assertEquals(PartitionGrain.DAILY, LocationPattern.parse("s3://lake/{day}.{month}.{year}.csv").impliedGrain());
    }

    @Test
    void unpartitionedLiteralKey() {
        LocationPattern p = LocationPattern.parse("s3://lake/ref/countries.csv");
        assertEquals(PartitionGrain.NONE, p.impliedGrain());
        assertFalse(p.hasWildcards());
        assertFalse(p.isPrefix());
        assertEquals("ref/countries.csv", p.literalPrefix());
    }

    @Test
    void parametersInTheKeyAreListedOnceInOrder() {
        LocationPattern p = LocationPattern.parse("s3://${Bucket}/${Env}/in/${Team}/${Env}/**");
        assertEquals(List.of("Bucket", "Env", "Team"), p.parameters());
        assertEquals("", p.literalPrefix());
        assertTrue(p.hasWildcards());
        assertEquals(PartitionGrain.NONE, p.impliedGrain());
    }

    @Test
    void unusualButAllowedKeyCharacters() {
        LocationPattern p = LocationPattern.parse("s3://lake/a b/x+y=z/ünï çødé/$5 & more!/(1)'s,~@;:.csv");
        assertEquals("a b/x+y=z/ünï çødé/$5 & more!/(1)'s,~@;:.csv", p.literalPrefix());
        assertTrue(LocationPattern.parse("s3://lake/**").hasWildcards());
        assertTrue(LocationPattern.parse("s3://lake/*").hasWildcards());
    }

    @Test
    void equalityIsByText() {
        assertEquals(LocationPattern.parse("s3://lake/a/"), LocationPattern.parse("s3://lake/a/"));
        assertEquals(LocationPattern.parse("s3://lake/a/").hashCode(), LocationPattern.parse("s3://lake/a/").hashCode());
        assertFalse(LocationPattern.parse("s3://lake/a/").equals(LocationPattern.parse("s3://lake/a")));
        assertEquals("s3://lake/a/", LocationPattern.parse("s3://lake/a/").toString());
    }

    static Stream<Arguments> invalid() {
        String bucket64 = "b".repeat(64);
        return Stream.of(
                Arguments.of("", 0, "expected s3:// at the start"),
                Arguments.of("lake/landing/", 0, "expected s3:// at the start"),
                Arguments.of("S3://lake/x", 0, "expected s3:// at the start"),
                Arguments.of("s3:/lake/x", 4, "expected s3:// at the start"),
                Arguments.of("s3:///x", 5, "expected a bucket name after s3://"),
                Arguments.of("s3://lake", 9, "expected / and a key after the bucket"),
                Arguments.of("s3://lake/", 10, "expected a key after the bucket"),
                Arguments.of("s3://Lake/x", 5, "invalid bucket name: expected lowercase letters, digits, dots or hyphens"),
                Arguments.of("s3://lake_b/x", 9, "invalid bucket name: expected lowercase letters, digits, dots or hyphens"),
                Arguments.of("s3://lake-{date}/x", 10, "invalid bucket name: expected lowercase letters, digits, dots or hyphens"),
                Arguments.of("s3://ab/x", 5, "invalid bucket name: expected 3 to 63 characters"),
                Arguments.of("s3://" + bucket64 + "/x", 5, "invalid bucket name: expected 3 to 63 characters"),
                Arguments.of("s3://-lake/x", 5, "invalid bucket name: expected a letter or digit at the start and end"),
                Arguments.of("s3://lake./x", 9, "invalid bucket name: expected a letter or digit at the start and end"),
                Arguments.of("s3://${1Lake}/x", 7, "expected a parameter name after ${: a letter, then letters or digits"),
                Arguments.of("s3://${Lake/x", 11, "expected } to end ${Lake"),
                Arguments.of("s3://${Env}-lake/x", 11, "expected / after ${Env}: a bucket is a name or a single ${Parameter}"),
                Arguments.of("s3://lake/in/${}/", 15, "expected a parameter name after ${: a letter, then letters or digits"),
                Arguments.of("s3://lake/in/${Team-A}/", 19, "expected } to end ${Team"),
                Arguments.of("s3://lake/dt={dt}/", 13, "unknown placeholder {dt}: expected {date}, {year}, {month}, {day} or {hour}"),
                Arguments.of("s3://lake/dt={Date}/", 13, "unknown placeholder {Date}: expected {date}, {year}, {month}, {day} or {hour}"),
                Arguments.of("s3://lake/{}/", 10, "unknown placeholder {}: expected {date}, {year}, {month}, {day} or {hour}"),
                Arguments.of("s3://lake/date={date/", 15, "unbalanced {: expected a placeholder such as {date}"),
                Arguments.of("s3://lake/date={{date}}/", 15, "unbalanced {: expected a placeholder such as {date}"),
                Arguments.of("s3://lake/date=date}/", 19, "unbalanced }: expected { before it"),
                Arguments.of("s3://lake/a/***.csv", 12, "expected * or **, found ***"),
                Arguments.of("s3://lake/a/*****", 12, "expected * or **, found *****"),
                Arguments.of("s3://lake//a", 10, "expected a key that does not start with /"),
                Arguments.of("s3://lake/a//b", 12, "expected a path segment between slashes, found //"),
                Arguments.of("s3://lake/a/b//", 14, "expected a path segment between slashes, found //"),
                Arguments.of("s3://lake/{date}/{date}/", 17, "{date} appears twice: expected each placeholder at most once"),
                Arguments.of("s3://lake/{date}/{year}/", 17,
                        "{year} cannot be combined with {date}: expected either {date} or {year}, {month} and {day}"),
                Arguments.of("s3://lake/{month}/{day}/{date}/", 24,
                        "{date} cannot be combined with {month}: expected either {date} or {year}, {month} and {day}"),
                Arguments.of("s3://lake/{month}/{day}/", 10,
                        "incomplete date: expected {year}, {month} and {day} together, missing {year}"),
                Arguments.of("s3://lake/x/{day}/", 12,
                        "incomplete date: expected {year}, {month} and {day} together, missing {year} and {month}"),
                Arguments.of("s3://lake/{year}/{day}/", 10,
                        "incomplete date: expected {year}, {month} and {day} together, missing {month}"),
                Arguments.of("s3://lake/y={year}/", 12,
                        "incomplete date: expected {year}, {month} and {day} together, missing {month} and {day}"),
                Arguments.of("s3://lake/y={year}/m={month}/", 12,
                        "incomplete date: expected {year}, {month} and {day} together, missing {day}"),
                Arguments.of("s3://lake/h={hour}/", 12, "{hour} needs a date: expected {date}, or {year}, {month} and {day}"),
                Arguments.of("s3://lake/a\\b", 11, "'\\' is not allowed in a key: avoid \\ ? [ ] # and control characters"),
                Arguments.of("s3://lake/a?b", 11, "'?' is not allowed in a key: avoid \\ ? [ ] # and control characters"),
                Arguments.of("s3://lake/[ab]", 10, "'[' is not allowed in a key: avoid \\ ? [ ] # and control characters"),
                Arguments.of("s3://lake/ab]", 12, "']' is not allowed in a key: avoid \\ ? [ ] # and control characters"),
                Arguments.of("s3://lake/a#1", 11, "'#' is not allowed in a key: avoid \\ ? [ ] # and control characters"),
                Arguments.of("s3://lake/a\tb", 11, "control character U+0009 is not allowed in a key"),
                Arguments.of("s3://lake/a\u007f", 11, "control character U+007F is not allowed in a key"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void rejectsWithMessageAndOffset(String text, int offset, String message) {
        LocationSyntaxException e = assertThrows(LocationSyntaxException.class, () -> LocationPattern.parse(text));
        assertEquals(message, e.getMessage());
        assertEquals(offset, e.offset());
        assertFalse(e.getMessage().endsWith("."), "messages have no trailing period");
    }
}
