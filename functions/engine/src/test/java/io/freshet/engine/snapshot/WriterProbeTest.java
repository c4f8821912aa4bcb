package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Properties;

import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench snapshot}'s figure of the Parquet writer alone: it must write the rows it says it
 * wrote, leave nothing behind, and time the writer's work, which happens on the caller's thread.
 */
class WriterProbeTest {

    @TempDir
    Path dir;

    private final SnapshotSettings settings = new SnapshotSettings("256MB", 2, Path.of("/tmp"), 1);

    @Test
    void writesTheFirstRowsItWasAskedForAndLeavesNoFile() throws Exception {
        Path file = parquet("SELECT g AS id, 'name ' || g AS name FROM range(50000) t(g)", "small.parquet");
        WriterProbe.Figures all = WriterProbe.measure(file, 1_000_000, 2, settings, dir.resolve("work"));
        assertEquals(50_000, all.rows());
        assertTrue(all.bestNanosPerRow() > 0, all.toString());
        assertEquals(12_345, WriterProbe.measure(file, 12_345, 1, settings, dir.resolve("work")).rows());
        try (var left = Files.list(dir.resolve("work"))) {
            assertTrue(left.noneMatch(p -> p.toString().endsWith(".parquet")), "the probe's own file is deleted after each pass");
        }
    }

    @Test
    void timesTheWritersWorkOnTheCallersThread() throws Exception {
        // Were the COPY run on a thread of DuckDB's own, the caller's CPU would not grow with the row's width.
        Path narrow = parquet("SELECT g AS id FROM range(300000) t(g)", "narrow.parquet");
        Path wide = parquet("SELECT g AS id, md5(g::VARCHAR) AS a, md5((g + 1)::VARCHAR) AS b, md5((g + 2)::VARCHAR) AS c, "
                + "md5((g + 3)::VARCHAR) AS d FROM range(300000) t(g)", "wide.parquet");
        double narrowNanos = WriterProbe.measure(narrow, 1_000_000, 3, settings, dir.resolve("work")).bestNanosPerRow();
        double wideNanos = WriterProbe.measure(wide, 1_000_000, 3, settings, dir.resolve("work")).bestNanosPerRow();
        assertTrue(wideNanos > 3 * narrowNanos, "four columns of 32 random hex digits each cost more than one of integers: " + wideNanos + " ns/row against "
                + narrowNanos);
    }

    private Path parquet(String select, String name) throws Exception {
        Path file = dir.resolve(name);
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties()); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO " + Sql.quoteLiteral(file.toString()) + " (FORMAT parquet)");
        }
        return file;
    }
}
