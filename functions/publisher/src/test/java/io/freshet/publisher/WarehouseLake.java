package io.freshet.publisher;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.freshet.aws.pg.PgCredentials;

/**
 * A publisher lake whose pipeline {@code rides} also loads both its outputs into PostgreSQL:
 * {@code core.rides} into {@code mart.rides} (replace_partition), {@code core.stations} into
 * {@code mart.stations} (merge by {@code station_id}), through connection {@code reporting}, each
 * test in a database of its own on the lake's embedded PostgreSQL ({@link #reporting()}).
 */
final class WarehouseLake {

    static final String SOURCES = PublisherLake.SOURCES + """
            connections:
              reporting:
                allowed_schemas: [public, mart]
            """;
    static final String RIDES = """
            pipeline: rides
            inputs:
              - landing.rides
            partitions: daily
            outputs:
              core.rides:
                location: s3://${LakeBucket}/core/rides/date={date}/
                postgres: { connection: reporting, table: mart.rides, mode: replace_partition }
              core.stations:
                location: s3://${LakeBucket}/core/stations/date={date}/
                postgres: { connection: reporting, table: mart.stations, mode: merge, key: [station_id] }
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

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private WarehouseLake() {
    }

    static PublisherLake start() throws Exception {
        return PublisherLake.start(Map.of("sources.yaml", SOURCES, "rides.yaml", RIDES));
    }

    /** A fresh database on the lake's PostgreSQL, and credentials naming it as connection {@code reporting}. */
    record Reporting(PublisherLake lake, String database, PgCredentials credentials) {

        String url() {
            return lake.postgres.jdbcUrl().replaceAll("/[^/]*$", "/" + database);
        }

        Connection connect() throws SQLException {
            Connection c = DriverManager.getConnection(url(), lake.postgres.user(), lake.postgres.password());
            try (Statement s = c.createStatement()) {
                s.execute("SET TimeZone = 'UTC'");
            }
            return c;
        }

        void execute(String sql) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql, e);
            }
        }

        /** Every row of {@code select}, each as its columns' text joined by {@code |} (NULL as {@code null}). */
        List<String> rows(String select) {
            List<String> rows = new ArrayList<>();
            try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(select)) {
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        cells.add(String.valueOf(rs.getString(i)));
                    }
                    rows.add(String.join("|", cells));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(select, e);
            }
            return rows;
        }

        long count(String select) {
            return Long.parseLong(rows(select).get(0));
        }
    }

    static Reporting reporting(PublisherLake lake) {
        String database = "reporting_" + DATABASES.incrementAndGet();
        lake.postgres.execute("CREATE DATABASE " + database);
        Reporting r = new Reporting(lake, database, null);
        PgCredentials credentials = new PgCredentials(Map.of("FRESHET_PG_REPORTING_URL", r.url(),
                "FRESHET_PG_REPORTING_USER", lake.postgres.user(), "FRESHET_PG_REPORTING_PASSWORD", lake.postgres.password()), arn -> {
                    throw new IllegalStateException("no secret in tests");
                });
        return new Reporting(lake, database, credentials);
    }
}
