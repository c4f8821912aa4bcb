package io.freshet.engine.snapshot;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.duckdb.DuckDBDriver;

/**
 * The snapshot's Parquet writer alone, for {@code bench snapshot}: the first rows of one of a
 * snapshot's own files loaded into an in-memory DuckDB table, then written again and again with
 * the options every snapshot writes with ({@link DuckDbParquet#parquetOptions}), on one thread, with
 * no PostgreSQL, socket or decoder in the loop. With {@link DecoderProbe}'s figure it splits the
 * snapshot's client CPU into what Freshet's code costs and what DuckDB's writer costs, and so says
 * how far any reader that writes these files with this writer can go on cores it shares with the
 * server.
 */
public final class WriterProbe {

    /**
     * @param rows            rows written in each pass
     * @param bestNanosPerRow the CPU of the fastest pass, per row
     * @param duckdb          DuckDB's version, whose writer this is
     */
    public record Figures(long rows, double bestNanosPerRow, String duckdb) {
    }

    private WriterProbe() {
    }

    /**
     * Writes the first rows of {@code parquet} (at most {@code maxRows}) {@code passes} times under
     * {@code workDir}, timing each pass by the CPU of the thread that runs it: DuckDB with one thread
     * runs a {@code COPY} wholly on the caller's thread, as a snapshot's writers do.
     */
    public static Figures measure(Path parquet, long maxRows, int passes, SnapshotSettings settings, Path workDir) throws SQLException, IOException {
        Files.createDirectories(workDir);
        Path out = workDir.resolve("writer-probe.parquet");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // A writer's DuckDB, but with DuckDB's default memory limit: it holds the rows the passes write.
        Properties setup = DuckDbParquet.properties(workDir, workDir.resolve("spill"));
        try (Connection duck = new DuckDBDriver().connect("jdbc:duckdb:", setup); Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE probe AS SELECT * FROM read_parquet(" + Sql.quoteLiteral(parquet.toAbsolutePath().toString()) + ") LIMIT " + maxRows);
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM probe")) {
                rs.next();
                rows = rs.getLong(1);
            }
            String copy = "COPY probe TO " + Sql.quoteLiteral(out.toAbsolutePath().toString()) + " "
                    + DuckDbParquet.parquetOptions(DuckDbParquet.rowGroupBytes(settings));
            long best = Long.MAX_VALUE;
            for (int pass = 0; pass < passes; pass++) {
                long t0 = threads.getCurrentThreadCpuTime();
                s.execute(copy);
                best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
                Files.delete(out);
            }
            return new Figures(rows, rows == 0 ? 0 : (double) best / rows, duck.getMetaData().getDatabaseProductVersion());
        }
    }
}
