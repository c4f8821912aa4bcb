package io.freshet.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import org.duckdb.DuckDBDriver;

/**
 * DuckDB's native library loaded into this JVM before `bench snapshot`'s first round, as the peer's
 * script imports DuckDB, loads the scanner and attaches the database before it starts its clock:
 * each reader is timed on its snapshot, not on loading its engine (a runner loads DuckDB once per
 * instance: docs/performance.md, "Cold start"). The JIT's warm-up stays in the first round.
 */
final class DuckDbLoad {

    private DuckDbLoad() {
    }

    static void beforeTheClock() throws SQLException {
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties())) {
            c.createStatement().close();
        }
    }
}
