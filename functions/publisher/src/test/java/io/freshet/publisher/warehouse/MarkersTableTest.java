package io.freshet.publisher.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.testkit.LocalPostgres;

/**
 * The markers' table ({@code freshet.loads}) is created by whichever publication first loads into a
 * database. PostgreSQL's {@code CREATE ... IF NOT EXISTS} is not safe against a concurrent creation
 * of the same name, and what the loser reports depends on the moment the winner commits: a unique
 * violation, the relation existing, or the table's row type existing (42710). Every one of them
 * must leave the loser loading, and only a name taken by something that is not the table still
 * fails. Real PostgreSQL (embedded).
 */
class MarkersTableTest {

    /** Fresh databases raced in; the 42710 window is narrow, so many of them. */
    private static final int DATABASES = 60;
    private static final int PUBLICATIONS = 4;

    static LocalPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.start();
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void publicationsIntoAFreshDatabaseAtTheSameMomentAllFindTheMarkersTable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PUBLICATIONS);
        try {
            for (int db = 0; db < DATABASES; db++) {
                String database = "race_" + db;
                postgres.execute("CREATE DATABASE " + database);
                List<Connection> connections = new ArrayList<>();
                for (int i = 0; i < PUBLICATIONS; i++) {
                    connections.add(connect(database));
                }
                // Connected first, then released together: the creations meet inside PostgreSQL.
                CyclicBarrier start = new CyclicBarrier(PUBLICATIONS);
                List<Future<?>> creators = new ArrayList<>();
                for (Connection c : connections) {
                    creators.add(pool.submit(() -> {
                        try (c) {
                            start.await();
                            WarehouseLoader.ensureMarkers(c);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : creators) {
                    f.get(1, TimeUnit.MINUTES); // a creation that failed throws here, naming PostgreSQL's error
                }
                try (Connection c = connect(database); ResultSet rs = c.createStatement().executeQuery(
                        "SELECT relkind FROM pg_class WHERE oid = to_regclass('freshet.loads')")) {
                    assertTrue(rs.next() && "r".equals(rs.getString(1)), "the markers' table exists in " + database);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTypeThatTakesTheMarkersTablesNameIsNoMarkersTable() throws Exception {
        postgres.execute("CREATE DATABASE taken");
        try (Connection c = connect("taken")) {
            c.createStatement().execute("CREATE SCHEMA freshet; CREATE TYPE freshet.loads AS ENUM ('not', 'a', 'table')");

            SQLException e = assertThrows(SQLException.class, () -> WarehouseLoader.ensureMarkers(c));

            assertEquals("42710", e.getSQLState(), e.getMessage());
        }
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl().replaceAll("/[^/]*$", "/" + database), postgres.user(), postgres.password());
    }
}
