package io.freshet.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

/**
 * A lake for the tests: S3Proxy with bucket {@code lake}, an embedded PostgreSQL for the JDBC
 * catalog, and DuckDB writing Parquet files as the runner does (no field ids), uploaded to S3.
 */
final class Lake implements AutoCloseable {

    static final String BUCKET = "lake";
    static final String STACK = "test";

    private static final AtomicInteger FILES = new AtomicInteger();

    final LocalS3 s3;
    final LocalPostgres postgres;
    final CatalogConfig.Local config;
    private final Path scratch;
    private final Connection duckdb;

    Lake() throws IOException, SQLException {
        s3 = LocalS3.start();
        postgres = LocalPostgres.start();
        s3.createBucket(BUCKET);
        config = new CatalogConfig.Local(postgres.jdbcUrl(), postgres.user(), postgres.password(), "s3://" + BUCKET + "/tables",
                s3.endpoint(), LocalS3.REGION.id(), "local", "local");
        scratch = Files.createTempDirectory("freshet-tables");
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    /**
     * Runs {@code select} in DuckDB, writes its rows as one Parquet file, puts it in the lake under
     * {@code key} and returns its location {@code s3://lake/key}.
     */
    synchronized String write(String key, String select) {
        Path file = scratch.resolve("part-" + FILES.incrementAndGet() + ".parquet");
        try (Statement s = duckdb.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        s3.client().putObject(b -> b.bucket(BUCKET).key(key), file);
        return "s3://" + BUCKET + "/" + key;
    }

    /** Trips of one day: ids {@code from..to}, a fare of id * 10, a station name, and the date column. */
    String trips(String asset, String date, String run, int from, int to) {
        return write(key(asset, date, run), "SELECT i::INTEGER AS id, DATE '" + date + "' AS date, i * 10 AS fare, "
                + "'station-' || i AS station FROM range(" + from + ", " + (to + 1) + ") t(i)");
    }

    static String key(String asset, String date, String run) {
        return asset.replace('.', '/') + "/date=" + date + "/run=" + run + "/attempt=1/part-" + FILES.incrementAndGet() + ".parquet";
    }

    @Override
    public void close() throws SQLException {
        try {
            duckdb.close();
        } finally {
            try {
                s3.close();
            } finally {
                postgres.close();
                deleteScratch();
            }
        }
    }

    private void deleteScratch() {
        try (var files = Files.walk(scratch)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover scratch file is not worth failing for
        }
    }
}
