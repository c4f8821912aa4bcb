package io.freshet.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * One round of {@code bench snapshot} on one table, or the best of several ({@link #and}): the rate
 * of each reader in rows/s, the peak RSS of Freshet's snapshots and of DuckDB's process, the CPU
 * per row of each reader (the least over the rounds), and the last Parquet's sizes.
 *
 * @param split      the COPYs of (a): the connections Freshet reads this table on (one for a small table or a view)
 * @param duckdb     rows/s of the peer's whole read (start, ATTACH, COPY, close), timed as Freshet's snapshot is
 * @param duckdbCopy rows/s of the peer's COPY alone
 * @param copiesCpu  (a)'s CPU per row: this JVM reading the COPYs into nowhere, and the server sending them
 * @param duckdbCpu  (c)'s: the Python process during the whole read, and the server
 * @param freshetCpu (d)'s: this JVM during the snapshot, and the server
 */
record SnapshotRound(int split, double copies, double copy, double duckdb, double duckdbCopy, double freshet, long freshetRss, long duckdbRss,
                     Cpu copiesCpu, Cpu duckdbCpu, Cpu freshetCpu, long parquetBytes, long duckdbParquetBytes) {

    /**
     * CPU microseconds per row on each side of the connection: the reader's process and the
     * PostgreSQL server's ({@link ServerCpu}); infinite where not measured (no peer, or a server
     * that is not on this machine).
     */
    record Cpu(double client, double server) {
        static final Cpu NONE = new Cpu(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);

        static Cpu perRow(long clientNanos, long serverNanos, long rows) {
            return new Cpu(clientNanos / 1e3 / rows, serverNanos < 0 ? Double.POSITIVE_INFINITY : serverNanos / 1e3 / rows);
        }

        Cpu least(Cpu other) {
            return new Cpu(Math.min(client, other.client), Math.min(server, other.server));
        }

        boolean hasServer() {
            return Double.isFinite(server);
        }

        double total() {
            return client + server;
        }

        String serverAndClient() {
            return hasServer() ? String.format("%.2f + %.2f", server, client) : String.format("- + %.2f", client);
        }
    }

    /** CPU time below which the per-row figures are mostly the rounding of /proc's 10 ms ticks. */
    private static final double MEASURABLE_MICROS = 500_000;

    static final SnapshotRound NONE = new SnapshotRound(0, 0, 0, 0, 0, 0, 0, 0, Cpu.NONE, Cpu.NONE, Cpu.NONE, 0, 0);

    boolean withPeer() {
        return duckdb > 0;
    }

    SnapshotRound and(SnapshotRound r) {
        return new SnapshotRound(r.split, Math.max(copies, r.copies), Math.max(copy, r.copy), Math.max(duckdb, r.duckdb),
                Math.max(duckdbCopy, r.duckdbCopy), Math.max(freshet, r.freshet), Math.max(freshetRss, r.freshetRss), Math.max(duckdbRss, r.duckdbRss),
                copiesCpu.least(r.copiesCpu), duckdbCpu.least(r.duckdbCpu), freshetCpu.least(r.freshetCpu), r.parquetBytes,
                Math.max(duckdbParquetBytes, r.duckdbParquetBytes));
    }

    void print(PrintWriter out, int round) {
        boolean peer = withPeer();
        out.printf("round %d  (a) %d COPY %,.0f  (b) 1 COPY %,.0f  (c) DuckDB %s  (d) Freshet %,.0f rows/s  d/a %.2f  d/c %s  "
                        + "client CPU d %.2f c %s us/row%s  load %s%n",
                round, split, copies, copy, peer ? String.format("%,.0f", duckdb) : "-", freshet, freshet / copies,
                peer ? String.format("%.2f", freshet / duckdb) : "-", freshetCpu.client, peer ? String.format("%.2f", duckdbCpu.client) : "-",
                freshetCpu.hasServer() ? String.format("  server CPU d %.2f c %s", freshetCpu.server, peer ? String.format("%.2f", duckdbCpu.server) : "-") : "",
                ProcessFigures.loadAverage());
        out.flush();
    }

    /**
     * Each reader's median rate over the rounds, and their ratios, beside the best of each that the
     * goal lines compare: a round where one reader alone was lucky (or slowed by a neighbour) moves
     * a best but not a median. The issue's own figures were medians of 5-13 runs. Nothing for one round.
     */
    static void printMedians(PrintWriter out, List<SnapshotRound> rounds) {
        if (rounds.size() < 2) {
            return;
        }
        double freshet = median(rounds, SnapshotRound::freshet);
        double duckdb = median(rounds, SnapshotRound::duckdb);
        out.printf("  medians of %d rounds         Freshet / parallel COPY %.2f%s (each reader's middle round)%n", rounds.size(),
                freshet / median(rounds, SnapshotRound::copies), duckdb > 0 ? String.format(", Freshet / DuckDB %.2f", freshet / duckdb) : "");
    }

    /** The median of {@code figure} over the rounds ({@link Medians}). */
    static double median(List<SnapshotRound> rounds, ToDoubleFunction<SnapshotRound> figure) {
        return Medians.of(rounds.stream().mapToDouble(figure).toArray());
    }

    /** Whether Freshet's snapshots took enough CPU for figures per row; not when under {@link #MEASURABLE_MICROS}. */
    boolean cpuMeasurable(long rows) {
        return freshetCpu.total() * rows >= MEASURABLE_MICROS;
    }

    /**
     * What each reader cost the machine per row, server and client, and the rates' ratios as they
     * would be if the machine's cores were all that bounded them: rows per CPU-second. On cores the
     * server and the readers share, that is what the ratios of rows/s tend to; unlike them, it does
     * not move with the machine's load or with a round's idle moments.
     */
    void printCpu(PrintWriter out, long rows) {
        if (!freshetCpu.hasServer()) {
            out.println("  CPU per row                 the server's is not measured: it is not on this machine");
            return;
        }
        if (!cpuMeasurable(rows)) {
            out.println("  CPU per row                 not given: the snapshot took under half a second of CPU, which /proc counts in ticks of 10 ms");
            return;
        }
        out.printf("  CPU per row, us             server + client: (a) %s, %s(d) %s%n", copiesCpu.serverAndClient(),
                withPeer() ? "(c) " + duckdbCpu.serverAndClient() + ", " : "", freshetCpu.serverAndClient());
        out.printf("  rows per CPU-second         Freshet / parallel COPY %.2f%s (what the rates' ratios tend to when the cores, shared, are the bound)%n",
                copiesCpu.total() / freshetCpu.total(), withPeer() ? String.format(", Freshet / DuckDB %.2f", duckdbCpu.total() / freshetCpu.total()) : "");
    }
}
