package io.freshet.engine.snapshot;

import static io.freshet.engine.snapshot.Parity.Canon.TEXT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.Driver;

import io.freshet.engine.snapshot.Parity.Col;

/**
 * Strings are handed to DuckDB as its 16-byte {@code string_t} values, a whole column of a batch in
 * one copy: a short one inside its value, a longer one as a pointer into the writer's native copy of
 * the column's bytes ({@link ChunkStrings}), or, where that copy cannot be made, through the
 * driver's call. Every path must read back as PostgreSQL holds the values, at the 12-byte edge, in
 * multi-byte UTF-8, empty and NULL, as array elements, and in batches of several string columns
 * that share one native copy.
 */
class ShortStringsTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @Test
    void stringsAtTheInlineEdgeReadBackInEveryPath() throws Exception {
        // short: 0-12 bytes in every row ('é' is 2 bytes: 6 of them are 12);
        // mixed: short except one 13-byte value every 3,000 rows, so some batches are all short and some not;
        // half and most_long: columns whose batches mix both kinds, which go through the driver's call whole;
        // nulls_then_none: long values and NULLs, then short ones without NULLs: no NULL of the first batches may
        // outlive them in the vector's validity mask.
        DB.pg().execute("""
                CREATE TABLE strings AS SELECT g AS id,
                  CASE WHEN g % 17 = 0 THEN NULL WHEN g % 5 = 0 THEN repeat('é', g % 7) ELSE left('abcdefghijkl', g % 13) END AS short,
                  CASE WHEN g % 3000 = 0 THEN 'thirteen-byte' WHEN g % 11 = 0 THEN '' ELSE 'v' || (g % 97) END AS mixed,
                  CASE WHEN g % 19 = 0 THEN NULL ELSE ARRAY['a' || (g % 7), '', NULL, repeat('ü', 6)] END AS list,
                  CASE WHEN g % 23 = 0 THEN NULL WHEN g % 2 = 0 THEN 'ok' || g % 10 ELSE 'a longer value, ' || repeat('ñ', g % 9) END AS half,
                  CASE WHEN g % 5 = 0 THEN 's' ELSE 'long enough value ' || g END AS most_long,
                  CASE WHEN g > 3000 THEN 'x' || g % 10 WHEN g % 3 = 0 THEN NULL ELSE 'long value number ' || g END AS nulls_then_none
                FROM generate_series(1, 12000) g
                """);
        List<Col> cols = List.of(Col.of("short", TEXT), Col.of("mixed", TEXT), Col.arrayOf("list", TEXT), Col.of("half", TEXT),
                Col.of("most_long", TEXT), Col.of("nulls_then_none", TEXT));
        assertTrue(ChunkStrings.forPart().nativeMemory(), "this JVM lets long strings be copied once (else the driver's path only is tested)");
        Parity.assertSnapshotReadsBack(DB.pg(), "strings", 12000, cols);
        Parity.withStringsThroughTheDriver(() -> {
            assertFalse(ChunkStrings.forPart().nativeMemory());
            Parity.assertSnapshotReadsBack(DB.pg(), "strings", 12000, cols);
        });
    }

    /**
     * Long strings of several columns and of a list's elements, in batches cut by their bytes
     * ({@link Batch#PAYLOAD_LIMIT}): each column's pointers must land in its own part of the chunk's
     * copy, and a chunk must not see the last one's bytes.
     */
    @Test
    void longStringsOfSeveralColumnsKeepTheirOwnBytes() throws Exception {
        DB.pg().execute("""
                CREATE TABLE long_strings AS SELECT g AS id,
                  repeat(md5(g::text), 1 + g % 90) AS a,
                  CASE WHEN g % 7 = 0 THEN NULL ELSE 'ünïcödé ' || repeat(chr(1040 + g % 32), g % 300) END AS b,
                  ARRAY[repeat('x', g % 40), NULL, md5((g * 3)::text)] AS c,
                  ('{"k": "' || repeat('v', g % 500) || '"}')::jsonb AS d
                FROM generate_series(1, 20000) g
                """);
        Parity.assertSnapshotReadsBack(DB.pg(), "long_strings", 20000,
                List.of(Col.of("a", TEXT), Col.of("b", TEXT), Col.arrayOf("c", TEXT), Col.of("d", TEXT)));
    }

    @Test
    void aLongStringTValueIsItsLengthItsFirstFourBytesAndItsAddress() {
        ColumnBuffer c = new ColumnBuffer(0, 3);
        c.reset();
        byte[] first = "the first long string".getBytes(StandardCharsets.UTF_8); // 21 bytes
        byte[] second = "thirteen-byte".getBytes(StandardCharsets.UTF_8);
        c.putBytes(0, first, 0, first.length);
        c.setNull(1);
        c.putBytes(2, second, 0, second.length);
        byte[] values = c.stringTs(3, 0x7000_0000_1000L);
        assertArrayEquals(new byte[] {21, 0, 0, 0, 't', 'h', 'e', ' ', 0x00, 0x10, 0, 0, 0, 0x70, 0, 0}, Arrays.copyOfRange(values, 0, 16));
        assertArrayEquals(new byte[16], Arrays.copyOfRange(values, 16, 32), "NULL: all zeros");
        assertArrayEquals(new byte[] {13, 0, 0, 0, 't', 'h', 'i', 'r', 21, 0x10, 0, 0, 0, 0x70, 0, 0}, Arrays.copyOfRange(values, 32, 48),
                "the second string starts 21 bytes after the first");
    }

    /**
     * Text that is not UTF-8 (a SQL_ASCII database holds whatever bytes it was given) fails the
     * snapshot, short or long: PostgreSQL refuses to send it to a UTF-8 client. Should anything
     * get past it, {@link ColumnBuffer#stringTs} checks every string, as the driver's call does
     * ({@link #bytesThatAreNotUtf8AreNotHandedToDuckDb}).
     */
    @Test
    void textThatIsNotUtf8FailsTheSnapshotOnBothPaths(@TempDir Path work) throws Exception {
        DB.pg().execute("CREATE DATABASE ascii TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'");
        PgConnectionInfo ascii = new PgConnectionInfo(DB.pg().jdbcUrl().replace("/postgres", "/ascii"), DB.pg().user(), DB.pg().password());
        try (Connection c = new Driver().connect(ascii.jdbcUrl(), props(ascii)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE short_latin1 AS SELECT g AS id, CASE WHEN g = 3 THEN 'caf' || chr(233) "
                    + "ELSE 'ok' END AS t FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE long_latin1 AS SELECT g AS id, repeat('x', 20) || CASE WHEN g = 3 THEN chr(233) ELSE '' END AS t "
                    + "FROM generate_series(1, 10) g");
            s.execute("CREATE TABLE fine AS SELECT g AS id, 'ok' || g AS t FROM generate_series(1, 10) g");
        }
        for (String table : List.of("short_latin1", "long_latin1")) {
            Exception e = assertThrows(Exception.class, () -> new PostgresSnapshot().snapshot(ascii,
                    List.of(TableRequest.full("public", table, "raw." + table)), work.resolve(table), SETTINGS.apply(work)));
            assertTrue(String.valueOf(e.getMessage()).contains("invalid byte sequence for encoding \"UTF8\": 0xe9"), table + ": " + e.getMessage());
        }
        assertEquals(10, new PostgresSnapshot().snapshot(ascii, List.of(TableRequest.full("public", "fine", "raw.fine")), work.resolve("fine"),
                SETTINGS.apply(work)).tables().get(0).rows(), "ASCII text of such a database is read");
    }

    private static final Function<Path, SnapshotSettings> SETTINGS = work -> new SnapshotSettings("64MB", 1, work.resolve("spill"), 1);

    private static Properties props(PgConnectionInfo info) {
        Properties p = new Properties();
        p.setProperty("user", info.user());
        p.setProperty("password", info.password());
        return p;
    }

    @Test
    void bytesThatAreNotUtf8AreNotHandedToDuckDb() {
        ColumnBuffer c = new ColumnBuffer(0, 2);
        c.reset();
        c.putBytes(0, "ok".getBytes(StandardCharsets.UTF_8), 0, 2);
        c.putBytes(1, new byte[] {'c', 'a', 'f', (byte) 0xE9}, 0, 4); // Latin-1's é
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.stringTs(2, 0));
        assertTrue(e.getMessage().startsWith("Invalid UTF-8 string batch"), e.getMessage());
    }

    @Test
    void aStringTValueIsItsLengthItsBytesAndZeros() {
        ColumnBuffer c = new ColumnBuffer(0, 4);
        c.reset();
        byte[] twelve = "aé€bcdefg".getBytes(StandardCharsets.UTF_8); // 1 + 2 + 3 + 6 = 12 bytes
        c.putBytes(0, twelve, 0, twelve.length);
        c.setNull(1);
        c.putBytes(2, new byte[0], 0, 0);
        c.putBytes(3, "xy".getBytes(StandardCharsets.UTF_8), 0, 2);
        assertTrue(c.allInline(4));
        byte[] values = c.stringTs(4, 0);
        byte[] first = new byte[16];
        first[0] = 12;
        System.arraycopy(twelve, 0, first, 4, 12);
        assertArrayEquals(first, Arrays.copyOfRange(values, 0, 16));
        assertArrayEquals(new byte[32], Arrays.copyOfRange(values, 16, 48), "NULL and empty: all zeros");
        assertArrayEquals(new byte[] {2, 0, 0, 0, 'x', 'y', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(values, 48, 64));

        c.reset();
        c.putBytes(0, "z".getBytes(StandardCharsets.UTF_8), 0, 1);
        assertEquals(1, c.stringTs(1, 0)[0]);
        assertArrayEquals(new byte[11], Arrays.copyOfRange(c.stringTs(1, 0), 5, 16), "the last batch's bytes are gone");
        c.putBytes(1, "thirteen-byte".getBytes(StandardCharsets.UTF_8), 0, 13);
        assertFalse(c.allInline(2));
    }

    @Test
    void aCopyLongerThanItsArrayIsRefusedBeforeAnyByteMoves() {
        try (ChunkStrings strings = ChunkStrings.forPart()) {
            assertTrue(strings.nativeMemory());
            strings.startChunk(64);
            byte[] four = {1, 2, 3, 4};
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> strings.copy(four, 5));
            assertEquals("5 bytes asked of a payload of 4", e.getMessage());
            // the chunk's memory is untouched by the refusal: the next copy starts where the chunk did
            long first = strings.copy(four, 4);
            assertEquals(first + 4, strings.copy(four, 4));
        }
    }
}
