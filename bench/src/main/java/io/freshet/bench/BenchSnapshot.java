package io.freshet.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.freshet.aws.s3.ObjectStore;
import io.freshet.bench.SnapshotRound.Cpu;
import io.freshet.cli.OptionValues;
import io.freshet.core.model.PostgresConnections;
import io.freshet.engine.snapshot.ParquetFileListener;
import io.freshet.engine.snapshot.PgConnectionInfo;
import io.freshet.engine.snapshot.PostgresSnapshot;
import io.freshet.engine.snapshot.SnapshotResult;
import io.freshet.engine.snapshot.SnapshotSettings;
import io.freshet.engine.snapshot.TableRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * PostgreSQL -> zstd Parquet against the limit and the best peer, on the same tables in the same
 * run: per table (the 8-column one, then a 22-column wide one; or one of the types named with
 * {@code --columns}; or those a user's SQL file makes, {@code --sql}; or tables of a user's own
 * server, {@code --url}), in interleaved rounds, (a) N parallel {@code COPY (FORMAT binary) TO
 * STDOUT} into nowhere, split as Freshet splits the table (ctid ranges, or a partitioned table's
 * leaves), with the N Freshet uses; (b) one such COPY; (c) DuckDB's postgres_scanner (Python DuckDB from PyPI, in a
 * child process) writing the table to zstd Parquet; (d) Freshet's snapshot of it, to local disk or,
 * with {@code --upload}, each file uploaded to S3 as soon as it is complete. Prints the best rate
 * of each, Freshet / parallel COPY, Freshet / DuckDB, the same ratios of each reader's median round
 * ({@link SnapshotRound#printMedians}), the peak RSS during Freshet's snapshots, and what each
 * reader costs per row in CPU, the embedded server's included ({@link SnapshotRound#printCpu}).
 *
 * <p>The S3 server (S3Proxy, {@link RemoteS3}) runs in a child JVM: it keeps objects in memory,
 * which is S3's memory, not Freshet's, and must not count against this process's heap.
 */
@Command(name = "snapshot", description = "Freshet's snapshot against parallel COPY into nowhere, one COPY and DuckDB's postgres_scanner on the same "
        + "tables: rows/s, ratios, peak RSS (see docs/performance.md).")
final class BenchSnapshot implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "10000000", converter = OptionValues.AtLeastOneLong.class,
            description = "rows in the 8-column table, or in the table of --columns (default: ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--columns", paramLabel = "TYPES", description = "measure a table of these PostgreSQL types instead of the built-in two, e.g. "
            + "\"int*10, text*5, numeric(12,2), jsonb, timestamptz[]\": columns c1..cN after an id bigint primary key, filled from the row number")
    String columns;

    @Option(names = "--sql", paramLabel = "FILE", description = "measure tables that this SQL file creates and fills instead of the built-in two")
    Path sql;

    @Option(names = "--table", paramLabel = "NAME", description = "the tables to measure, in order, as table or schema.table "
            + "(as the catalog spells them, or quoted as in SQL: \"Sales Data\".\"Order Lines\"): with --sql (default: every table and "
            + "materialized view it made, in any schema) or --url (required)")
    List<String> tableNames;

    @Option(names = "--url", paramLabel = "URL", description = "measure tables of this PostgreSQL server (postgresql://user:password@host:port/database) "
            + "instead of an embedded one: name them with --table; nothing is created there")
    String url;

    @Option(names = "--wide-rows", defaultValue = "5000000", converter = OptionValues.NotNegative.class,
            description = "rows in the 22-column table; 0 leaves it out (default: ${DEFAULT-VALUE})")
    int wideRows;

    @Option(names = "--rounds", defaultValue = "3", converter = OptionValues.AtLeastOne.class, description = "measurements of each, interleaved; the best counts (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--connections", defaultValue = "0", converter = OptionValues.NotNegative.class,
            description = "PostgreSQL connections for Freshet and the parallel COPY; 0 = what the runner takes with the default max_connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--memory-limit", defaultValue = "256MB", description = "DuckDB's memory_limit (default: ${DEFAULT-VALUE})")
    String memoryLimit;

    @Option(names = "--threads", defaultValue = "0", converter = OptionValues.NotNegative.class, description = "the peer's DuckDB threads and the most Parquet writers Freshet gives a table (one for narrow rows); 0 = available processors (default: ${DEFAULT-VALUE})")
    int threads;

    @CommandLine.Mixin
    CpuPinning pinning;

    @Option(names = "--upload", description = "also upload Freshet's files to S3 (S3Proxy in a child JVM) as each is complete; the peer writes locally")
    boolean upload;

    @Option(names = "--no-duckdb", description = "leave out DuckDB's postgres_scanner (no Python venv)")
    boolean noDuckdb;

    @Option(names = "--heap-report", description = "also print each heap pool's peak, and the collections")
    boolean heapReport;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Per table: the columns Freshet's Parquet and DuckDB's type differently (see {@link ParquetColumnTypes}). */
    private final Map<String, List<String>> typedDifferently = new LinkedHashMap<>();
    /** Tables whose file from DuckDB's scanner DuckDB itself could not read: why. */
    private final Map<String, String> duckdbUnreadable = new LinkedHashMap<>();

    static final String BUCKET = "bench";

    @Override
    public Integer call() throws Exception {
        checkOptions();
        pinning.pinClient(); // before the defaults that follow the processors are taken
        PrintWriter out = spec.commandLine().getOut();
        int duckThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        int n = connections > 0 ? connections : SnapshotSettings.degree(PostgresConnections.DEFAULT_MAX);
        HeapWatch heap = new HeapWatch();
        Path work = Files.createTempDirectory("freshet-bench-snapshot");
        try (BenchDatabase pg = url == null ? BenchDatabase.embedded() : BenchDatabase.at(url); RemoteS3 s3 = upload ? RemoteS3.start() : null) {
            pinning.pinServer(pg);
            SnapshotDuckDbScanner duckdb = noDuckdb ? null : scanner(work, out);
            DuckDbLoad.beforeTheClock();
            out.printf("settings           %d connections (Freshet and (a)); DuckDB threads %d (the peer's; Freshet's most writers), Freshet's memory_limit %s; "
                    + "heap max %s; %d processors%s; load average %s; %s%n", n, duckThreads, memoryLimit, mb(Runtime.getRuntime().maxMemory()),
                    Runtime.getRuntime().availableProcessors(), pinning.describe(), ProcessFigures.loadAverage(), pg.describe());
            ObjectStore store = s3 == null ? null : new ObjectStore(s3.client);
            TablesNotMeasured notMeasured = new TablesNotMeasured();
            List<SnapshotBenchTable> tables = tables(pg, out);
            for (SnapshotBenchTable table : tables) {
                long tableRows = table == SnapshotBenchTable.WIDE ? wideRows : rows;
                if (tableRows > 0) {
                    notMeasured.measure(out, table.label(), () -> measure(out, pg, table, tableRows, n, duckThreads, duckdb, store, heap, work));
                }
            }
            if (heapReport) {
                heap.report(out);
            }
            return notMeasured.report(out, tables.size());
        } finally {
            heap.close();
            TempDirs.delete(work);
        }
    }

    private void checkOptions() {
        pinning.check(spec.commandLine(), url == null);
        if (columns != null && sql != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--columns and --sql are alternatives: give one");
        }
        if (url != null && (tableNames == null || columns != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "with --url, name the tables to measure with --table (--columns would create one there)");
        }
    }

    /** One table: filled (or counted), then measured in interleaved rounds and summed up. */
    private void measure(PrintWriter out, BenchDatabase pg, SnapshotBenchTable table, long wanted, int n, int duckThreads, SnapshotDuckDbScanner duckdb,
                         ObjectStore store, HeapWatch heap, Path work) throws Exception {
        long t0 = System.nanoTime();
        table.fill(pg, wanted);
        long tableRows = table.create() == null ? table.rows(pg) : wanted;
        out.printf("%ntable %-12s %,d rows (%s), %s in PostgreSQL, filled in %.1f s%n", table.label(), tableRows, table.columns(),
                table.size(pg), (System.nanoTime() - t0) / 1e9);
        out.flush();
        if (tableRows == 0) {
            out.println("  no rows: nothing to measure");
            return;
        }
        heap.reset();
        Optional<ServerCpu> server = ServerCpu.of(pg);
        List<SnapshotRound> all = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            SnapshotRound r = round(pg, server, table, tableRows, n, duckThreads, duckdb, store, work.resolve("round-" + round));
            all.add(r);
            r.print(out, round);
        }
        SnapshotRound best = summary(out, table, tableRows, all);
        Path kept = work.resolve(KEPT_FILE);
        try {
            SnapshotProbes.print(out, pg, table, best, tableRows, kept, settings(n, duckThreads, work), work);
        } finally {
            Files.deleteIfExists(kept);
        }
    }

    /** One of the last round's files of Freshet's, kept for {@link SnapshotProbes}' writer. */
    private static final String KEPT_FILE = "freshet-kept.parquet";

    private SnapshotSettings settings(int n, int duckThreads, Path dir) {
        return new SnapshotSettings(memoryLimit, duckThreads, dir.resolve("spill"), n);
    }

    /** The tables to measure: those of --sql, the one of --columns, or the built-in two. */
    private List<SnapshotBenchTable> tables(BenchDatabase pg, PrintWriter out) throws Exception {
        if (columns != null) {
            return List.of(SnapshotBenchTable.generated(columns));
        }
        if (sql == null && url == null) {
            return List.of(SnapshotBenchTable.NARROW, SnapshotBenchTable.WIDE);
        }
        if (sql != null) {
            long t0 = System.nanoTime();
            SnapshotBenchTable.runUserSql(pg, sql);
            out.printf("ran %s in %.1f s%n", sql, (System.nanoTime() - t0) / 1e9);
        }
        List<String> names = tableNames != null ? tableNames : SnapshotBenchTable.madeTables(pg);
        if (names.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), sql + " made no table");
        }
        List<SnapshotBenchTable> tables = new ArrayList<>();
        for (String name : names) {
            tables.add(SnapshotBenchTable.named(pg, name));
        }
        return tables;
    }

    private static SnapshotDuckDbScanner scanner(Path work, PrintWriter out) throws InterruptedException {
        try {
            return SnapshotDuckDbScanner.ready(work);
        } catch (IOException e) {
            out.println("(c) DuckDB's postgres_scanner is left out: " + e.getMessage());
            return null;
        }
    }

    /** One round on one table: (a), (b), (c), (d) in turn. */
    private SnapshotRound round(BenchDatabase pg, Optional<ServerCpu> server, SnapshotBenchTable table, long tableRows, int n, int duckThreads,
                                SnapshotDuckDbScanner duckdb, ObjectStore store, Path dir) throws Exception {
        Files.createDirectories(dir);
        long server0 = serverNanos(server);
        long cpu0 = ProcessFigures.cpuNanos();
        SnapshotCopyBaseline.Copies parallel = SnapshotCopyBaseline.run(pg, table, n, tableRows);
        Cpu copiesCpu = Cpu.perRow(ProcessFigures.cpuNanos() - cpu0, serverNanosSince(server, server0), tableRows);
        double copies = tableRows / parallel.seconds();
        double copy = tableRows / SnapshotCopyBaseline.run(pg, table, 1, tableRows).seconds();
        double duck = 0, duckCopy = 0;
        long duckRss = 0;
        Cpu duckCpu = Cpu.NONE;
        long duckBytes = 0;
        Map<String, String> duckdbTypes = Map.of();
        // The files' column types are the same every round: read once per table, in its first round.
        boolean typesToCompare = !typedDifferently.containsKey(table.label());
        server0 = serverNanos(server);
        SnapshotDuckDbScanner.Read read = duckdb == null ? null : duckRead(duckdb, pg, table.sqlName(), dir.resolve("duckdb.parquet"), duckThreads);
        long duckServer = serverNanosSince(server, server0);
        if (read != null) {
            if (read.rows() != tableRows) {
                throw new IllegalStateException("DuckDB wrote " + read.rows() + " rows of " + tableRows);
            }
            duck = tableRows / read.seconds();
            duckCopy = tableRows / read.copySeconds();
            duckRss = read.peakRss();
            duckCpu = Cpu.perRow(Math.round(read.cpuSeconds() * 1e9), duckServer, tableRows);
            duckBytes = Files.size(dir.resolve("duckdb.parquet"));
            if (typesToCompare) {
                try {
                    duckdbTypes = ParquetColumnTypes.of(dir.resolve("duckdb.parquet"));
                } catch (SQLException e) { // DuckDB's scanner wrote numeric(5,-2) as a DECIMAL it cannot read back itself
                    duckdbUnreadable.put(table.label(), e.getMessage().lines().findFirst().orElse(""));
                }
            }
            Files.delete(dir.resolve("duckdb.parquet"));
        }
        // The baselines' garbage (pgjdbc's CopyOut allocates an array per row) is this benchmark's, not
        // Freshet's: a full collection lets G1 return the young generation it grew for them before the peak is reset.
        System.gc();
        ProcessFigures.resetPeakRss();
        server0 = serverNanos(server);
        cpu0 = ProcessFigures.cpuNanos();
        long t0 = System.nanoTime();
        SnapshotResult result = freshet(pg, table, n, duckThreads, store, dir);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Cpu cpu = Cpu.perRow(ProcessFigures.cpuNanos() - cpu0, serverNanosSince(server, server0), tableRows);
        if (result.rows() != tableRows) {
            throw new IllegalStateException("the snapshot has " + result.rows() + " rows");
        }
        long rss = ProcessFigures.rss("VmHWM").orElse(0L);
        List<Path> files = result.tables().get(0).parquetFiles();
        if (typesToCompare && read != null && !duckdbUnreadable.containsKey(table.label()) && !files.isEmpty() && Files.exists(files.get(0))) { // not when uploaded (deleted once in S3)
            typedDifferently.put(table.label(), ParquetColumnTypes.differences(ParquetColumnTypes.of(files.get(0)), duckdbTypes));
        }
        if (!files.isEmpty() && Files.exists(files.get(0))) {
            Files.move(files.get(0), dir.resolveSibling(KEPT_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        TempDirs.delete(dir);
        return new SnapshotRound(parallel.count(), copies, copy, duck, duckCopy, tableRows / seconds, rss, duckRss, copiesCpu, duckCpu, cpu,
                result.bytes(), duckBytes);
    }

    /** The server's CPU so far, or -1 when it is not measured. */
    private static long serverNanos(Optional<ServerCpu> server) throws IOException {
        return server.isPresent() ? server.get().nanos() : -1;
    }

    /** The server's CPU since {@code before} ({@link #serverNanos}), or -1 when it is not measured. */
    private static long serverNanosSince(Optional<ServerCpu> server, long before) throws IOException {
        return before < 0 ? -1 : serverNanos(server) - before;
    }

    /** DuckDB's read of the table, or null with the reason printed when the peer cannot read it (a type its scanner does not take). */
    private SnapshotDuckDbScanner.Read duckRead(SnapshotDuckDbScanner duckdb, BenchDatabase pg, String table, Path parquet, int duckThreads)
            throws InterruptedException {
        try {
            return duckdb.read(pg, table, parquet, duckThreads);
        } catch (IOException e) {
            spec.commandLine().getOut().println("(c) DuckDB could not read " + table + ": " + e.getMessage());
            return null;
        }
    }

    /** Freshet's snapshot of the table; with a store, each file uploaded as soon as it is complete and the time includes the last upload. */
    private SnapshotResult freshet(BenchDatabase pg, SnapshotBenchTable table, int n, int duckThreads, ObjectStore store, Path dir) throws Exception {
        PgConnectionInfo info = pg.info();
        ExecutorService uploader = Executors.newSingleThreadExecutor(r -> new Thread(r, "bench-upload"));
        List<Future<?>> uploads = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        String prefix = "raw/bench_table/" + dir.getFileName() + "/";
        ParquetFileListener upload = store == null ? ParquetFileListener.NONE : (output, file, fileRows) -> {
            String key = prefix + file.getFileName();
            keys.add(key);
            uploads.add(uploader.submit(() -> {
                store.put(BUCKET, key, file);
                Files.delete(file); // uploaded: local disk stays bounded by a few files
                return null;
            }));
        };
        SnapshotResult result;
        try {
            result = new PostgresSnapshot().snapshot(info, List.of(TableRequest.full(table.schema(), table.name(), "raw.bench_table")), dir.resolve("freshet"),
                    settings(n, duckThreads, dir), upload);
        } finally {
            uploader.shutdown();
        }
        for (Future<?> f : uploads) {
            f.get();
        }
        if (store != null) {
            long stored = 0;
            for (var o : store.list(BUCKET, prefix)) {
                stored += o.size();
            }
            if (stored != result.bytes()) {
                throw new IllegalStateException("S3 holds " + stored + " bytes of " + result.bytes());
            }
            store.deleteAll(BUCKET, keys); // S3Proxy keeps objects in memory
        }
        return result;
    }

    private SnapshotRound summary(PrintWriter out, SnapshotBenchTable table, long tableRows, List<SnapshotRound> all) {
        SnapshotRound best = all.stream().reduce(SnapshotRound.NONE, SnapshotRound::and);
        boolean withDuckdb = best.withPeer();
        out.printf("%s, best of %d:%n", table.label(), rounds);
        if (best.split() == 1) {
            out.printf("  (a) 1 COPY binary           %,.0f rows/s (the limit: Freshet reads this table on one connection)%n", best.copies());
        } else {
            out.printf("  (a) %d parallel COPY binary  %,.0f rows/s (the limit: the %d connections Freshet reads on)%n", best.split(), best.copies(), best.split());
        }
        out.printf("  (b) one COPY binary         %,.0f rows/s%n", best.copy());
        if (withDuckdb) {
            out.printf("  (c) DuckDB %s scanner     %,.0f rows/s (its COPY alone, started and attached before the clock: %,.0f), peak RSS %s, "
                    + "client CPU %.2f us/row%n", SnapshotDuckDbScanner.VERSION, best.duckdb(), best.duckdbCopy(), mb(best.duckdbRss()), best.duckdbCpu().client());
        }
        out.printf("  (d) Freshet                 %,.0f rows/s%s, peak RSS %s (VmHWM reset before each snapshot: JVM, heap, DuckDB), "
                + "client CPU %.2f us/row%n", best.freshet(), upload ? ", uploaded to S3" : ", local disk", mb(best.freshetRss()), best.freshetCpu().client());
        best.printCpu(out, tableRows);
        out.printf("  Freshet / parallel COPY     %.2f (goal >= 0.8)%n", best.freshet() / best.copies());
        if (withDuckdb) {
            out.printf("  Freshet / DuckDB            %.2f (goal >= 1.2; to its COPY alone %.2f)%n", best.freshet() / best.duckdb(), best.freshet() / best.duckdbCopy());
        }
        SnapshotRound.printMedians(out, all);
        if (withDuckdb) {
            List<String> differ = typedDifferently.getOrDefault(table.label(), List.of());
            if (!differ.isEmpty()) {
                out.printf("  typed differently           %d column%s (Freshet / DuckDB): %s%n", differ.size(), differ.size() == 1 ? "" : "s",
                        String.join(", ", differ));
            }
            if (duckdbUnreadable.containsKey(table.label())) {
                out.printf("  DuckDB's file               DuckDB cannot read it back: %s%n", duckdbUnreadable.get(table.label()));
            }
        }
        out.printf("  parquet                     %s (%.1f bytes/row)%s%n", mb(best.parquetBytes()), (double) best.parquetBytes() / tableRows,
                best.duckdbParquetBytes() == 0 ? "" : String.format(", DuckDB's %s (%.1f bytes/row)", mb(best.duckdbParquetBytes()),
                        (double) best.duckdbParquetBytes() / tableRows));
        out.flush();
        return best;
    }

    static String mb(long bytes) {
        return String.format("%.0f MB", bytes / 1048576.0);
    }
}
