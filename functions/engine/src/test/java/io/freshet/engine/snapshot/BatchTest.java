package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A batch is handed over when it is full of rows or of bytes, whatever the number of columns the bytes are spread over. */
class BatchTest {

    @Test
    void manyLargeTextColumnsFillABatchByTheirBytesTogether() {
        List<PgColumn> columns = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            columns.add(new PgColumn("c" + i, "text", Kind.TEXT, 0, 0, null));
        }
        Batch batch = new Batch(columns);
        byte[] kilobyte = new byte[1024];
        Arrays.fill(kilobyte, (byte) 'x');
        while (!batch.full()) {
            for (ColumnBuffer c : batch.columns) {
                c.putBytes(batch.rows, kilobyte, 0, kilobyte.length);
            }
            batch.rows++;
        }
        // 60 KB a row: the batch holds 4 MB, about 68 rows, not 2,048 rows of 120 MB
        assertEquals(Batch.PAYLOAD_LIMIT / (60 * 1024) + 1, batch.rows);
        assertTrue(batch.bytes() < Batch.PAYLOAD_LIMIT + 60 * 1024, "bytes " + batch.bytes());
    }

    @Test
    void narrowRowsFillABatchByItsRows() {
        Batch batch = new Batch(List.of(new PgColumn("id", "bigint", Kind.INT8, 0, 0, null), new PgColumn("s", "text", Kind.TEXT, 0, 0, null)));
        byte[] value = {'a', 'b'};
        while (!batch.full()) {
            batch.columns[0].putLong(batch.rows, batch.rows);
            batch.columns[1].putBytes(batch.rows, value, 0, value.length);
            batch.rows++;
        }
        assertEquals(Batch.CAPACITY, batch.rows);
    }
}
