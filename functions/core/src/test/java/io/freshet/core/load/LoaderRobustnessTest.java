package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.freshet.core.yaml.Diagnostic;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Pipelines as people break them: lines deleted, duplicated, swapped, re-indented, characters
 * replaced by YAML punctuation. Whatever the damage, loading never throws, and every error points
 * at a line and column that exist in the file it names.
 */
class LoaderRobustnessTest {

    private static final Path EXAMPLES = Path.of("../../pipelines");
    private static final String PUNCTUATION = ":{}[]-&|*#'\"\t ,?!%@`>$.";

    @Property(tries = 150)
    void mutatedPipelinesNeverCrashTheLoaderAndErrorsPointInsideTheirFile(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int mutations) throws IOException {
        Random random = new Random(seed);
        Path dir = Files.createTempDirectory("freshet-mutated");
        try {
            copy(EXAMPLES, dir);
            List<Path> yaml = yamlFiles(dir);
            Path victim = yaml.get(random.nextInt(yaml.size()));
            List<String> lines = new ArrayList<>(Files.readAllLines(victim, StandardCharsets.UTF_8));
            for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
                mutate(lines, random);
            }
            Files.writeString(victim, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);

            LoadResult result = ProjectLoader.load(dir, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);

            assertEquals(result.ok(), result.project().isPresent());
            for (Diagnostic d : result.errors()) {
                Path file = dir.resolve(d.pos().file().substring("pipelines/".length()));
                assertInsideFile(d, Files.readAllLines(file, StandardCharsets.UTF_8));
                assertTrue(!d.message().isBlank() && !d.message().contains("Exception"), "a message for people: " + d);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Numbers as people and generators write them, at and past every edge. */
    private static final List<String> EDGE_NUMBERS = List.of(
            "0", "-0", "+0", "1", "+1", "-1", "10", "11", "1000", "1001",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
            "99999999999999999999", "1" + "0".repeat(400), "-" + "9".repeat(60), "0" + "0".repeat(30) + "5",
            "1e400", "1E3", "-1e-400", "1.5", "0.0", ".5", "5.", ".inf", "-.inf", ".nan", "0x10", "0o17", "1_000",
            "2147483648", "4294967296", "''", "~", "null", "[1]", "{a: 1}", "true");

    /** Durations at and past every edge: units multiplied past a long, zeros, missing units. */
    private static final List<String> EDGE_DURATIONS = List.of(
            "1s", "0s", "0d0h0m0s", "00m", "15m", "16m", "3650d", "3651d", "87600h", "87600h1s", "9999999999999999d",
            "99999999999999999999d", "106751991167300d", "2562047788015216h", "153722867280912931m", "9223372036854775807s",
            "9223372036854775808s", "1" + "0".repeat(400) + "s", "-5m", "+5m", "5", "5M", "1h-1m", "1d1d", "1e3m", "1.5h", "", "P1D", "~");

    /** Every numeric key of the language, each in a pipeline that is otherwise valid. {0} is the value. */
    private static final List<String> NUMERIC_FIELDS = List.of(
            "freshness:\n  max_lag: {0}\n",
            "freshness:\n  deadline: \"0 9 * * ? *\"\n  lag: {0}\n",
            "timeout: {0}\n",
            "retries: {0}\n",
            "retries:\n  attempts: {0}\n",
            "retries:\n  attempts: 1\n  backoff: {0}\n",
            "retries:\n  attempts: 1\n  max_backoff: {0}\n",
            "on_code_change: { last: {0} }\n",
            "checks:\n  - row_count: { min: {0} }\n",
            "checks:\n  - row_count: { max: {0} }\n",
            "trigger2:\n  max_catchup: {0}\n");

    @Property(tries = 400)
    void numbersAtTheEdgesInEveryNumericFieldGiveLocatedErrorsNeverExceptions(
            @ForAll @IntRange(min = 0, max = 10) int field, @ForAll long seed) throws IOException {
        Random random = new Random(seed);
        String template = NUMERIC_FIELDS.get(field);
        List<String> values = isDuration(template) ? EDGE_DURATIONS : EDGE_NUMBERS;
        String value = values.get(random.nextInt(values.size()));
        Path dir = Files.createTempDirectory("freshet-edges");
        try {
            Files.writeString(dir.resolve("sources.yaml"), "sources:\n  landing.taps:\n    s3: s3://${LakeBucket}/landing/taps/date={date}/\n");
            Files.writeString(dir.resolve("edges.yaml"), edgesPipeline(template, value), StandardCharsets.UTF_8);

            LoadResult result = ProjectLoader.load(dir, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);

            assertEquals(result.ok(), result.project().isPresent());
            List<String> content = Files.readAllLines(dir.resolve("edges.yaml"), StandardCharsets.UTF_8);
            for (Diagnostic d : result.errors()) {
                assertInsideFile(d, content);
                assertTrue(!d.message().contains("Exception") && d.message().length() < 400, "a message for people: " + d);
            }
            int valueLine = lineOfValue(content, value);
            if (!result.ok() && valueLine > 0) {
                assertTrue(result.errors().stream().anyMatch(d -> d.pos().line() == valueLine),
                        "an error on the line of " + value + ": " + result.errors());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Whether the field of a {@link #NUMERIC_FIELDS} template holds a duration rather than a number. */
    private static boolean isDuration(String template) {
        return template.contains("max_lag") || template.contains("lag:") || template.contains("timeout")
                || template.contains("backoff");
    }

    /** A valid pipeline but for {@code value} in the field of {@code template}. */
    private static String edgesPipeline(String template, String value) {
        // max_catchup belongs inside the trigger, every other field at the top level.
        boolean inTrigger = template.startsWith("trigger2");
        String trigger = inTrigger
                ? "trigger:\n  cron: \"0 1 * * ? *\"\n  catchup: true\n  max_catchup: " + value + "\n"
                : "trigger:\n  cron: \"0 1 * * ? *\"\n";
        String extra = inTrigger ? "" : template.replace("{0}", value);
        return "pipeline: edges\ninputs: [landing.taps]\npartitions: daily\noutputs:\n"
                + "  core.edges: s3://${LakeBucket}/core/edges/date={date}/\n" + trigger
                + "steps:\n  - sql:\n      output: core.edges\n      query: SELECT * FROM landing.taps\n" + extra;
    }

    /** The error's line and column exist in the file's {@code content} (or just past its end). */
    private static void assertInsideFile(Diagnostic d, List<String> content) {
        assertTrue(d.pos().line() >= 1 && d.pos().line() <= content.size() + 1, "line of " + d);
        int width = d.pos().line() > content.size() ? 0 : content.get(d.pos().line() - 1).length();
        assertTrue(d.pos().column() >= 1 && d.pos().column() <= width + 1, "column of " + d);
    }

    /** The 1-based line of the last {@code key: ...} line holding {@code value}; 0 when there is none. */
    private static int lineOfValue(List<String> content, String value) {
        int valueLine = 0;
        for (int i = 0; i < content.size(); i++) {
            if (content.get(i).contains(value.isEmpty() ? "\u0000" : value) && content.get(i).contains(":")) {
                valueLine = i + 1;
            }
        }
        return valueLine;
    }

    @Property(tries = 60)
    void wholeNumbersAreReadExactlyAndCheckedAgainstTheirRange(@ForAll BigInteger n) throws IOException {
        Path dir = Files.createTempDirectory("freshet-int");
        try {
            Files.writeString(dir.resolve("sources.yaml"), "sources:\n  landing.taps:\n    s3: s3://${LakeBucket}/landing/taps/date={date}/\n");
            Files.writeString(dir.resolve("p.yaml"), "pipeline: p\ninputs: [landing.taps]\npartitions: daily\noutputs:\n"
                    + "  core.p: s3://${LakeBucket}/core/p/date={date}/\ntrigger:\n  condition: landing.taps\n"
                    + "steps:\n  - sql:\n      output: core.p\n      query: SELECT * FROM landing.taps\nretries: " + n + "\n");
            LoadResult result = ProjectLoader.load(dir, "pipelines", ProjectLoader.DEFAULT_PARAMETERS);
            boolean inRange = n.signum() >= 0 && n.compareTo(BigInteger.TEN) <= 0;
            assertEquals(inRange, result.ok(), n + ": " + result.errors());
            if (result.ok()) {
                assertEquals(n.intValue(), result.orThrow().pipelines().get(0).retries().attempts());
            } else {
                assertEquals(List.of("pipelines/p.yaml:12:10: 'retries' must be between 0 and 10, got " + n),
                        result.errors().stream().map(Diagnostic::toString).toList());
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void mutate(List<String> lines, Random r) {
        int i = r.nextInt(lines.size());
        switch (r.nextInt(6)) {
            case 0 -> lines.remove(i);
            case 1 -> lines.add(i, lines.get(i));
            case 2 -> {
                int j = r.nextInt(lines.size());
                String t = lines.get(i);
                lines.set(i, lines.get(j));
                lines.set(j, t);
            }
            case 3 -> lines.set(i, "  " + lines.get(i));
            case 4 -> lines.set(i, lines.get(i).stripLeading());
            default -> {
                String line = lines.get(i);
                if (!line.isEmpty()) {
                    int at = r.nextInt(line.length());
                    lines.set(i, line.substring(0, at) + PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length())) + line.substring(at + 1));
                }
            }
        }
    }

    private static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
