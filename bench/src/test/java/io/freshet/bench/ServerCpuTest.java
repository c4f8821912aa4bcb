package io.freshet.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * The server's CPU as {@code bench snapshot} reads it: the work of a backend that has exited still
 * counts (the postmaster reaped it into its {@code cutime}), so a reader whose connections are
 * closed by the time the round ends is charged for what the server did for it.
 */
class ServerCpuTest {

    @Test
    void theFieldsAreCountedAfterTheCommandWhateverItHolds() {
        String stat = "4242 (postgres: a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 11 13 20 0 1 0 500 1000 200";
        assertArrayEquals(new long[] {7 + 3, 11 + 13}, ServerCpu.times(stat));
    }

    @Test
    void aClosedConnectionsWorkIsStillCounted() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux only: elsewhere the server's CPU is not measured");
        try (BenchDatabase pg = BenchDatabase.embedded()) {
            Optional<ServerCpu> server = ServerCpu.of(pg);
            assertTrue(server.isPresent());
            long before = server.get().nanos();
            long wall;
            long backend;
            try (Connection c = pg.connect(); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    backend = rs.getLong(1);
                }
                long t0 = System.nanoTime();
                try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT md5(g::text)) FROM generate_series(1, 1000000) g")) {
                    rs.next();
                }
                wall = System.nanoTime() - t0;
            }
            for (int i = 0; i < 100 && ProcessHandle.of(backend).isPresent(); i++) {
                Thread.sleep(50); // until the backend has exited and the postmaster has reaped it
            }
            assertTrue(ProcessHandle.of(backend).isEmpty(), "backend " + backend + " still there");
            long spent = server.get().nanos() - before;
            // one backend on one core: about its wall time, less what the machine's other work took from it
            assertTrue(spent > wall / 3, "the server used " + spent / 1_000_000 + " ms of CPU for a query of " + wall / 1_000_000 + " ms");
            assertTrue(spent < wall * 3 + 1_000_000_000L, "the server used " + spent / 1_000_000 + " ms of CPU for a query of " + wall / 1_000_000 + " ms");
        }
    }

    @Test
    void aUsersServerIsNotMeasured() {
        assertTrue(ServerCpu.of(BenchDatabase.at("postgresql://u:p@db.example.com:5432/x")).isEmpty());
    }
}
