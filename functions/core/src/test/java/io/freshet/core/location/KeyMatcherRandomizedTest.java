package io.freshet.core.location;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.freshet.core.partition.PartitionGrain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/**
 * Compares the indexed {@link KeyMatcher} with the obvious implementation, a linear scan over
 * every location's regex, on 5,000 random locations and thousands of random keys. The vocabulary
 * is small on purpose, so that literal prefixes are shared and many keys match several locations.
 */
class KeyMatcherRandomizedTest {

    private static final String[] BUCKETS = {"lake", "lake-b"};
    private static final String[] WORDS = {"a", "b", "in", "landing", "taps", "x y", "k=v", "p+q", "é", "2026", "05"};
    private static final String[] EXTENSIONS = {".csv", ".json", ""};

    private record Source(String asset, LocationPattern pattern) {}

    /** What a lookup gave: the matches, or the asset named by the exception. */
    private record Outcome(List<KeyMatch> matches, String invalidAsset) {}

    @Test
    void indexAgreesWithLinearScan() {
        Random random = new Random(42);
        List<Source> sources = new ArrayList<>();
        KeyMatcher.Builder builder = KeyMatcher.builder();
        while (sources.size() < 5_000) {
            String text = randomLocation(random);
            LocationPattern pattern;
            try {
                pattern = LocationPattern.parse(text);
            } catch (LocationSyntaxException e) {
                continue; // e.g. "***" from two adjacent wildcards: draw again
            }
            // A few assets have several locations, like an asset fed from two places.
            String asset = "asset-" + random.nextInt(4_000);
            sources.add(new Source(asset, pattern));
            builder.add(asset, pattern);
        }
        KeyMatcher matcher = builder.build();

        int matched = 0;
        int multiple = 0;
        int invalid = 0;
        for (int i = 0; i < 3_000; i++) {
            String bucket = BUCKETS[random.nextInt(BUCKETS.length)];
            // Half the keys are made to fit some location, the rest are random.
            String key = random.nextBoolean()
                    ? instantiate(sources.get(random.nextInt(sources.size())).pattern(), random)
                    : randomKey(random);
            Outcome expected = linearScan(sources, bucket, key);
            Outcome actual;
            try {
                actual = new Outcome(matcher.match(bucket, key), null);
            } catch (InvalidPartitionException e) {
                actual = new Outcome(e.validMatches(), e.asset());
            }
            assertEquals(expected, actual, "s3://" + bucket + "/" + key);
            matched += expected.matches().isEmpty() ? 0 : 1;
            multiple += expected.matches().size() > 1 ? 1 : 0;
            invalid += expected.invalidAsset() == null ? 0 : 1;
        }
        // The comparison is only meaningful if all outcomes happen a fair number of times.
        assertTrue(matched > 500, "keys with a match: " + matched);
        assertTrue(multiple > 100, "keys with several matches: " + multiple);
        assertTrue(invalid > 20, "keys with an impossible date: " + invalid);
    }

    /** The reference: try every location, and compute partitions independently of LocationPattern. */
    private static Outcome linearScan(List<Source> sources, String bucket, String key) {
        TreeSet<KeyMatch> found = new TreeSet<>(Comparator.comparing(KeyMatch::asset).thenComparing(KeyMatch::partitionKey));
        TreeSet<String> invalid = new TreeSet<>();
        for (Source s : sources) {
            if (!s.pattern().bucket().equals(bucket)) {
                continue;
            }
            Matcher m = s.pattern().keyRegex().matcher(key);
            if (!m.matches()) {
                continue;
            }
            PartitionGrain grain = s.pattern().impliedGrain();
            String partition = switch (grain) {
                case NONE -> "";
                case DAILY -> date(m);
                case HOURLY -> date(m) + "T" + m.group("hour");
            };
            try {
                grain.startOf(partition); // strict: rejects 2026-02-30 and hour 24
                found.add(new KeyMatch(s.asset(), partition));
            } catch (IllegalArgumentException e) {
                invalid.add(s.asset());
            }
        }
        return new Outcome(List.copyOf(found), invalid.isEmpty() ? null : invalid.first());
    }

    private static String date(Matcher m) {
        String text = m.pattern().pattern();
        return text.contains("(?<date>") ? m.group("date") : m.group("year") + "-" + m.group("month") + "-" + m.group("day");
    }

    private static String randomLocation(Random random) {
        StringBuilder key = new StringBuilder();
        int segments = 1 + random.nextInt(3);
        for (int i = 0; i < segments; i++) {
            key.append(randomSegment(random)).append('/');
        }
        switch (random.nextInt(4)) {
            case 0 -> key.append("date={date}/");
            case 1 -> key.append("{date}/h={hour}/");
            case 2 -> key.append("year={year}/month={month}/day={day}/");
            default -> { }
        }
        if (random.nextInt(3) > 0) {
            // An exact location: end with a file name pattern instead of the trailing slash.
            key.append(switch (random.nextInt(4)) {
                case 0 -> "*";
                case 1 -> "**";
                case 2 -> WORDS[random.nextInt(WORDS.length)];
                default -> "*";
            }).append(EXTENSIONS[random.nextInt(EXTENSIONS.length)]);
        }
        return "s3://" + BUCKETS[random.nextInt(BUCKETS.length)] + "/" + key;
    }

    private static String randomSegment(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "*";
            case 1 -> "**";
            case 2 -> WORDS[random.nextInt(WORDS.length)] + "*";
            default -> WORDS[random.nextInt(WORDS.length)];
        };
    }

    /** A key that the location would match, except that its dates are sometimes impossible. */
    private static String instantiate(LocationPattern pattern, Random random) {
        String key = pattern.text().substring(pattern.text().indexOf('/', 5) + 1);
        key = key.replace("{date}", randomDate(random))
                .replace("{year}", String.valueOf(2020 + random.nextInt(8)))
                .replace("{month}", random.nextInt(30) == 0 ? "13" : String.format("%02d", 1 + random.nextInt(12)))
                .replace("{day}", random.nextInt(10) == 0 ? "31" : String.format("%02d", 1 + random.nextInt(28)))
                .replace("{hour}", random.nextInt(30) == 0 ? "24" : String.format("%02d", random.nextInt(24)));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < key.length(); i++) {
            if (key.startsWith("**", i)) {
                out.append(randomPath(random));
                i++;
            } else if (key.charAt(i) == '*') {
                out.append(random.nextInt(4) == 0 ? "" : WORDS[random.nextInt(WORDS.length)]);
            } else {
                out.append(key.charAt(i));
            }
        }
        if (pattern.isPrefix()) {
            out.append(randomPath(random));
        }
        return out.toString();
    }

    private static String randomDate(Random random) {
        return switch (random.nextInt(20)) {
            case 0 -> "2026-02-30";
            case 1 -> "2025-02-29";
            case 2 -> "2024-02-29";
            default -> String.format("%d-%02d-%02d", 2020 + random.nextInt(8), 1 + random.nextInt(12), 1 + random.nextInt(28));
        };
    }

    private static String randomPath(Random random) {
        StringBuilder path = new StringBuilder();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            path.append(i == 0 ? "" : "/").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return path + EXTENSIONS[random.nextInt(EXTENSIONS.length)];
    }

    private static String randomKey(Random random) {
        StringBuilder key = new StringBuilder();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            key.append(i == 0 ? "" : "/").append(switch (random.nextInt(6)) {
                case 0 -> "date=" + randomDate(random);
                case 1 -> randomDate(random);
                default -> WORDS[random.nextInt(WORDS.length)];
            });
        }
        return key + EXTENSIONS[random.nextInt(EXTENSIONS.length)];
    }
}
