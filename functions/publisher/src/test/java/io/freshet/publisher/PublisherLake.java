package io.freshet.publisher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

/**
 * What a publisher test class runs once: DynamoDB Local, S3Proxy, an embedded PostgreSQL for the
 * JDBC catalog, DuckDB writing Parquet files as the runner does, and a small project: pipeline
 * {@code rides} (two daily outputs, {@code core.rides} and {@code core.stations}, from the source
 * {@code landing.rides}) and pipeline {@code summary}, which consumes {@code core.rides}. Each test
 * takes a {@link PublisherWorld} of its own: its own bucket (table locations are the outputs'
 * folders, so two tests in one bucket would share tables' files), namespace and state table.
 */
final class PublisherLake implements AutoCloseable {

    private static final AtomicInteger WORLDS = new AtomicInteger();

    static final String SOURCES = """
            sources:
              landing.rides:
                description: ride exports
                s3: s3://${LakeBucket}/landing/rides/date={date}/*.csv
                format: csv
            """;
    static final String RIDES = """
            pipeline: rides
            description: rides and the stations they start at
            inputs:
              - landing.rides
            partitions: daily
            outputs:
              core.rides: s3://${LakeBucket}/core/rides/date={date}/
              core.stations: s3://${LakeBucket}/core/stations/date={date}/
            trigger:
              condition: landing.rides
            steps:
              - sql:
                  output: core.rides
                  query: SELECT * FROM landing.rides
              - sql:
                  output: core.stations
                  query: SELECT DISTINCT station_id FROM landing.rides
            """;
    static final String SUMMARY = """
            pipeline: summary
            description: fares per day
            inputs:
              - core.rides
            partitions: daily
            outputs:
              mart.summary: s3://${LakeBucket}/mart/summary/date={date}/
            trigger:
              condition: core.rides
            steps:
              - sql:
                  output: mart.summary
                  query: SELECT sum(fare_cents) AS fares FROM core.rides
            """;

    final LocalDynamo dynamo;
    final LocalS3 s3;
    final LocalPostgres postgres;
    final Project project;
    private final Path scratch;
    private final Connection duckdb;

    private PublisherLake(LocalDynamo dynamo, LocalS3 s3, LocalPostgres postgres, Project project, Path scratch, Connection duckdb) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.postgres = postgres;
        this.project = project;
        this.scratch = scratch;
        this.duckdb = duckdb;
    }

    static PublisherLake start() throws IOException, SQLException {
        return start(Map.of("sources.yaml", SOURCES, "rides.yaml", RIDES, "summary.yaml", SUMMARY));
    }

    /** A lake whose project is {@code files} (file name -> YAML); its pipeline {@code rides} is the one worlds stage runs of. */
    static PublisherLake start(Map<String, String> files) throws IOException, SQLException {
        Path scratch = Files.createTempDirectory("freshet-publisher");
        Path pipelines = Files.createDirectories(scratch.resolve("pipelines"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(pipelines.resolve(f.getKey()), f.getValue());
        }
        Project project = ProjectLoader.load(pipelines).orThrow();
        return new PublisherLake(LocalDynamo.start(), LocalS3.start(), LocalPostgres.start(), project, scratch,
                DriverManager.getConnection("jdbc:duckdb:"));
    }

    /** A fresh bucket, namespace and state table. */
    PublisherWorld world() {
        return new PublisherWorld(this, WORLDS.incrementAndGet());
    }

    /** The rows of {@code select} as a Parquet file written by DuckDB, put in {@code bucket} under {@code key}. */
    synchronized long upload(String bucket, String key, String select) {
        Path file = scratch.resolve("part-" + WORLDS.incrementAndGet() + "-" + System.nanoTime() + ".parquet");
        try (Statement s = duckdb.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT parquet)");
            s3.client().putObject(b -> b.bucket(bucket).key(key), file);
            return Files.size(file);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        try (duckdb; dynamo; s3; postgres) {
            try (var files = Files.walk(scratch)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        }
    }
}
