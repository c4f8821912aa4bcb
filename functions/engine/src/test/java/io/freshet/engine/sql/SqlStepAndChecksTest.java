package io.freshet.engine.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.model.Check;
import io.freshet.core.model.SqlText;
import io.freshet.core.yaml.SourcePos;
import io.freshet.engine.checks.CheckResult;
import io.freshet.engine.checks.CheckRunner;

/** The SQL step and the checks on real DuckDB, over files as the runner downloads them. */
class SqlStepAndChecksTest {

    static final SourcePos POS = new SourcePos("t.yaml", 1, 1);

    static Path csv(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        return f;
    }

    @Test
    void inputsAreViewsOverExactlyTheirFilesAndAStepWritesZstdParquet(@TempDir Path dir) throws Exception {
        Path a = csv(dir, "taps-0800.csv", "tap_id,card_id,station_id,direction,tapped_at\n1,c1,s1,in,2026-05-26 08:00:00\n2,c1,s2,out,2026-05-26 08:20:00\n");
        Path b = csv(dir, "taps-0815.csv", "tap_id,card_id,station_id,direction,tapped_at\n3,c2,s1,in,2026-05-26 08:15:00\n");
        csv(dir, "taps-0830-not-consumed.csv", "tap_id,card_id,station_id,direction,tapped_at\n4,c3,s3,in,2026-05-26 08:30:00\n");
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            s.createInputView("landing.taps", List.of(a, b), InputFormat.CSV);
            assertEquals(3, s.queryLong("SELECT count(*) FROM landing.taps", "count"), "only the consumed files are read");
            long rows = s.runStep("core.trips", """
                    SELECT i.card_id, i.station_id AS from_station, o.station_id AS to_station
                    FROM landing.taps i JOIN landing.taps o ON o.card_id = i.card_id AND o.direction = 'out'
                    WHERE i.direction = 'in';
                    """);
            assertEquals(1, rows);
            Path out = s.writeParquet("core.trips", dir.resolve("part-0.parquet"));
            try (Statement st = s.connection().createStatement();
                 ResultSet rs = st.executeQuery("SELECT DISTINCT compression FROM parquet_metadata(" + Identifiers.literal(out.toString()) + ")")) {
                rs.next();
                assertEquals("ZSTD", rs.getString(1));
            }
        }
    }

    @Test
    void namesThatNeedQuotingWork(@TempDir Path dir) throws Exception {
        Path f = csv(dir, "x.csv", "\"Tap Id\",\"we\"\"ird\"\n1,a\n2,\n");
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            s.createInputView("raw.odd", List.of(f), InputFormat.CSV);
            s.runStep("core.odd", "SELECT * FROM raw.odd");
            List<CheckResult> r = CheckRunner.run(s, List.of(
                    new Check.NotNull("core.odd", "nn", List.of("Tap Id", "we\"ird"), true, POS),
                    new Check.Unique("core.odd", "u", List.of("Tap Id"), true, POS)), c -> "");
            assertEquals(List.of(false, true), r.stream().map(CheckResult::passed).toList());
            assertEquals(1, r.get(0).failingRows());
        }
    }

    @Test
    void everyKindOfCheckPassesAndFailsOnWhatItShould(@TempDir Path dir) throws Exception {
        Path f = csv(dir, "t.csv", "trip_id,fare,duration_s\n1,adult,300\n2,student,-5\n2,pirate,600\n4,,100\n");
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            s.createInputView("landing.t", List.of(f), InputFormat.CSV);
            s.runStep("core.trips", "SELECT * FROM landing.t");
            Check.CustomSql negative = new Check.CustomSql("core.trips", "no_negative_durations",
                    new SqlText.Inline("SELECT * FROM core.trips WHERE duration_s < 0;", POS), true, POS);
            List<Check> checks = List.of(
                    new Check.NotNull("core.trips", "not_null_fare", List.of("fare"), true, POS),
                    new Check.NotNull("core.trips", "not_null_trip_id", List.of("trip_id"), true, POS),
                    new Check.Unique("core.trips", "unique_trip_id", List.of("trip_id"), true, POS),
                    new Check.RowCount("core.trips", "row_count", OptionalLong.of(1), OptionalLong.of(3), false, POS),
                    new Check.RowCount("core.trips", "row_count_ok", OptionalLong.of(4), OptionalLong.empty(), true, POS),
                    new Check.AcceptedValues("core.trips", "fares", "fare", List.of("adult", "student"), true, POS),
                    negative,
                    new Check.NotNull("core.trips", "missing_column", List.of("nope"), true, POS));
            Map<String, CheckResult> r = CheckRunner.run(s, checks, c -> ((SqlText.Inline) c.sql()).sql()).stream()
                    .collect(Collectors.toMap(CheckResult::name, x -> x));
            assertFalse(r.get("not_null_fare").passed());
            assertTrue(r.get("not_null_trip_id").passed());
            assertEquals(2, r.get("unique_trip_id").failingRows(), "both rows sharing trip_id 2");
            assertFalse(r.get("row_count").passed());
            assertFalse(r.get("row_count").blocksPublication(), "non-blocking");
            assertEquals("4 row(s), expected at least 1 and at most 3", r.get("row_count").detail());
            assertTrue(r.get("row_count_ok").passed());
            assertEquals(1, r.get("fares").failingRows(), "NULL is not judged by accepted_values; 'pirate' is");
            assertEquals(1, r.get("no_negative_durations").failingRows());
            assertFalse(r.get("missing_column").passed());
            assertEquals("could not run: column 'nope' is not in core.trips (columns: trip_id, fare, duration_s)", r.get("missing_column").detail());
        }
    }

    @Test
    void aBrokenStepNamesItsOutputAndTheCause(@TempDir Path dir) {
        try (DuckSession s = DuckSession.open(DuckSettings.defaults(dir.resolve("work")))) {
            EngineException e = assertThrows(EngineException.class, () -> s.runStep("core.x", "SELECT * FROM raw.nowhere"));
            assertTrue(e.getMessage().startsWith("computing 'core.x': Catalog Error:") && e.getMessage().contains("nowhere"), e.getMessage());
            assertThrows(EngineException.class, () -> s.createInputView("raw.none", List.of(), InputFormat.CSV));
        }
    }
}
