package io.freshet.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table or query a PostgreSQL input reads is part of the reading pipeline's code version, and only of it. */
class PostgresInputVersionTest {

    @TempDir
    Path tmp;

    Project load(String name, String query) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.gates:
                    s3: s3://${LakeBucket}/landing/gates/
                  metro.taps:
                    postgres:
                      connection: metro
                      query: %s
                """.formatted(query));
        Files.writeString(dir.resolve("reader.yaml"), """
                pipeline: reader
                inputs: [landing.gates, metro.taps]
                outputs:
                  core.reader: s3://${LakeBucket}/core/reader/
                trigger:
                  condition: landing.gates
                steps:
                  - sql: { output: core.reader, query: SELECT * FROM metro.taps }
                """);
        Files.writeString(dir.resolve("other.yaml"), """
                pipeline: other
                inputs: [landing.gates]
                outputs:
                  core.other: s3://${LakeBucket}/core/other/
                trigger:
                  condition: landing.gates
                steps:
                  - sql: { output: core.other, query: SELECT * FROM landing.gates }
                """);
        return ProjectLoader.load(dir).orThrow();
    }

    @Test
    void changingTheQueryChangesOnlyItsReadersVersion() throws Exception {
        Project before = load("before", "SELECT * FROM taps");
        Project after = load("after", "SELECT * FROM taps WHERE station_id > 0");

        assertNotEquals(before.codeVersion("reader"), after.codeVersion("reader"));
        assertEquals(before.codeVersion("other"), after.codeVersion("other"));
        assertEquals(before.codeVersion("reader"), load("again", "SELECT * FROM taps").codeVersion("reader"), "computed, not random");
    }
}
