package io.freshet.engine.snapshot;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * The snapshot's decoding alone, for {@code bench snapshot}: the first rows of a table's binary
 * COPY (the columns selected as a snapshot selects them) held in memory, then decoded into
 * {@link Batch}es again and again, with no PostgreSQL, socket or DuckDB in the loop. On two shared
 * cores a whole snapshot's rate moves by 10% from run to run with what the server's backends and
 * DuckDB's writers get; this figure does not, so a change to the decoder is measured here, in ns a
 * row, and then in the snapshot's client CPU beside it.
 */
public final class DecoderProbe {

    /**
     * Held at most: a wide table's first rows, not the table; and no more than an eighth of the
     * heap, since holding them while they arrive takes up to three times their size.
     */
    static final long MAX_BYTES = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);

    /**
     * @param rows           rows decoded in each pass
     * @param bytes          their binary COPY's size
     * @param bestNanosPerRow the CPU of the fastest pass, per row
     */
    public record Figures(long rows, long bytes, double bestNanosPerRow) {
    }

    private DecoderProbe() {
    }

    /** Decodes the first rows of {@code schema.table} (at most {@code maxRows}, and {@link #MAX_BYTES}) {@code passes} times. */
    public static Figures measure(Connection connection, String schema, String table, long maxRows, int passes) throws SQLException {
        return measure(connection, schema, table, maxRows, MAX_BYTES, passes);
    }

    static Figures measure(Connection connection, String schema, String table, long maxRows, long maxBytes, int passes) throws SQLException {
        PgCatalog catalog = new PgCatalog(connection);
        PgCatalog.Relation relation = catalog.relation(schema, table)
                .orElseThrow(() -> new SnapshotException(schema + "." + table, "no such table, view or materialized view"));
        List<PgColumn> columns = catalog.columns(relation);
        String select = columns.stream().map(PgColumn::selectExpression).collect(Collectors.joining(", "));
        byte[] copy = firstRows("COPY (SELECT " + select + " FROM " + Sql.quoteIdent(schema) + "." + Sql.quoteIdent(table)
                + " LIMIT " + maxRows + ") TO STDOUT (FORMAT binary)", connection, maxBytes);
        Batch batch = new Batch(columns, Batch.capacity(columns, CopyStream.BATCHES)); // as a snapshot on one connection makes them
        // The thread's CPU, not the clock: a pass the scheduler interrupts (the machine's neighbours,
        // the JIT's own threads) costs the clock the time it waited, and the decoder nothing more.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        long rows = 0;
        for (int pass = 0; pass < passes; pass++) {
            long t0 = threads.getCurrentThreadCpuTime();
            rows = decode(copy, columns, batch);
            best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
        }
        return new Figures(rows, copy.length, rows == 0 ? 0 : (double) best / rows);
    }

    /**
     * The COPY's messages (a row each) until it ends or {@code maxBytes}; then its trailer, so that
     * what is held ends as a COPY does. The rest is read and dropped: a cancelled COPY leaves
     * pgjdbc's connection answering the next query with nothing.
     */
    private static byte[] firstRows(String sql, Connection connection, long maxBytes) throws SQLException {
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        byte[] message;
        while ((message = copy.readFromCopy()) != null) {
            if (held.size() < maxBytes) {
                held.write(message, 0, message.length);
            }
        }
        held.write(0xff); // a field count of -1: the end of the data (a second one after PostgreSQL's own is never read)
        held.write(0xff);
        return held.toByteArray();
    }

    private static long decode(byte[] copy, List<PgColumn> columns, Batch batch) throws SQLException {
        CopyInput in = CopyInput.held(copy);
        RowDecoder decoder = new RowDecoder(columns, -1);
        decoder.readHeader(in);
        batch.reset();
        while (decoder.readRow(in, batch)) {
            if (batch.full()) {
                batch.reset(); // where the snapshot hands the batch to DuckDB
            }
        }
        return decoder.rows();
    }
}
