package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.FileScanTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The partition kinds a derived asset has besides daily: hourly (the partition column is the
 * hour's start, a TIMESTAMP, which Iceberg's partition-string conversion refuses) and none (every
 * run replaces the whole table), committed and read back by partition.
 */
class PartitionKindsTest {

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

    static String gates(String hour, int rows, String run) {
        return lake.write("core/gates/" + run + ".parquet", "SELECT i::INTEGER AS gate, TIMESTAMP '" + hour.replace('T', ' ')
                + "' AS hour FROM range(" + rows + ") t(i)");
    }

    static long rows(Table table, String column, Object value) {
        return rows(table, Expressions.equal(column, value));
    }

    static long rows(Table table, Expression filter) {
        long n = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().filter(filter).planFiles()) {
            for (FileScanTask t : tasks) {
                n += t.file().recordCount();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    @Test
    void anHourlyAssetIsPartitionedByTheHoursStart() {
        tables.publish(new PartitionOutput("core.gates", Optional.of("hour"), "2026-11-20T13:00:00", List.of(gates("2026-11-20T13:00:00", 3, "r1")),
                "r1", 1, Optional.empty()));
        tables.publish(new PartitionOutput("core.gates", Optional.of("hour"), "2026-11-20T14:00:00", List.of(gates("2026-11-20T14:00:00", 2, "r2")),
                "r2", 1, Optional.empty()));
        tables.publish(new PartitionOutput("core.gates", Optional.of("hour"), "2026-11-20T13:00:00", List.of(gates("2026-11-20T13:00:00", 5, "r3")),
                "r3", 1, Optional.empty()));
        Table table = tables.table("core.gates").orElseThrow();
        assertEquals("timestamp", table.schema().findType("hour").toString());
        assertEquals(5, rows(table, "hour", "2026-11-20T13:00:00"), "the hour replaced by its second run");
        assertEquals(2, rows(table, "hour", "2026-11-20T14:00:00"));
        assertThrows(PartitionMismatchException.class, () -> tables.publish(new PartitionOutput("core.gates", Optional.of("hour"),
                "2026-11-20T15:00:00", List.of(gates("2026-11-20T16:00:00", 1, "r4")), "r4", 1, Optional.empty())),
                "a file of another hour");
    }

    @Test
    void anUnpartitionedAssetIsReplacedWholeByEachRun() {
        String first = lake.write("mart/summary/r1.parquet", "SELECT i::INTEGER AS n FROM range(4) t(i)");
        String second = lake.write("mart/summary/r2.parquet", "SELECT i::INTEGER AS n FROM range(2) t(i)");
        tables.publish(new PartitionOutput("mart.summary", Optional.empty(), "", List.of(first), "r1", 1, Optional.of("s3://lake/mart/summary")));
        tables.publish(new PartitionOutput("mart.summary", Optional.empty(), "", List.of(second), "r2", 1, Optional.of("s3://lake/mart/summary")));
        Table table = tables.table("mart.summary").orElseThrow();
        assertEquals("s3://lake/mart/summary", table.location());
        assertEquals(0, table.spec().fields().size());
        assertEquals(2, rows(table, Expressions.alwaysTrue()), "the second run's 2 rows are all the table has");
    }
}
