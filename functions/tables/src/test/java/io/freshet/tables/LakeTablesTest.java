package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LakeTablesTest {

    static Lake lake;
    static LakeTables tables;

    @BeforeAll
    static void start() throws Exception {
        lake = new Lake();
        tables = new LakeTables(lake.config, Lake.STACK);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            tables.close();
        } finally {
            lake.close();
        }
    }

    static PartitionOutput output(String asset, String date, String run, int attempt, String... files) {
        return new PartitionOutput(asset, "date", date, List.of(files), run, attempt);
    }

    @Test
    void createsTheTableAndCommitsAPartitionWithMetricsReadFromTheFooterWithoutHadoop() {
        String file = lake.trips("core.trips", "2026-11-20", "r1", 1, 3);
        long snapshot = tables.commit(output("core.trips", "2026-11-20", "r1", 1, file));

        Table table = tables.table("core.trips").orElseThrow();
        assertEquals("freshet_test.core_trips", tables.identifier("core.trips").toString());
        assertEquals(snapshot, table.currentSnapshot().snapshotId());
        assertEquals(2, TableUtil.formatVersion(table));
        assertTrue(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING).contains("\"station\""));
        assertEquals("identity", table.spec().fields().get(0).transform().toString());
        assertEquals(Map.of("freshet.run-id", "r1", "freshet.attempt", "1"), Map.of(
                "freshet.run-id", table.currentSnapshot().summary().get("freshet.run-id"),
                "freshet.attempt", table.currentSnapshot().summary().get("freshet.attempt")));

        DataFile data = onlyFile(table, "2026-11-20");
        assertEquals(3, data.recordCount());
        int fare = table.schema().findField("fare").fieldId();
        assertEquals(3L, data.valueCounts().get(fare));
        assertEquals(0L, data.nullValueCounts().get(fare));
        assertEquals(10L, (Long) Conversions.fromByteBuffer(Types.LongType.get(), data.lowerBounds().get(fare)));
        assertEquals(30L, (Long) Conversions.fromByteBuffer(Types.LongType.get(), data.upperBounds().get(fare)));
        assertNotNull(data.splitOffsets());
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.apache.hadoop.conf.Configuration"));
        // DuckDB's file has no field ids: the table reads it through its name mapping.
        assertFalse(ParquetSchemaUtil.hasIds(ParquetFooter.read(table.io(), file).metadata().getFileMetaData().getSchema()));
    }

    @Test
    void replacesExactlyItsPartition() {
        tables.commit(output("core.replace", "2026-11-20", "r1", 1, lake.trips("core.replace", "2026-11-20", "r1", 1, 3)));
        tables.commit(output("core.replace", "2026-11-21", "r2", 1, lake.trips("core.replace", "2026-11-21", "r2", 1, 4)));
        String again = lake.trips("core.replace", "2026-11-20", "r3", 1, 2);
        tables.commit(output("core.replace", "2026-11-20", "r3", 1, again));

        Table table = tables.table("core.replace").orElseThrow();
        assertEquals(again, onlyFile(table, "2026-11-20").location());
        assertEquals(4, onlyFile(table, "2026-11-21").recordCount());
        assertEquals("6", table.currentSnapshot().summary().get("total-records"));
        assertEquals(3, table.currentSnapshot().sequenceNumber());
    }

    @Test
    void aRetryOfACommittedAttemptFindsItsCommitAndCommitsNothing() {
        String file = lake.trips("core.retry", "2026-11-20", "r1", 1, 3);
        long first = tables.commit(output("core.retry", "2026-11-20", "r1", 1, file));
        tables.commit(output("core.retry", "2026-11-21", "r2", 1, lake.trips("core.retry", "2026-11-21", "r2", 1, 1)));
        Table table = tables.table("core.retry").orElseThrow();
        long snapshots = size(table.snapshots());

        assertEquals(first, tables.commit(output("core.retry", "2026-11-20", "r1", 1, file)));
        // Even with its file gone (nothing is read: the commit is found first).
        lake.s3.client().deleteObject(b -> b.bucket(Lake.BUCKET).key(file.substring(("s3://" + Lake.BUCKET + "/").length())));
        assertEquals(first, tables.commit(output("core.retry", "2026-11-20", "r1", 1, file)));
        table.refresh();
        assertEquals(snapshots, size(table.snapshots()));
        assertEquals(first, LakeTables.findCommit(table, "r1", 1).orElseThrow().snapshotId());
        assertTrue(LakeTables.findCommit(table, "r1", 2).isEmpty());
        assertTrue(LakeTables.findCommit(table, "r9", 1).isEmpty());
    }

    @Test
    void aNewColumnIsAddedAndAWiderTypePromoted() {
        tables.commit(output("core.evolve", "2026-11-20", "r1", 1, lake.trips("core.evolve", "2026-11-20", "r1", 1, 3)));
        String wider = lake.write(Lake.key("core.evolve", "2026-11-21", "r2"), "SELECT i::BIGINT AS id, DATE '2026-11-21' AS date, "
                + "i * 10 AS fare, 'station-' || i AS station, i % 2 = 0 AS transfer FROM range(1, 3) t(i)");
        tables.commit(output("core.evolve", "2026-11-21", "r2", 1, wider));

        Table table = tables.table("core.evolve").orElseThrow();
        assertEquals(Types.LongType.get(), table.schema().findType("id"));
        assertEquals(Types.BooleanType.get(), table.schema().findType("transfer"));
        assertTrue(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING).contains("\"transfer\""));
        int transfer = table.schema().findField("transfer").fieldId();
        assertEquals(2L, onlyFile(table, "2026-11-21").valueCounts().get(transfer));
    }

    /** A snapshot of a PostgreSQL int[][] column writes LISTs of LISTs: the table takes them as Iceberg's nested lists. */
    @Test
    void listsOfListsBecomeNestedIcebergLists() {
        String file = lake.write(Lake.key("core.grids", "2026-11-20", "r1"), "SELECT i::INTEGER AS id, DATE '2026-11-20' AS date, "
                + "CASE WHEN i = 2 THEN NULL ELSE [[i, i + 1], [NULL, i * 10]]::INTEGER[][] END AS grid FROM range(1, 4) t(i)");
        tables.commit(output("core.grids", "2026-11-20", "r1", 1, file));

        Table table = tables.table("core.grids").orElseThrow();
        Types.ListType grid = table.schema().findType("grid").asListType();
        Types.ListType row = grid.elementType().asListType();
        assertEquals(Types.IntegerType.get(), row.elementType());
        assertTrue(row.isElementOptional(), "NULL elements are kept");
        assertEquals(3, onlyFile(table, "2026-11-20").recordCount());
    }

    @Test
    void aDroppedColumnFailsBeforeAnythingIsCommitted() {
        long before = tables.commit(output("core.drop", "2026-11-20", "r1", 1, lake.trips("core.drop", "2026-11-20", "r1", 1, 3)));
        String without = lake.write(Lake.key("core.drop", "2026-11-21", "r2"),
                "SELECT i::INTEGER AS id, DATE '2026-11-21' AS date, i * 10 AS fare FROM range(1, 3) t(i)");

        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> tables.commit(output("core.drop", "2026-11-21", "r2", 1, without)));
        assertEquals("station", e.column());
        assertTrue(e.getMessage().contains("station"), e.getMessage());
        assertFalse(e.kind().retryable());
        assertEquals(before, tables.table("core.drop").orElseThrow().currentSnapshot().snapshotId());
    }

    @Test
    void anIncompatibleTypeChangeFailsBeforeAnythingIsCommitted() {
        long before = tables.commit(output("core.types", "2026-11-20", "r1", 1, lake.trips("core.types", "2026-11-20", "r1", 1, 3)));
        String narrowed = lake.write(Lake.key("core.types", "2026-11-21", "r2"), "SELECT i::INTEGER AS id, DATE '2026-11-21' AS date, "
                + "(i * 10)::INTEGER AS fare, 'station-' || i AS station FROM range(1, 3) t(i)");
        String retyped = lake.write(Lake.key("core.types", "2026-11-21", "r3"), "SELECT i::INTEGER AS id, DATE '2026-11-21' AS date, "
                + "i * 10 AS fare, i AS station FROM range(1, 3) t(i)");

        assertEquals("fare", assertThrows(IncompatibleSchemaException.class,
                () -> tables.commit(output("core.types", "2026-11-21", "r2", 1, narrowed))).column());
        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> tables.commit(output("core.types", "2026-11-21", "r3", 1, retyped)));
        assertEquals("station", e.column());
        assertTrue(e.getMessage().contains("from string to long"), e.getMessage());
        assertEquals(before, tables.table("core.types").orElseThrow().currentSnapshot().snapshotId());
    }

    @Test
    void aFileWithRowsOfAnotherPartitionIsRefused() {
        long before = tables.commit(output("core.mixed", "2026-11-20", "r1", 1, lake.trips("core.mixed", "2026-11-20", "r1", 1, 3)));
        String otherDay = lake.trips("core.mixed", "2026-11-22", "r2", 1, 3);

        PartitionMismatchException e = assertThrows(PartitionMismatchException.class,
                () -> tables.commit(output("core.mixed", "2026-11-21", "r2", 1, otherDay)));
        assertTrue(e.getMessage().contains("2026-11-22"), e.getMessage());
        assertEquals(before, tables.table("core.mixed").orElseThrow().currentSnapshot().snapshotId());
    }

    @Test
    void aPartitionOfSeveralFilesIsCommittedWholeAndAnEmptyOneEmptiesIt() {
        tables.commit(output("core.parts", "2026-11-20", "r1", 1, lake.trips("core.parts", "2026-11-20", "r1", 1, 3)));
        String first = lake.trips("core.parts", "2026-11-21", "r2", 1, 2);
        String second = lake.trips("core.parts", "2026-11-21", "r2", 3, 7);
        tables.commit(output("core.parts", "2026-11-21", "r2", 1, first, second));
        Table table = tables.table("core.parts").orElseThrow();
        assertEquals(Set.of(first, second), files(table, "2026-11-21").keySet());
        assertEquals("10", table.currentSnapshot().summary().get("total-records"));

        tables.commit(output("core.parts", "2026-11-21", "r3", 1));
        table.refresh();
        assertEquals(Map.of(), files(table, "2026-11-21"));
        assertEquals(3, onlyFile(table, "2026-11-20").recordCount());
        assertEquals("3", table.currentSnapshot().summary().get("total-records"));
    }

    @Test
    void filesOfOnePartitionThatDisagreeOnAColumnAreRefused() {
        String a = lake.trips("core.disagree", "2026-11-20", "r1", 1, 2);
        String b = lake.write(Lake.key("core.disagree", "2026-11-20", "r1"),
                "SELECT i::INTEGER AS id, DATE '2026-11-20' AS date, i * 10 AS fare, i AS station FROM range(3, 5) t(i)");

        IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
                () -> tables.commit(output("core.disagree", "2026-11-20", "r1", 1, a, b)));
        assertEquals("station", e.column());
    }

    /** The one data file of a partition in the current snapshot. */
    static DataFile onlyFile(Table table, String date) {
        Map<String, DataFile> files = files(table, date);
        assertEquals(1, files.size(), "files of " + date + ": " + files.keySet());
        return files.values().iterator().next();
    }

    static Map<String, DataFile> files(Table table, String date) {
        Map<String, DataFile> files = new TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().filter(Expressions.equal("date", date)).planFiles()) {
            tasks.forEach(t -> files.put(t.file().location(), t.file()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return files;
    }

    static long size(Iterable<?> items) {
        return StreamSupport.stream(items.spliterator(), false).count();
    }
}
