package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The public records' contracts, quoting and the schema hash, without a database. */
class ApiContractTest {

    @Test
    void theConnectionNeverShowsItsPassword() {
        PgConnectionInfo info = new PgConnectionInfo("jdbc:postgresql://db:5432/metro", "reader", "hunter2");
        assertFalse(info.toString().contains("hunter2"), info.toString());
        assertTrue(info.toString().contains("reader") && info.toString().contains("jdbc:postgresql://db:5432/metro"));
        assertThrows(IllegalArgumentException.class, () -> new PgConnectionInfo("jdbc:postgresql://db/metro?password=hunter2", "reader", ""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PgConnectionInfo("jdbc:mysql://db/metro?user=x&pw=hunter2", "reader", "hunter2"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void requestsAndSettingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new TableRequest("public", "taps", "raw.taps", Optional.empty(), Optional.of("5")));
        assertThrows(IllegalArgumentException.class, () -> TableRequest.full("public", "", "raw.taps"));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotSettings("lots", 2, Path.of("/tmp"), 1));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotSettings("256MB", 0, Path.of("/tmp"), 1));
        assertThrows(IllegalArgumentException.class, () -> new SnapshotSettings("256MB", 2, Path.of("/tmp"), 0));
        SnapshotSettings d = SnapshotSettings.defaults(Path.of("/work"));
        assertEquals(Path.of("/work/duckdb-tmp"), d.tempDir());
        assertTrue(d.threads() >= 2);
        assertEquals(256_000_000L, DuckDbParquet.bytes("256MB"));
        assertEquals(1536L << 20, DuckDbParquet.bytes("1.5 GiB"));
    }

    @Test
    void aNarrowRowOfFixedWidthsHasOneParquetWriterAWideOneOrOneOfStringsEveryThread() {
        // three integers; 24 fixed-width values of 8 bytes (192 + 0): narrow, one writer
        assertEquals(16 + 24, DuckDbParquet.rowBytes(16, 3));
        assertEquals(1, DuckDbParquet.writers(DuckDbParquet.rowBytes(16, 3), 0, 4));
        assertEquals(1, DuckDbParquet.writers(DuckDbParquet.rowBytes(96, 12), 0, 2));
        // the edge: 192 is narrow, 193 wide
        assertEquals(1, DuckDbParquet.writers(DuckDbParquet.rowBytes(192 - 80, 10), 0, 2));
        assertEquals(2, DuckDbParquet.writers(DuckDbParquet.rowBytes(193 - 80, 10), 0, 2));
        // 50 bigints: every thread
        assertEquals(4, DuckDbParquet.writers(DuckDbParquet.rowBytes(408, 51), 0, 4));
        // any string makes a row wide: one text after a bigint; bench snapshot's 8-column table (a
        // 10-character text among 63 bytes of values); two unconstrained numerics as text; three texts of 1 KB
        assertEquals(2, DuckDbParquet.writers(DuckDbParquet.rowBytes(20, 2), 1, 2));
        assertEquals(4, DuckDbParquet.writers(DuckDbParquet.rowBytes(63, 8), 1, 4));
        assertEquals(2, DuckDbParquet.writers(DuckDbParquet.rowBytes(41, 6), 2, 2));
        assertEquals(2, DuckDbParquet.writers(DuckDbParquet.rowBytes(3072, 3), 3, 2));
        // never more than the threads
        assertEquals(1, DuckDbParquet.writers(DuckDbParquet.rowBytes(63, 8), 1, 1));
    }

    @Test
    void identifiersAndLiteralsAreQuoted() {
        assertEquals("\"Tap Log\"", Sql.quoteIdent("Tap Log"));
        assertEquals("\"a\"\"b\"", Sql.quoteIdent("a\"b"));
        assertEquals("'it''s'", Sql.quoteLiteral("it's"));
        assertEquals("'back\\slash'", Sql.quoteLiteral("back\\slash"));
        assertThrows(IllegalArgumentException.class, () -> Sql.quoteIdent("nul\0"));
        assertEquals("\"public\".\"Tap Log\"", TableRequest.full("public", "Tap Log", "raw.tap_log").displayName());
    }

    @Test
    void theSchemaHashCoversNamesTypesAndOrder() {
        List<ColumnInfo> ab = List.of(new ColumnInfo("a", "integer", "INTEGER"), new ColumnInfo("b", "text", "VARCHAR"));
        String hash = PostgresSnapshot.schemaHash(ab);
        assertEquals(64, hash.length());
        assertEquals(hash, PostgresSnapshot.schemaHash(List.of(new ColumnInfo("a", "integer", "X"), new ColumnInfo("b", "text", "Y"))),
                "only the PostgreSQL side counts");
        assertNotEquals(hash, PostgresSnapshot.schemaHash(List.of(ab.get(1), ab.get(0))));
        assertNotEquals(hash, PostgresSnapshot.schemaHash(List.of(new ColumnInfo("a", "bigint", "BIGINT"), ab.get(1))));
        // Length prefixes: ("ab", "c") and ("a", "bc") differ.
        assertNotEquals(PostgresSnapshot.schemaHash(List.of(new ColumnInfo("ab", "c", ""))),
                PostgresSnapshot.schemaHash(List.of(new ColumnInfo("a", "bc", ""))));
    }

    @Test
    void theMetadataIsWhatTheAssetEventRecords() {
        TableSnapshot t = new TableSnapshot("raw.taps", List.of(Path.of("/w/raw.taps/part-00000.parquet")), 10, 2048, "h", Optional.of("42"), List.of());
        assertEquals(List.of("rows", "bytes", "schema_hash", "watermark"), List.copyOf(t.metadata().keySet()));
        assertEquals("42", t.metadata().get("watermark"));
        assertFalse(new TableSnapshot("raw.x", List.of(), 0, 0, "h", Optional.empty(), List.of()).metadata().containsKey("watermark"));
    }
}
