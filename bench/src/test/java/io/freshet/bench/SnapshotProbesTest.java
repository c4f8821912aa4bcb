package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.bench.SnapshotRound.Cpu;
import io.freshet.engine.snapshot.SnapshotSettings;
import picocli.CommandLine;

/**
 * {@code bench snapshot}'s split of Freshet's client CPU (the decoder alone, DuckDB's writer alone,
 * the rest) and the bound it gives, on a table large enough for its CPU to be measured.
 */
class SnapshotProbesTest {

    private static final Pattern SPLIT = Pattern.compile(
            "  Freshet's client CPU +([0-9.]+) us/row at best: decoder ([0-9.]+) \\+ writer ([0-9.]+) \\+ the rest (-?[0-9.]+) .*");
    private static final Pattern PER_CPU_SECOND = Pattern.compile("  rows per CPU-second +Freshet / parallel COPY ([0-9.]+) .*");
    private static final Pattern AT_MOST = Pattern.compile("  at most, with this writer +Freshet / parallel COPY ([0-9.]+) in rows per CPU-second .*");

    @Test
    void theClientsCpuIsSplitAndTheBoundIsAboveWhatWasMeasured() {
        StringWriter printed = new StringWriter();
        CommandLine cli = new CommandLine(new BenchSnapshot());
        cli.setOut(new PrintWriter(printed, true));
        int exit = cli.execute("--columns", "bigint*3, text*2, timestamptz", "--rows", "400000", "--rounds", "1", "--no-duckdb", "--connections", "2");
        String out = printed.toString();
        assertEquals(0, exit, out);
        assertTrue(out.lines().anyMatch(l -> l.matches(".*Parquet writer with Freshet's options, one thread: the first [0-9,]+ rows of one of Freshet's files.*")), out);

        Matcher split = line(SPLIT, out);
        double client = Double.parseDouble(split.group(1));
        double decoder = Double.parseDouble(split.group(2));
        double writer = Double.parseDouble(split.group(3));
        double rest = Double.parseDouble(split.group(4));
        assertTrue(decoder > 0 && writer > 0, out);
        assertEquals(client, decoder + writer + rest, 0.015, "the three parts make the whole, to the printed rounding: " + out);
        // Each probe measures a part of the client's work with nothing else in its loop: together they cannot cost more than the whole did.
        assertTrue(rest > 0, out);
        double measured = Double.parseDouble(line(PER_CPU_SECOND, out).group(1));
        double atMost = Double.parseDouble(line(AT_MOST, out).group(1));
        assertTrue(atMost > measured, "the bound, with the rest of the client at nothing, is above what the snapshot made: " + out);
    }

    /** A probe that fails costs the table its writer's line, not the figures already printed for it. */
    @Test
    void aFileDuckDbCannotReadCostsOnlyTheWritersLine(@TempDir Path dir) throws Exception {
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            SnapshotBenchTable table = SnapshotBenchTable.generated("int, text");
            table.fill(pg, 100);
            Path notParquet = Files.writeString(dir.resolve("part-00000.parquet"), "not a Parquet file");
            SnapshotRound best = new SnapshotRound(1, 1e6, 1e6, 0, 0, 8e5, 0, 0, new Cpu(0.2, 0.6), Cpu.NONE, new Cpu(0.5, 0.6), 0, 0);
            StringWriter printed = new StringWriter();
            SnapshotProbes.print(new PrintWriter(printed, true), pg, table, best, 1_000_000, notParquet,
                    new SnapshotSettings("256MB", 2, dir.resolve("spill"), 1), dir);
            String out = printed.toString();
            assertTrue(out.contains("  decoder alone "), out);
            assertTrue(out.contains("  writer alone                not measured: DuckDB could not write Freshet's file again: "), out);
            assertTrue(!out.contains("at most"), out);
        }
    }

    private static Matcher line(Pattern pattern, String out) {
        Matcher m = out.lines().map(pattern::matcher).filter(Matcher::matches).findFirst().orElse(null);
        assertTrue(m != null, pattern + " in " + out);
        return m;
    }
}
