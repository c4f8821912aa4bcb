package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code bench snapshot}'s figure of the decoder alone: it must decode the rows it says it decoded,
 * of every kind of column a snapshot reads (casts to text included), whether the COPY held in
 * memory is whole or cut at its byte budget.
 */
class DecoderProbeTest {

    @RegisterExtension
    static final SnapshotDatabase DB = new SnapshotDatabase();

    @BeforeAll
    static void table() {
        DB.pg().execute("""
                CREATE TABLE probe AS SELECT g AS id, g % 2 = 0 AS flag, CASE WHEN g % 7 = 0 THEN NULL ELSE 'name ' || g END AS name,
                  timestamptz '2026-01-01' + g * interval '1 minute' AS at, (g / 100.0)::numeric(12,2) AS amount,
                  ARRAY[g, NULL, g + 1]::int8[] AS counts, point(g, -g) AS spot, g * interval '1 second' AS took
                FROM generate_series(1, 5000) g
                """);
    }

    @Test
    void decodesTheFirstRowsItWasAskedFor() throws Exception {
        try (Connection c = DB.pg().connect()) {
            DecoderProbe.Figures all = DecoderProbe.measure(c, "public", "probe", 1_000_000, 2);
            assertEquals(5000, all.rows());
            assertTrue(all.bestNanosPerRow() > 0, all.toString());
            DecoderProbe.Figures some = DecoderProbe.measure(c, "public", "probe", 1234, 1);
            assertEquals(1234, some.rows());
            assertTrue(some.bytes() < all.bytes(), some + " " + all);
        }
    }

    @Test
    void aCopyCutAtItsBudgetDecodesTheWholeRowsBeforeTheCut() throws Exception {
        try (Connection c = DB.pg().connect()) {
            DecoderProbe.Figures cut = DecoderProbe.measure(c, "public", "probe", 1_000_000, 20_000, 1);
            assertTrue(cut.rows() > 0 && cut.rows() < 5000, cut.toString());
            assertTrue(cut.bytes() >= 20_000 && cut.bytes() < 21_000, cut.toString());
            // and the connection is usable again: the COPY was read to its end, not cancelled
            assertEquals(5000, DecoderProbe.measure(c, "public", "probe", 1_000_000, 1).rows());
        }
    }

    @Test
    void aMissingTableIsNamed() throws Exception {
        try (Connection c = DB.pg().connect()) {
            SnapshotException e = assertThrows(SnapshotException.class, () -> DecoderProbe.measure(c, "public", "nowhere", 10, 1));
            assertTrue(e.getMessage().contains("public.nowhere"), e.getMessage());
        }
    }
}
