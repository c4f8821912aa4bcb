package io.freshet.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.freshet.core.location.LocationPattern;

class TableLayoutTest {

    private static TableLayout layout(String location) {
        return TableLayout.of(LocationPattern.parse(location).resolve(Map.of("LakeBucket", "lake")));
    }

    @Test
    void dailyAssetIsPartitionedByADateColumnNamedAsItsFolder() {
        TableLayout t = layout("s3://${LakeBucket}/core/trips/dt={date}/");
        assertEquals("s3://lake/core/trips", t.tableLocation());
        assertEquals("dt", t.partitionColumn().orElseThrow().name());
        assertEquals("2026-11-20", t.partitionColumn().orElseThrow().value("2026-11-20"));
        assertEquals("DATE '2026-11-20'", t.partitionColumn().orElseThrow().sqlLiteral("2026-11-20"));
        assertEquals("core/trips/dt=2026-11-20/r-1-2.parquet", t.dataKey("2026-11-20", "r-1", 2));
    }

    @Test
    void yearMonthDayFoldersMakeADateColumn() {
        TableLayout t = layout("s3://${LakeBucket}/core/trips/{year}/{month}/{day}/");
        assertEquals("date", t.partitionColumn().orElseThrow().name());
        assertEquals("core/trips/2026/11/20/r-1-1.parquet", t.dataKey("2026-11-20", "r-1", 1));
    }

    @Test
    void hourlyAssetIsPartitionedByTheHoursStart() {
        TableLayout.PartitionColumn c = layout("s3://${LakeBucket}/core/gates/date={date}/hour={hour}/").partitionColumn().orElseThrow();
        assertEquals("hour", c.name());
        assertEquals("2026-11-20T13:00:00", c.value("2026-11-20T13"));
        assertEquals("TIMESTAMP '2026-11-20 13:00:00'", c.sqlLiteral("2026-11-20T13"));
    }

    @Test
    void unpartitionedAssetHasNoPartitionColumn() {
        TableLayout t = layout("s3://${LakeBucket}/mart/summary/");
        assertTrue(t.partitionColumn().isEmpty());
        assertEquals("s3://lake/mart/summary", t.tableLocation());
        assertEquals("mart/summary/r-9-1.parquet", t.dataKey("", "r-9", 1));
    }
}
