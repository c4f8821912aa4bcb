package io.freshet.core.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.freshet.core.load.ProjectLoader;

/** Code versions are computed from the files: what must change them and what must not. */
class CodeVersionTest {

    private Path dir;

    private static final String SOURCES = """
            sources:
              landing.taps:
                s3: s3://${LakeBucket}/landing/taps/date={date}/*.csv
            """;
    private static final String PIPELINE = """
            pipeline: trips
            description: journeys
            inputs: [landing.taps]
            partitions: daily
            outputs:
              core.trips: s3://${LakeBucket}/core/trips/date={date}/
            trigger:
              condition: landing.taps
            steps:
              - sql:
                  output: core.trips
                  file: sql/trips.sql
            timeout: 5m
            """;
    private static final String SQL = "SELECT *\nFROM landing.taps\n";

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("freshet-cv");
        Files.createDirectories(dir.resolve("sql"));
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private String version(String pipeline, String sql) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), SOURCES);
        Files.writeString(dir.resolve("trips.yaml"), pipeline);
        Files.writeString(dir.resolve("sql/trips.sql"), sql);
        return ProjectLoader.load(dir).orThrow().codeVersion("trips");
    }

    @Test
    void isStableAndShort() throws IOException {
        String v = version(PIPELINE, SQL);
        assertEquals(v, version(PIPELINE, SQL));
        assertTrue(v.matches("[0-9a-f]{16}"), v);
    }

    @Test
    void ignoresFormattingCommentsKeyOrderDescriptionsAndLineEndings() throws IOException {
        String v = version(PIPELINE, SQL);
        String reformatted = "# a comment\n" + PIPELINE
                .replace("description: journeys", "description: >-\n  trips, rebuilt from taps")
                .replace("inputs: [landing.taps]", "inputs:\n  - 'landing.taps'   # quoted now")
                .replace("\n", "\r\n");
        assertEquals(v, version(reformatted, SQL));
        String reordered = PIPELINE.replace("partitions: daily\n", "") + "partitions: daily\n";
        assertEquals(v, version(reordered, SQL));
        assertEquals(v, version(PIPELINE, "\uFEFFSELECT *   \r\nFROM landing.taps\r\n\r\n\r\n"));
    }

    @Test
    void ignoresWhenAndHowReliablyItRuns() throws IOException {
        String v = version(PIPELINE, SQL);
        String operational = PIPELINE.replace("timeout: 5m", "timeout: 10m\nretries: 5\nfreshness:\n  max_lag: 5m")
                .replace("condition: landing.taps", "cron: \"0 * * * ? *\"\n  condition: landing.taps");
        assertEquals(v, version(operational, SQL));
    }

    @Test
    void changesWithWhatDecidesTheData() throws IOException {
        String v = version(PIPELINE, SQL);
        assertNotEquals(v, version(PIPELINE, SQL.replace("*", "tap_id")), "SQL text");
        assertNotEquals(v, version(PIPELINE, "-- why\n" + SQL), "SQL comments are kept");
        assertNotEquals(v, version(PIPELINE, SQL.replace("SELECT *", "select *")), "SQL keyword case is kept");
        assertNotEquals(v, version(PIPELINE.replace("core/trips/", "core/trips_v2/"), SQL), "output location");
        assertNotEquals(v, version(PIPELINE + "checks:\n  - row_count: { min: 1 }\n", SQL), "checks");
        assertNotEquals(v, version(PIPELINE.replace("partitions: daily", "partitions:\n  grain: daily\n  timezone: Europe/Prague"), SQL), "partitions");
    }

    @Test
    void normaliseTextDropsOnlyWhatCannotChangeMeaning() {
        assertEquals("a\n  b", CodeVersion.normaliseText("\uFEFFa  \r\n  b\t\r\n\n"));
        assertEquals("a\n\nb", CodeVersion.normaliseText("a\r\rb"));
    }
}
