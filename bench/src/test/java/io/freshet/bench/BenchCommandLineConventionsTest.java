package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.freshet.cli.CommandLineConventionsTest;

/**
 * The CLI's conventions on the whole tree {@code local/freshet} runs: the operator CLI, the
 * embedded stack's commands and the benchmarks nested under {@code bench}.
 */
class BenchCommandLineConventionsTest extends CommandLineConventionsTest {

    @Override
    protected List<String> expectedCommands() {
        return List.of("", "validate", "rules-sync", "status", "page", "up", "demo", "bench", "bench coldstart", "bench tick");
    }

    @Override
    protected List<String> commandsWithZone() {
        return List.of("status", "events", "runs", "why", "tables", "page", "up");
    }

    @Test
    void benchAloneIsAUsageErrorAndABadRepositoryIsSaidInWords() {
        assertEquals(2, run(List.of("bench")).code());
        // A command that cannot do its work says why in words, exit 2, no stack trace.
        Result noRepository = run(List.of("bench", "coldstart", "--repository", "/nonexistent"));
        assertEquals(2, noRepository.code());
        assertTrue(noRepository.err().startsWith("/nonexistent holds no template.yaml and pipelines/"), noRepository.err());
    }

    @Test
    void pipelinesThatDoNotLoadAreSaidAsValidateSaysThemWithoutAStackTrace() {
        Result missing = run(List.of("bench", "dispatch", "--pipelines", "/nonexistent", "--events", "1", "--graph-pipelines", "0"));
        assertEquals(1, missing.code(), "the pipelines have errors");
        assertTrue(missing.err().contains("/nonexistent:1:1: not a directory"), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());
    }

    @Test
    void cpuListsAreCheckedBeforeAnythingStarts() {
        Result notAList = run(List.of("bench", "snapshot", "--client-cpus", "first"));
        assertEquals(2, notAList.code());
        assertTrue(notAList.err().contains("a CPU list is numbers and ranges, as taskset reads them (0, 0-1, 0,2): not 'first'"), notAList.err());
        Result notOurs = run(List.of("bench", "snapshot", "--database-cpus", "0", "--url", "postgresql://u@db.example/x", "--table", "t"));
        assertEquals(2, notOurs.code());
        assertTrue(notOurs.err().contains("--database-cpus pins the embedded server; pin your own server where it runs"), notOurs.err());
        // a CPU the machine lacks: taskset's reason, exit 2, no stack trace (and this JVM keeps its CPUs)
        Result lacking = run(List.of("bench", "snapshot", "--client-cpus", "4095", "--rows", "10", "--wide-rows", "0", "--no-duckdb"));
        assertEquals(2, lacking.code());
        assertTrue(lacking.err().startsWith("taskset could not pin process " + ProcessHandle.current().pid() + " to CPUs 4095: "), lacking.err());
        assertFalse(lacking.err().contains("\tat "), lacking.err());
    }
}
