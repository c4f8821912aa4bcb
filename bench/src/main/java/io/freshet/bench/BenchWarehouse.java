package io.freshet.bench;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;

import org.apache.iceberg.catalog.Namespace;
import org.duckdb.DuckDBDriver;
import org.postgresql.PGConnection;

import io.freshet.cli.OptionValues;
import io.freshet.core.model.PostgresOutput;
import io.freshet.core.yaml.SourcePos;
import io.freshet.publisher.warehouse.WarehouseLoad;
import io.freshet.publisher.warehouse.WarehouseLoader;
import io.freshet.tables.CatalogConfig;
import io.freshet.tables.LakeTables;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The publisher's load of an output into PostgreSQL ({@link WarehouseLoader}: the staged Parquet
 * read from S3, binary COPY into a staging table, the partition replaced and the marker inserted in
 * one transaction) against a plain {@code COPY ... FROM STDIN (FORMAT csv)} of the same rows from
 * memory into a table of the same columns, on the same PostgreSQL, interleaved run by run.
 */
@Command(name = "warehouse", description = "Time loading a staged Parquet partition into PostgreSQL as the publisher does, against a plain "
        + "COPY FROM STDIN of the same rows (see docs/performance.md).")
final class BenchWarehouse implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "1000000", converter = OptionValues.AtLeastOne.class, description = "rows of the partition (default: ${DEFAULT-VALUE})")
    int rows;

    @Option(names = "--runs", defaultValue = "5", converter = OptionValues.AtLeastOne.class, description = "measured runs of each (default: ${DEFAULT-VALUE})")
    int runs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private static final String DAY = "2026-11-20";
    private static final SourcePos HERE = new SourcePos("bench", 1, 1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path scratch = Files.createTempDirectory("freshet-bench-warehouse");
        try (LocalS3 s3 = LocalS3.start(); LocalPostgres pg = LocalPostgres.start();
             Connection duck = new DuckDBDriver().connect("jdbc:duckdb:", new Properties())) {
            s3.createBucket("lake");
            Path parquet = scratch.resolve("part.parquet");
            Path csv = scratch.resolve("part.csv");
            String select = "SELECT i::BIGINT AS id, 'station-' || (i % 100) AS station, (i % 1000)::INTEGER AS riders,"
                    + " (i * 0.01)::DECIMAL(12,2) AS fare, TIMESTAMPTZ '2026-11-20 00:00:00+00' + to_seconds(i % 86400) AS at,"
                    + " DATE '" + DAY + "' AS date FROM range(" + rows + ") t(i)";
            try (Statement s = duck.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
                s.execute("COPY (" + select + ") TO '" + parquet + "' (FORMAT parquet, COMPRESSION zstd)");
                s.execute("COPY (" + select + ") TO '" + csv + "' (FORMAT csv, HEADER false)");
            }
            s3.client().putObject(b -> b.bucket("lake").key("mart/rows/date=" + DAY + "/part.parquet"), parquet);
            byte[] csvBytes = Files.readAllBytes(csv);
            out.printf("%,d rows: Parquet (zstd) %.1f MB in S3Proxy, CSV %.1f MB in memory; %d runs each, after one warm-up%n",
                    rows, Files.size(parquet) / 1e6, csvBytes.length / 1e6, runs);
            CatalogConfig.Local catalog = new CatalogConfig.Local(pg.jdbcUrl(), pg.user(), pg.password(), "s3://lake/", s3.endpoint(),
                    LocalS3.REGION.id(), "local", "local");
            try (LakeTables tables = new LakeTables(catalog, Namespace.of("bench")); Connection c = pg.connect()) {
                return measure(out, new WarehouseLoader(tables.io()), c, csvBytes);
            }
        } finally {
            TempDirs.delete(scratch);
        }
    }

    private int measure(PrintWriter out, WarehouseLoader loader, Connection c, byte[] csv) throws Exception {
        PostgresOutput target = new PostgresOutput("reporting", "mart", "rows", PostgresOutput.Mode.REPLACE_PARTITION, List.of(),
                HERE, HERE, HERE);
        List<Long> loads = new ArrayList<>();
        List<Long> copies = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            WarehouseLoad load = new WarehouseLoad("mart.rows", DAY, Optional.of(new WarehouseLoad.PartitionValue("date", DAY)),
                    List.of("s3://lake/mart/rows/date=" + DAY + "/part.parquet"), "bench-" + i, 1, target);
            long t0 = System.nanoTime();
            long loaded = loader.load(c, load).rows();
            long t1 = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS public.plain (LIKE mart.rows)");
                s.execute("TRUNCATE public.plain");
            }
            long t2 = System.nanoTime();
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY public.plain FROM STDIN (FORMAT csv)",
                    new ByteArrayInputStream(csv));
            long t3 = System.nanoTime();
            if (loaded != rows || copied != rows) {
                throw new IllegalStateException("loaded " + loaded + " and copied " + copied + " rows, not " + rows);
            }
            if (i > 0) {
                loads.add(t1 - t0);
                copies.add(t3 - t2);
            }
        }
        double load = median(loads) / 1e9;
        double copy = median(copies) / 1e9;
        out.printf("publisher's load (Parquet from S3 -> binary COPY into staging -> replace the partition, one transaction): median %.2f s,"
                + " %,.0f rows/s%n", load, rows / load);
        out.printf("plain COPY FROM STDIN (csv, from memory, no staging): median %.2f s, %,.0f rows/s%n", copy, rows / copy);
        out.printf("ratio (load rate / plain COPY rate): %.2f%n", copy / load);
        out.flush();
        return 0;
    }

    private static double median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }
}
