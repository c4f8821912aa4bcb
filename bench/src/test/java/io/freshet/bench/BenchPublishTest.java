package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class BenchPublishTest {

    /** A short run on the real servers: every case's row, each run published, the history table holding its prior commits. */
    @Test
    void publishesStagedRunsAndReportsEachCaseAgainstTheLimit() {
        StringWriter printed = new StringWriter();
        CommandLine cli = new CommandLine(new BenchPublish());
        cli.setOut(new PrintWriter(printed, true));
        int exit = cli.execute("--runs", "2", "--outputs", "2", "--history", "4", "--rows", "10");

        String out = printed.toString();
        assertEquals(0, exit, out);
        assertTrue(out.contains("history: 4 commits"), out);
        assertTrue(out.contains("limit: S3 PUT + GET of a 1 KB object + one DynamoDB PutItem"), out);
        List<String> rows = out.lines().filter(l -> l.matches("^(1 output|2 outputs|1 output, 4 prior commits) .* \\d+\\.\\dx$")).toList();
        assertEquals(3, rows.size(), out);
        // 3 warm-up runs and 2 measured, one snapshot each; the history table 4 more before them.
        List<String> tables = out.lines().filter(l -> l.startsWith("  table after: ")).toList();
        assertEquals(3, tables.size(), out);
        assertTrue(tables.get(0).contains(" 5 snapshots,"), tables.get(0));
        assertTrue(tables.get(1).contains(" 5 snapshots,"), tables.get(1));
        assertTrue(tables.get(2).contains(" 9 snapshots,"), tables.get(2));
    }
}
