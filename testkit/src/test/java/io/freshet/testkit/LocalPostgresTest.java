package io.freshet.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

class LocalPostgresTest {

    @Test
    void startsARealPostgresOnLoopbackAndStopsIt() throws Exception {
        Path log;
        try (LocalPostgres pg = LocalPostgres.start()) {
            assertTrue(pg.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"), pg.jdbcUrl());
            pg.execute("CREATE TABLE t (id int PRIMARY KEY, name text); INSERT INTO t VALUES (1, 'a'), (2, NULL)");
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), current_setting('server_version_num')::int, current_user FROM t")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
                assertTrue(rs.getInt(2) >= 170000, "PostgreSQL 17: " + rs.getInt(2));
                assertEquals(pg.user(), rs.getString(3));
            }
            try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                assertTrue(rs.next());
                long backend = rs.getLong(1);
                assertEquals(pg.serverPid(), ProcessHandle.of(backend).orElseThrow().parent().orElseThrow().pid(),
                        "a backend is forked from the postmaster serverPid names");
            }
            assertThrows(IllegalStateException.class, () -> pg.execute("SELECT * FROM missing"));
            log = pg.logFile();
            assertTrue(Files.exists(log));
        }
        assertFalse(Files.exists(log), "the instance's directory is removed on close");
    }

    @Test
    void instancesAreIndependent() throws Exception {
        try (LocalPostgres a = LocalPostgres.start(); LocalPostgres b = LocalPostgres.start()) {
            a.execute("CREATE TABLE only_in_a (x int)");
            try (Connection c = b.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT to_regclass('only_in_a') IS NULL")) {
                assertTrue(rs.next());
                assertTrue(rs.getBoolean(1));
            }
        }
    }
}
