package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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

    @Test
    void tablesOfUsualWidthsGetBatchesOfAWholeVector() {
        List<PgColumn> columns = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            columns.add(i % 2 == 0 ? new PgColumn("t" + i, "text", Kind.TEXT, 0, 0, null) : new PgColumn("n" + i, "bigint", Kind.INT8, 0, 0, null));
        }
        assertEquals(Batch.CAPACITY, Batch.capacity(columns, 8));
    }

    @Test
    void rowsOfHundredsOfColumnsGetFewerRowsPerBatchSoThatTheBatchesStayWithinTheirMemory() {
        List<PgColumn> columns = interleaved(900);
        int capacity = Batch.capacity(columns, 8);
        long perRow = columns.stream().mapToLong(ColumnBuffer::bytesPerRow).sum();
        assertTrue(capacity < Batch.CAPACITY && capacity % 64 == 0, "capacity " + capacity);
        assertTrue(8 * capacity * perRow <= Batch.MEMORY, "8 batches of " + capacity + " rows of " + perRow + " bytes");
        assertTrue(8 * (capacity + 64) * perRow > Batch.MEMORY, "no smaller than it must be: " + capacity);

        Batch batch = new Batch(columns, capacity);
        while (!batch.full()) {
            batch.rows++;
        }
        assertEquals(capacity, batch.rows, "handed over when its rows are in");
        // PostgreSQL's most columns, all text arrays (56 bytes a row each): still a mask's word of rows
        PgColumn texts = new PgColumn("a", "text[]", Kind.ARRAY, 0, 0, new PgColumn("a", "text", Kind.TEXT, 0, 0, null));
        assertEquals(56, ColumnBuffer.bytesPerRow(texts));
        assertEquals(Batch.MIN_CAPACITY, Batch.capacity(Collections.nCopies(1600, texts), 8));
    }

    /** What gives a row every Parquet writer (DuckDbParquet.writers): text, JSON, bytes and text made from other types; not lists, enums or fixed widths. */
    @Test
    void stringColumnsAreThoseDuckDbHoldsAsStrings() {
        PgColumn text = new PgColumn("t", "text", Kind.TEXT, 0, 0, null);
        Batch batch = new Batch(List.of(new PgColumn("id", "bigint", Kind.INT8, 0, 0, null), text,
                new PgColumn("j", "jsonb", Kind.JSONB, 0, 0, null), new PgColumn("b", "bytea", Kind.BYTEA, 0, 0, null),
                new PgColumn("i", "interval", Kind.INTERVAL, 0, 0, null), new PgColumn("u", "uuid", Kind.UUID, 0, 0, null),
                new PgColumn("a", "text[]", Kind.ARRAY, 0, 0, text), PgColumn.enumOf("e", "mood", new EnumLabels(List.of("sad", "ok")))));
        assertEquals(4, batch.stringColumns());
    }

    /** {@code n} columns: text, double precision and integer in turn. */
    static List<PgColumn> interleaved(int n) {
        List<PgColumn> columns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            columns.add(switch (i % 3) {
                case 0 -> new PgColumn("c" + i, "text", Kind.TEXT, 0, 0, null);
                case 1 -> new PgColumn("c" + i, "double precision", Kind.FLOAT8, 0, 0, null);
                default -> new PgColumn("c" + i, "integer", Kind.INT4, 0, 0, null);
            });
        }
        return columns;
    }
}
