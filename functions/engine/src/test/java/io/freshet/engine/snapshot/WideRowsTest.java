package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.engine.snapshot.Parity.Canon;
import io.freshet.engine.snapshot.Parity.Col;

/**
 * A table of 600 columns is read in batches of fewer rows than a DuckDB vector holds
 * ({@link Batch#capacity}), so that its batches stay within {@link Batch#MEMORY}; every value still
 * reads back, across the batches' edges and on two connections at once. Real PostgreSQL and DuckDB.
 */
class WideRowsTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    private static final int COLUMNS = 600;
    private static final int ROWS = 3000;

    @TempDir
    Path work;

    @Test
    void everyValueOfATableOfSixHundredColumnsReadsBackOnTwoConnections() throws Exception {
        StringBuilder create = new StringBuilder("CREATE TABLE wide (id bigint PRIMARY KEY");
        StringBuilder fill = new StringBuilder("INSERT INTO wide SELECT g");
        List<Col> cols = new ArrayList<>(List.of(Col.of("id", Canon.DECIMAL)));
        for (int i = 1; i <= COLUMNS; i++) {
            String nullEvery = "CASE WHEN (g + " + i + ") % 11 = 0 THEN NULL ELSE ";
            switch (i % 3) {
                case 0 -> {
                    create.append(", c").append(i).append(" text");
                    fill.append(", ").append(nullEvery).append("repeat('v', (g + ").append(i).append(") % 6) || g END");
                    cols.add(Col.of("c" + i, Canon.TEXT));
                }
                case 1 -> {
                    create.append(", c").append(i).append(" double precision");
                    fill.append(", ").append(nullEvery).append("(g * ").append(i).append(") / 7.0 END");
                    cols.add(Col.of("c" + i, Canon.FLOAT));
                }
                default -> {
                    create.append(", c").append(i).append(" integer");
                    fill.append(", ").append(nullEvery).append("(g + ").append(i).append(") % 1000 END");
                    cols.add(Col.of("c" + i, Canon.DECIMAL));
                }
            }
        }
        DB.pg().execute(create.append(")").toString());
        DB.pg().execute(fill.append(" FROM generate_series(1, ").append(ROWS).append(") g").toString());
        DB.pg().execute("VACUUM ANALYZE wide");
        try (var c = DB.pg().connect()) {
            List<PgColumn> columns = new PgCatalog(c).columns(new PgCatalog(c).relation("public", "wide").orElseThrow());
            int capacity = Batch.capacity(columns, CopyStream.BATCHES + CopyStream.BATCHES_PER_EXTRA_READER);
            assertTrue(capacity < Batch.CAPACITY && ROWS > 2 * capacity, "several batches of fewer rows: " + capacity);
        }

        TableSnapshot t = new PostgresSnapshot().snapshot(DB.info(), List.of(TableRequest.full("public", "wide", "raw.wide")), work,
                new SnapshotSettings("256MB", 2, work.resolve("spill"), 2)).tables().get(0);

        assertEquals(ROWS, t.rows());
        Parity.assertSameRows(DB.pg(), "wide", null, t.parquetFiles(), "id", cols);
    }
}
