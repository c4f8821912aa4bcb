package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The prefix index may only narrow the all-pairs overlap check, never miss a real overlap. */
class OverlapCandidatesTest {

    private static final String[] PIECES = {"a", "b", "a/", "b/", "x=", "{date}", "*", "**", "${P}", "/", "c.csv", "2026-01-01"};

    @Test
    void neverMissesAPairThatTheExactCheckFindsOverlapping() {
        SplittableRandom r = new SplittableRandom(11);
        List<LocationPattern> patterns = new ArrayList<>();
        while (patterns.size() < 300) {
            StringBuilder key = new StringBuilder();
            int n = 1 + r.nextInt(5);
            for (int i = 0; i < n; i++) {
                key.append(PIECES[r.nextInt(PIECES.length)]);
            }
            String bucket = r.nextBoolean() ? "${LakeBucket}" : "other-bucket";
            try {
                patterns.add(LocationPattern.parse("s3://" + bucket + "/" + key));
            } catch (LocationSyntaxException invalid) {
                // random text is often not a valid pattern: skip it
            }
        }
        OverlapCandidates<Integer> index = new OverlapCandidates<>();
        for (int i = 0; i < patterns.size(); i++) {
            index.add(patterns.get(i), i);
        }
        int overlapping = 0;
        for (int i = 0; i < patterns.size(); i++) {
            List<Integer> candidates = index.candidates(patterns.get(i));
            for (int j = 0; j < patterns.size(); j++) {
                if (patterns.get(i).overlapWitness(patterns.get(j)).isPresent()) {
                    overlapping++;
                    assertTrue(candidates.contains(j), patterns.get(i).text() + " overlaps " + patterns.get(j).text() + " but is no candidate");
                }
            }
        }
        assertTrue(overlapping > patterns.size(), "the sample has overlaps beyond each pattern with itself: " + overlapping);
    }

    @Test
    void differentBucketsAndDivergingPrefixesAreNotCandidates() {
        OverlapCandidates<String> index = new OverlapCandidates<>();
        index.add(LocationPattern.parse("s3://${LakeBucket}/landing/taps/date={date}/*.csv"), "taps");
        index.add(LocationPattern.parse("s3://${LakeBucket}/landing/"), "landing");
        index.add(LocationPattern.parse("s3://${LakeBucket}/raw/stations/"), "stations");
        index.add(LocationPattern.parse("s3://another-bucket/landing/taps/"), "elsewhere");
        assertEquals(List.of("taps", "landing"), index.candidates(LocationPattern.parse("s3://${LakeBucket}/landing/taps/")));
        assertEquals(List.of(), index.candidates(LocationPattern.parse("s3://${LakeBucket}/core/trips/date={date}/")));
    }
}
