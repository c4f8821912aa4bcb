package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LocationOverlapTest {

    static Stream<Arguments> overlapping() {
        return Stream.of(
                Arguments.of("s3://${LakeBucket}/landing/taps/date={date}/*.csv", "s3://${LakeBucket}/landing/taps/",
                        "s3://${LakeBucket}/landing/taps/date=2026-01-01/x.csv"),
                Arguments.of("s3://lake/a/*.csv", "s3://lake/a/**", "s3://lake/a/x.csv"),
                Arguments.of("s3://lake/a/**.csv", "s3://lake/a/b/c.csv", "s3://lake/a/b/c.csv"),
                Arguments.of("s3://lake/a/{date}/", "s3://lake/a/2026-05-26/", "s3://lake/a/2026-05-26/x"),
                Arguments.of("s3://lake/a/{year}-{month}-{day}/", "s3://lake/a/{date}/", "s3://lake/a/2026-01-01/x"),
                Arguments.of("s3://lake/a/*", "s3://lake/a/", "s3://lake/a/x"),
                Arguments.of("s3://lake/x/**", "s3://lake/**/y", "s3://lake/x/y"),
                Arguments.of("s3://lake/ref/countries.csv", "s3://lake/ref/countries.csv", "s3://lake/ref/countries.csv"),
                Arguments.of("s3://lake/in/*/{date}.csv", "s3://lake/in/eu/2026-*", "s3://lake/in/eu/2026-01-01.csv"),
                Arguments.of("s3://lake/h={hour}/d={date}", "s3://lake/h=1*/**", "s3://lake/h=10/d=2026-01-01"),
                // Parameters are opaque, equal to themselves, and wildcards match them.
                Arguments.of("s3://lake/${Env}/in/", "s3://lake/${Env}/in/x.csv", "s3://lake/${Env}/in/x.csv"),
                Arguments.of("s3://lake/${Env}/x", "s3://lake/*/x", "s3://lake/${Env}/x"),
                Arguments.of("s3://${B}/**", "s3://${B}/a", "s3://${B}/a"));
    }

    @ParameterizedTest(name = "[{index}] {0} / {1}")
    @MethodSource("overlapping")
    void overlappingPairsHaveAWitnessMatchedByBoth(String a, String b, String expected) {
        LocationPattern p = LocationPattern.parse(a);
        LocationPattern q = LocationPattern.parse(b);
        Optional<String> witness = p.overlapWitness(q);
        assertEquals(Optional.of(expected), witness);
        assertMatchesBoth(witness.get(), p, q);
        // Overlap is symmetric; the witness may differ but must match both as well.
        assertMatchesBoth(q.overlapWitness(p).orElseThrow(), p, q);
    }

    @Test
    void witnessesFillWildcardsWhenTheyCanRatherThanBeingShortest() {
        assertEquals(Optional.of("s3://lake/core/x.csv"),
                LocationPattern.parse("s3://lake/core/").overlapWitness(LocationPattern.parse("s3://lake/core/*.csv")));
        // When a wildcard must be empty, it is.
        assertEquals(Optional.of("s3://lake/a/b"),
                LocationPattern.parse("s3://lake/a/*b").overlapWitness(LocationPattern.parse("s3://lake/a/b")));
    }

    static Stream<Arguments> disjoint() {
        return Stream.of(
                Arguments.of("s3://${LakeBucket}/landing/taps/date={date}/*.csv", "s3://${LakeBucket}/raw/taps/date={date}/"),
                Arguments.of("s3://lake/a/{date}/", "s3://lake/a/latest/"),
                Arguments.of("s3://lake/a/*.csv", "s3://lake/a/b/c.csv"),
                Arguments.of("s3://lake/a/*.csv", "s3://lake/a/*.json"),
                Arguments.of("s3://lake/a/{date}/*.csv", "s3://lake/a/*/x.json"),
                Arguments.of("s3://lake/a/{date}/", "s3://lake/a/{date}T{hour}/"),
                Arguments.of("s3://lake/a/", "s3://lake/b/"),
                Arguments.of("s3://lake/a/", "s3://lake/a"),
                Arguments.of("s3://lake/a/", "s3://other/a/"),
                // A parameter bucket is one of the stack's own buckets, never a literal one.
                Arguments.of("s3://${LakeBucket}/a/", "s3://acme-lake/a/"),
                Arguments.of("s3://${LakeBucket}/a/", "s3://${RawBucket}/a/"),
                // A parameter equals only itself: not another parameter, literal text or digits.
                Arguments.of("s3://lake/${Env}/x/", "s3://lake/${Team}/x/"),
                Arguments.of("s3://lake/${Env}/x/", "s3://lake/prod/x/"),
                Arguments.of("s3://lake/${Env}/x/", "s3://lake/{date}/x/"));
    }

    @ParameterizedTest(name = "[{index}] {0} / {1}")
    @MethodSource("disjoint")
    void disjointPairsHaveNoWitness(String a, String b) {
        LocationPattern p = LocationPattern.parse(a);
        LocationPattern q = LocationPattern.parse(b);
        assertEquals(Optional.empty(), p.overlapWitness(q));
        assertEquals(Optional.empty(), q.overlapWitness(p));
    }

    /**
     * Checks the automaton search against brute force: every key over a small alphabet up to
     * length 6 is tried against random wildcard patterns. If any key matches both, there must be
     * a witness that matches both; if none does, a witness is allowed only if it is longer than 6
     * (and matches both).
     */
    @Test
    void agreesWithExhaustiveEnumeration() {
        List<String> keys = new ArrayList<>();
        enumerate(6, "a0./x", keys); // every character the patterns below can contain
        List<LocationPattern> patterns = randomWildcardPatterns(new Random(20260526), 150);
        List<BitSet> matched = new ArrayList<>();
        for (LocationPattern p : patterns) {
            BitSet bits = new BitSet(keys.size());
            for (int k = 0; k < keys.size(); k++) {
                if (p.matches("lake", keys.get(k))) {
                    bits.set(k);
                }
            }
            matched.add(bits);
        }
        int overlaps = 0;
        for (int i = 0; i < patterns.size(); i++) {
            for (int j = 0; j < patterns.size(); j++) {
                LocationPattern p = patterns.get(i);
                LocationPattern q = patterns.get(j);
                BitSet both = (BitSet) matched.get(i).clone();
                both.and(matched.get(j));
                Optional<String> witness = p.overlapWitness(q);
                if (!both.isEmpty()) {
                    overlaps++;
                    String example = keys.get(both.nextSetBit(0));
                    assertMatchesBoth(witness.orElseGet(() -> fail(p + " and " + q + " both match " + example + " but have no witness")), p, q);
                } else if (witness.isPresent()) {
                    assertMatchesBoth(witness.get(), p, q);
                    assertTrue(witness.get().length() - "s3://lake/".length() > 6);
                }
            }
        }
        assertTrue(overlaps > 1000 && overlaps < patterns.size() * patterns.size() - 1000,
                "the random patterns should give both outcomes often: " + overlaps);
    }

    private static void assertMatchesBoth(String witness, LocationPattern p, LocationPattern q) {
        assertTrue(witness.startsWith("s3://"), witness);
        int slash = witness.indexOf('/', 5);
        String bucket = witness.substring(5, slash);
        String key = witness.substring(slash + 1);
        assertTrue(p.matches(bucket, key), p + " should match witness " + witness);
        assertTrue(q.matches(bucket, key), q + " should match witness " + witness);
    }

    private static void enumerate(int maxLength, String alphabet, List<String> out) {
        List<String> level = List.of("");
        for (int length = 0; length <= maxLength; length++) {
            out.addAll(level);
            List<String> next = new ArrayList<>();
            for (String s : level) {
                for (char c : alphabet.toCharArray()) {
                    next.add(s + c);
                }
            }
            level = next;
        }
    }

    private static List<LocationPattern> randomWildcardPatterns(Random random, int count) {
        String[] pieces = {"a", "0", ".", "x", "/", "*", "**", "a/", "0."};
        Set<LocationPattern> patterns = new LinkedHashSet<>();
        while (patterns.size() < count) {
            StringBuilder key = new StringBuilder();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                key.append(pieces[random.nextInt(pieces.length)]);
            }
            try {
                patterns.add(LocationPattern.parse("s3://lake/" + key));
            } catch (LocationSyntaxException e) {
                // "***", "//" or a leading "/": not a location, draw again.
            }
        }
        return new ArrayList<>(patterns);
    }
}
