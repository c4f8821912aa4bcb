package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB starts beside PostgreSQL's work ({@link DuckDbStart}): its failure still fails the snapshot, and nothing is left behind. */
class DuckDbStartTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @TempDir
    Path work;

    /** A DuckDB that cannot start (its spill directory cannot be made) fails the snapshot with the I/O error, as it did when it started after the plan. */
    @Test
    void aDuckDbThatCannotStartFailsTheSnapshot() throws Exception {
        DB.pg().execute("CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 10) g");
        Path file = Files.writeString(work.resolve("a-file"), "not a directory");
        SnapshotSettings settings = new SnapshotSettings("64MB", 1, file.resolve("spill"), 1);
        SnapshotException e = assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(DB.info(),
                List.of(TableRequest.full("public", "small", "raw.small")), work.resolve("out"), settings));
        assertTrue(e.getMessage().startsWith("I/O: "), e.getMessage());
    }

    /** A snapshot that fails before it needs DuckDB (no such table) waits for the one it started and closes it; so does an interrupted one. */
    @Test
    void aDuckDbNobodyTookIsClosedEvenThroughAnInterrupt() throws Exception {
        SnapshotSettings settings = new SnapshotSettings("64MB", 1, work.resolve("spill"), 1);
        assertThrows(SnapshotException.class, () -> new PostgresSnapshot().snapshot(DB.info(),
                List.of(TableRequest.full("public", "no_such_table", "raw.none")), work.resolve("out"), settings));
        assertEquals(0, startThreads(), "the start finished before the snapshot returned");

        DuckDbStart start = DuckDbStart.begin(work, settings);
        Thread.currentThread().interrupt();
        start.close();
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(0, startThreads());
    }

    /** The start threads still alive, after giving them up to a second to end (a finished task's thread may take a moment). */
    private static long startThreads() throws InterruptedException {
        long alive = aliveStartThreads();
        for (int i = 0; i < 50 && alive > 0; i++) {
            Thread.sleep(20);
            alive = aliveStartThreads();
        }
        return alive;
    }

    private static long aliveStartThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("freshet-duckdb-start")).count();
    }
}
