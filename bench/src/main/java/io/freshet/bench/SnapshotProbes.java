package io.freshet.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import io.freshet.engine.snapshot.DecoderProbe;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.engine.snapshot.WriterProbe;

/**
 * After a table's rounds, the two halves of Freshet's client CPU measured alone, each with nothing
 * else in its loop: the decoder ({@link DecoderProbe}) and DuckDB's Parquet writer ({@link
 * WriterProbe}), then what is left of the client beside them, and the most Freshet / parallel COPY
 * and Freshet / DuckDB could be in rows per CPU-second with this server and this writer if the rest
 * of the client cost nothing. On cores the server shares, that bound says whether a goal is still
 * within a reader's reach, or needs a cheaper writer.
 */
final class SnapshotProbes {

    /** Rows each probe takes at most: enough for a steady rate, few enough to hold. */
    static final long PROBED_ROWS = 1_000_000;
    /** Passes of the decoder over its rows; the fastest counts. */
    static final int DECODER_PASSES = 10;
    /** Passes of the writer (each about a second on a wide table's million rows); the fastest counts. */
    static final int WRITER_PASSES = 3;

    private SnapshotProbes() {
    }

    /**
     * @param best        the table's rounds, best of each ({@link SnapshotRound#and})
     * @param rows        the table's rows
     * @param freshetFile one of the files Freshet wrote of this table; none when they were uploaded (and deleted)
     */
    static void print(PrintWriter out, BenchDatabase pg, SnapshotBenchTable table, SnapshotRound best, long rows, Path freshetFile,
                      SnapshotSettings settings, Path work) throws SQLException, IOException {
        DecoderProbe.Figures decoder;
        try (Connection c = pg.connect()) {
            decoder = DecoderProbe.measure(c, table.schema(), table.name(), PROBED_ROWS, DECODER_PASSES);
        }
        out.printf("  decoder alone               %.0f ns/row (the first %,d rows' COPY, %s, held in memory and decoded %d times: the best)%n",
                decoder.bestNanosPerRow(), decoder.rows(), BenchSnapshot.mb(decoder.bytes()), DECODER_PASSES);
        out.flush();
        if (!best.cpuMeasurable(rows)) {
            out.println("  writer alone                not measured: the snapshots took too little CPU for figures per row (see CPU per row)");
            return;
        }
        if (!Files.exists(freshetFile)) {
            out.println("  writer alone                not measured: no file of Freshet's was kept (with --upload each is deleted once in S3)");
            return;
        }
        WriterProbe.Figures writer;
        try {
            writer = WriterProbe.measure(freshetFile, PROBED_ROWS, WRITER_PASSES, settings, work.resolve("writer-probe"));
        } catch (SQLException e) { // a figure beside the table's, not worth the figures already printed for it
            out.println("  writer alone                not measured: DuckDB could not write Freshet's file again: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        out.printf("  writer alone                %.0f ns/row (DuckDB %s's Parquet writer with Freshet's options, one thread: the first %,d rows of "
                + "one of Freshet's files, from memory, written %d times: the best)%n", writer.bestNanosPerRow(), writer.duckdb(), writer.rows(), WRITER_PASSES);
        double alone = (decoder.bestNanosPerRow() + writer.bestNanosPerRow()) / 1e3;
        double rest = best.freshetCpu().client() - alone;
        out.printf("  Freshet's client CPU        %.2f us/row at best: decoder %.2f + writer %.2f + the rest %.2f (%s)%n", best.freshetCpu().client(),
                decoder.bestNanosPerRow() / 1e3, writer.bestNanosPerRow() / 1e3, rest, rest >= 0 ? "the socket, the hand-over to DuckDB, its table function, and the JIT compiling while a round is young"
                        : "below nothing: the probes ran after the rounds, on a busier machine than the best round had");
        if (best.freshetCpu().hasServer() && best.copiesCpu().hasServer()) {
            double least = best.freshetCpu().server() + alone;
            out.printf("  at most, with this writer   Freshet / parallel COPY %.2f%s in rows per CPU-second (the server's CPU per row, the decoder's "
                    + "and the writer's alone: the rest of the client at nothing)%n", best.copiesCpu().total() / least,
                    best.withPeer() && best.duckdbCpu().hasServer() ? String.format(", Freshet / DuckDB %.2f", best.duckdbCpu().total() / least) : "");
        }
        out.flush();
    }
}
