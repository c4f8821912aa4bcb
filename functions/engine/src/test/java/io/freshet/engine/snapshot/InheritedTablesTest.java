package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.testkit.LocalPostgres;

/**
 * Where reading an inheritance tree's tables one by one would not give what reading the parent
 * gives, the parent is read whole. ParallelSnapshotTest shows the tree shared out and the rows of
 * one read; this shows the exceptions that a real server could not stage here.
 */
class InheritedTablesTest {

    static LocalPostgres pg;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        pg.execute("CREATE TABLE metrics (id bigint, v text); CREATE TABLE metrics_a () INHERITS (metrics);"
                + "CREATE TABLE metrics_b () INHERITS (metrics);"
                + "INSERT INTO metrics_a SELECT g, md5(g::text) FROM generate_series(1, 6000) g;"
                + "INSERT INTO metrics_b SELECT g, md5(g::text) FROM generate_series(6001, 12000) g");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private List<List<TableRange>> planned(String output) {
        List<List<TableRange>> ranges = new ArrayList<>();
        PostgresSnapshot.Hooks watch = new PostgresSnapshot.Hooks() {
            @Override
            public void rangesPlanned(List<List<TableRange>> planned) {
                ranges.addAll(planned);
            }
        };
        PgConnectionInfo info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
        TableSnapshot read = new PostgresSnapshot(watch, PostgresSnapshot.PART_BYTES, 1)
                .snapshot(info, List.of(TableRequest.full("public", "metrics", output)), work.resolve(output),
                        new SnapshotSettings("256MB", 2, work.resolve("spill"), 3))
                .table(output);
        assertEquals(12000, read.rows(), "every row of the tree, however it was read");
        return ranges;
    }

    /**
     * TimescaleDB keeps a hypertable's chunks as its inheritance children, but a compressed chunk's
     * rows in another table outside the tree, which only a read through the hypertable decompresses:
     * in a database with the extension, such a parent is read whole. The extension is not installed
     * here; its catalog row is what the planner looks at, so the test puts one there and takes it away.
     */
    @Test
    void withTimescaleDbInTheDatabaseAnInheritanceParentIsReadWhole() {
        assertEquals(3, planned("raw.shared").get(0).size(), "without it, the tree's tables are shared out");
        pg.execute("SET allow_system_table_mods = on; INSERT INTO pg_extension (oid, extname, extowner, extnamespace, extrelocatable, extversion) "
                + "SELECT 987654, 'timescaledb', oid, 2200, false, '2.17.0' FROM pg_roles WHERE rolname = current_user");
        try {
            assertEquals(List.of(List.of(TableRange.WHOLE)), planned("raw.whole"));
        } finally {
            pg.execute("SET allow_system_table_mods = on; DELETE FROM pg_extension WHERE oid = 987654");
        }
    }
}
