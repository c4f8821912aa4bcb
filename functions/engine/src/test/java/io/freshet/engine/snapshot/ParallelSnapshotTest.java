package io.freshet.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.testkit.LocalPostgres;

/**
 * A table read in ctid ranges over several connections sharing one exported snapshot gives
 * exactly what one connection gives: the same rows of every type, the same watermarks, nothing
 * committed after the snapshot, a failure in one range failing the whole with the table named and
 * no file left, and never more connections than the cap. Tables here are small, so ranges are
 * allowed from one page on ({@code minPagesPerRange} 1).
 */
class ParallelSnapshotTest {

    static LocalPostgres pg;
    static PgConnectionInfo info;

    @TempDir
    Path work;

    static final AtomicInteger DIRS = new AtomicInteger();

    @BeforeAll
    static void start() {
        pg = LocalPostgres.start();
        info = new PgConnectionInfo(pg.jdbcUrl(), pg.user(), pg.password());
        pg.execute(TypeMappingTest.EVERY_TYPE);
        // every row of every_type again and again (ids id + 100 k), so that the table spans many pages
        pg.execute("INSERT INTO every_type SELECT (jsonb_populate_record(e, jsonb_build_object('id', e.id + 100 * g))).* "
                + "FROM every_type e, generate_series(1, 300) g");
        // events in random physical order, so the greatest watermark is in no particular range; some NULL watermarks
        pg.execute("CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz, payload text);"
                + "INSERT INTO events SELECT g, CASE WHEN g % 97 = 0 THEN NULL ELSE timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' END, "
                + "repeat(md5(g::text), 3) FROM generate_series(1, 20000) g ORDER BY random()");
        // a partitioned table: leaves of unequal size, one level of sub-partitions, a partition attached from a table of
        // another column order (its own attribute numbers), and an empty default
        pg.execute("CREATE TABLE parted (id bigint, at timestamptz, note text, amount numeric(12,2)) PARTITION BY RANGE (id);"
                + "CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (1) TO (4001);"
                + "CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (4001) TO (6001) PARTITION BY RANGE (id);"
                + "CREATE TABLE parted_2a PARTITION OF parted_2 FOR VALUES FROM (4001) TO (5001);"
                + "CREATE TABLE parted_2b PARTITION OF parted_2 FOR VALUES FROM (5001) TO (6001);"
                + "CREATE TABLE parted_3 (amount numeric(12,2), note text, id bigint, at timestamptz);"
                + "ALTER TABLE parted ATTACH PARTITION parted_3 FOR VALUES FROM (6001) TO (9001);"
                + "CREATE TABLE parted_default PARTITION OF parted DEFAULT;"
                + "INSERT INTO parted SELECT g, CASE WHEN g % 89 = 0 THEN NULL ELSE timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' END, "
                + "CASE WHEN g % 7 = 0 THEN NULL ELSE repeat(md5(g::text), 2) END, g / 100.0 FROM generate_series(1, 9000) g");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private SnapshotSettings settings(int connections) {
        return new SnapshotSettings("256MB", 2, work.resolve("spill"), connections);
    }

    private Path dir() {
        return work.resolve("out-" + DIRS.incrementAndGet());
    }

    /**
     * Records the ranges planned and the snapshot's backends in a transaction once all have imported
     * the snapshot: those reading. The connections the plan did not need were opened beside the
     * leader and are closing by then, outside any transaction.
     */
    private static class Watch implements PostgresSnapshot.Hooks {
        final List<List<TableRange>> ranges = new ArrayList<>();
        int backends = -1;

        @Override
        public void rangesPlanned(List<List<TableRange>> planned) {
            ranges.addAll(planned);
        }

        @Override
        public void snapshotTaken() {
            backends = SnapshotSessions.count(pg, SnapshotSessions.IN_A_TRANSACTION);
        }
    }

    private static TableSnapshot snapshot(PostgresSnapshot.Hooks hooks, TableRequest request, Path dir, SnapshotSettings settings) {
        return new PostgresSnapshot(hooks, PostgresSnapshot.PART_BYTES, 1).snapshot(info, List.of(request), dir, settings).table(request.output());
    }

    /**
     * Reads {@code request} on one connection and on three, and asserts that the three give what
     * one gives: the same watermark, as many rows, the same rows. What the three were watched doing.
     */
    private Watch readsAsOne(TableRequest request) throws SQLException {
        TableSnapshot serial = snapshot(new Watch(), request, dir(), settings(1));
        Watch watch = new Watch();
        TableSnapshot parallel = snapshot(watch, request, dir(), settings(3));
        assertEquals(serial.newWatermark(), parallel.newWatermark(), request.output());
        assertEquals(serial.rows(), parallel.rows(), request.output());
        assertEquals("0 only in the first, 0 only in the second, " + serial.rows() + " and " + serial.rows() + " rows",
                difference(serial.parquetFiles(), parallel.parquetFiles()), request.output());
        return watch;
    }

    /** Rows in {@code a} and not in {@code b} and the other way round (multisets, every column), and both counts. */
    private static String difference(List<Path> a, List<Path> b) throws SQLException {
        try (Connection d = Parity.duck(); Statement s = d.createStatement()) {
            String fa = files(a);
            String fb = files(b);
            try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM (SELECT * FROM " + fa + " EXCEPT ALL SELECT * FROM " + fb + ")), "
                    + "(SELECT count(*) FROM (SELECT * FROM " + fb + " EXCEPT ALL SELECT * FROM " + fa + ")), "
                    + "(SELECT count(*) FROM " + fa + "), (SELECT count(*) FROM " + fb + ")")) {
                rs.next();
                return rs.getLong(1) + " only in the first, " + rs.getLong(2) + " only in the second, " + rs.getLong(3) + " and " + rs.getLong(4) + " rows";
            }
        }
    }

    private static String files(List<Path> files) {
        return "read_parquet(" + files.stream().map(p -> Sql.quoteLiteral(p.toString())).collect(Collectors.joining(", ", "[", "]")) + ")";
    }

    @Test
    void rangesOfEveryTypeGiveExactlyTheRowsOfOneRead() throws Exception {
        TableRequest request = TableRequest.full("public", "every_type", "raw.every_type");
        TableSnapshot serial = snapshot(new Watch(), request, dir(), settings(1));
        Watch watch = new Watch();
        TableSnapshot parallel = snapshot(watch, request, dir(), settings(3));

        assertEquals(3 * RangePlanner.RUNS_PER_CONNECTION, watch.ranges.get(0).size(), "ranges planned: " + watch.ranges);
        assertEquals(3, watch.backends, "connections reading, each taking the next range as it finishes one");
        assertEquals(3010, parallel.rows());
        assertEquals(serial.rows(), parallel.rows());
        assertEquals(serial.schemaHash(), parallel.schemaHash());
        assertEquals("0 only in the first, 0 only in the second, 3010 and 3010 rows", difference(serial.parquetFiles(), parallel.parquetFiles()));
        Parity.assertSameRows(pg, "every_type", null, parallel.parquetFiles(), "id", TypeMappingTest.EVERY_COLUMN);
    }

    @Test
    void aWideTableIsWrittenByEveryWriterInPartsEachAnnouncedOnceAndNeverTwoAtOnce() throws Exception {
        // about 300 bytes of values a row: wide, so both of settings(2)'s writers write it, in parts of 256 kB
        pg.execute("CREATE TABLE wide AS SELECT g AS id, repeat(md5(g::text), 4) AS a, repeat(md5((g + 1)::text), 4) AS b, "
                + "g * 1.5 AS x, now() AS at FROM generate_series(1, 30000) g");
        AtomicInteger inFlight = new AtomicInteger();
        List<String> announced = Collections.synchronizedList(new ArrayList<>());
        Set<String> writers = ConcurrentHashMap.newKeySet();
        ParquetFileListener listener = (output, file, rows) -> {
            assertEquals(1, inFlight.incrementAndGet(), "two files announced at once");
            try {
                writers.add(Thread.currentThread().getName());
                announced.add(file.getFileName().toString());
                Thread.sleep(5); // a window in which an overlapping announcement would be seen
            } finally {
                inFlight.decrementAndGet();
            }
        };
        TableRequest request = TableRequest.full("public", "wide", "raw.wide");
        TableSnapshot parts = new PostgresSnapshot(new Watch(), 256 << 10, 1).snapshot(info, List.of(request), dir(), settings(1), listener)
                .table(request.output());
        SnapshotSettings oneWriter = new SnapshotSettings("256MB", 1, work.resolve("spill"), 1);
        TableSnapshot whole = snapshot(new Watch(), request, dir(), oneWriter);

        List<String> names = parts.parquetFiles().stream().map(f -> f.getFileName().toString()).toList();
        assertTrue(names.size() > 4, "parts: " + names);
        assertEquals(IntStream.range(0, names.size()).mapToObj(i -> String.format("part-%05d.parquet", i)).toList(), names);
        assertEquals(names, announced.stream().sorted().toList(), "each file announced once");
        // settings(1)'s two writers, and the spare that takes a part whenever theirs is full
        assertTrue(writers.size() >= 2 && writers.size() <= 3, "announced by the writers that wrote them: " + writers);
        assertEquals(30000, parts.rows());
        assertEquals("0 only in the first, 0 only in the second, 30000 and 30000 rows", difference(whole.parquetFiles(), parts.parquetFiles()));
    }

    @Test
    void aFileBeingFinishedDoesNotHoldUpTheNextPart() throws Exception {
        // narrow rows: one writer fills parts; while it is still held by the first file (here by the
        // listener, as it can be by the file's close), the next part must already be taking batches
        pg.execute("CREATE TABLE narrow AS SELECT g AS id, g % 7 AS k FROM generate_series(1, 60000) g");
        List<Boolean> nextPartBegun = Collections.synchronizedList(new ArrayList<>());
        ParquetFileListener listener = (output, file, rows) -> {
            if (nextPartBegun.isEmpty()) {
                long deadline = System.nanoTime() + 10_000_000_000L;
                boolean begun;
                while (!(begun = parquetFiles(file.getParent()) >= 2) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                nextPartBegun.add(begun);
            }
        };
        TableRequest request = TableRequest.full("public", "narrow", "raw.narrow");
        TableSnapshot parts = new PostgresSnapshot(new Watch(), 64 << 10, 1).snapshot(info, List.of(request), dir(), settings(1), listener)
                .table(request.output());

        assertEquals(List.of(true), nextPartBegun, "the next part's file was begun while the first was announced");
        assertTrue(parts.parquetFiles().size() > 2, "parts: " + parts.parquetFiles());
        assertEquals(60000, parts.rows());
        Parity.assertSameRows(pg, "narrow", null, parts.parquetFiles(), "id", List.of(Parity.Col.of("id", Parity.Canon.TEXT), Parity.Col.of("k", Parity.Canon.TEXT)));
    }

    private static long parquetFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).count();
        }
    }

    @Test
    void rowsCommittedDuringTheReadAreSeenByNoRange() throws Exception {
        pg.execute("CREATE TABLE moving AS SELECT * FROM events");
        Watch watch = new Watch() {
            @Override
            public void snapshotTaken() {
                super.snapshotTaken();
                // after the snapshot: new rows on new pages, and new versions of old rows (the old ones stay visible to it)
                pg.execute("INSERT INTO moving SELECT g, now(), 'late' FROM generate_series(100001, 103000) g;"
                        + "UPDATE moving SET payload = 'changed' WHERE id % 7 = 0; DELETE FROM moving WHERE id % 11 = 0");
            }
        };
        TableSnapshot t = snapshot(watch, TableRequest.full("public", "moving", "raw.moving"), dir(), settings(4));

        assertEquals(4 * RangePlanner.RUNS_PER_CONNECTION, watch.ranges.get(0).size());
        assertEquals(20000, t.rows());
        try (Connection d = Parity.duck(); Statement s = d.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT id), max(id), count(*) FILTER (WHERE payload IN ('late', 'changed')) FROM "
                     + files(t.parquetFiles()))) {
            rs.next();
            assertEquals(20000, rs.getLong(1), "every row once");
            assertEquals(20000, rs.getLong(2), "no row inserted after the snapshot");
            assertEquals(0, rs.getLong(3), "no version written after the snapshot");
        }
    }

    @Test
    void incrementalReadsInRangesGiveTheSameRowsAndWatermarks() throws Exception {
        List<TableRequest> requests = List.of(
                TableRequest.incremental("public", "events", "raw.first", "at", Optional.empty()),
                TableRequest.incremental("public", "events", "raw.next", "at", Optional.of("2026-01-01 02:00:00+00")),
                TableRequest.range("public", "events", "raw.range", "at", Optional.of("2026-01-01 01:00:00+00"), "2026-01-01 03:00:00+00"),
                TableRequest.incremental("public", "events", "raw.none", "at", Optional.of("2026-01-02 00:00:00+00")));
        for (TableRequest request : requests) {
            assertEquals(3 * RangePlanner.RUNS_PER_CONNECTION, readsAsOne(request).ranges.get(0).size(), request.output());
        }
        TableSnapshot first = snapshot(new Watch(), requests.get(0), dir(), settings(3));
        assertEquals(Optional.of("2026-01-01 05:33:20+00"), first.newWatermark(), "the greatest over all ranges");
        assertEquals(20000, first.rows(), "a first read takes the NULL watermarks too");
        assertEquals(3600 * 2 - 3600 * 2 / 97, snapshot(new Watch(), requests.get(2), dir(), settings(3)).rows());
    }

    @Test
    void aFailureInOneRangeFailsTheSnapshotNamingTheTableAndLeavesNoFile() throws Exception {
        pg.execute("CREATE TABLE amounts (id int, amount numeric(10,2));"
                + "INSERT INTO amounts SELECT g, g / 100.0 FROM generate_series(1, 20000) g;"
                + "INSERT INTO amounts VALUES (20001, 'NaN')"); // on the last page: only the last range meets it
        Path dir = dir();
        Watch watch = new Watch();
        SnapshotException e = assertThrows(SnapshotException.class, () -> new PostgresSnapshot(watch, PostgresSnapshot.PART_BYTES, 1)
                .snapshot(info, List.of(TableRequest.full("public", "events", "raw.events"), TableRequest.full("public", "amounts", "raw.amounts")),
                        dir, settings(3)));

        assertEquals(3 * RangePlanner.RUNS_PER_CONNECTION, watch.ranges.get(1).size());
        assertEquals(Optional.of("\"public\".\"amounts\""), e.table());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        try (Stream<Path> left = Files.walk(dir)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList(),
                    "raw.events was complete, but a failed snapshot leaves no table behind");
        }
    }

    @Test
    void aDuckDbThatCannotStartFailsTheSnapshotWithItsReasonAndLeavesNoSessionOpen() throws Exception {
        // DuckDB starts after the connections are open; its spill directory under a regular file cannot be made.
        Path file = Files.createDirectories(work).resolve("not-a-directory");
        Files.writeString(file, "x");
        SnapshotSettings cannotSpill = new SnapshotSettings("256MB", 2, file.resolve("spill"), 2);

        SnapshotException e = assertThrows(SnapshotException.class,
                () -> snapshot(new Watch(), TableRequest.full("public", "every_type", "raw.every_type"), dir(), cannotSpill));

        assertTrue(e.getMessage().startsWith("I/O"), e.getMessage());
        assertEquals(0, SnapshotSessions.settled(pg, SnapshotSessions.ALL, 0),
                "the leader and the worker that imported the snapshot are closed");
    }

    @Test
    void neverMoreConnectionsThanTheCapNorMoreRangesThanPagesWarrant() {
        Watch capped = new Watch();
        TableSnapshot t = snapshot(capped, TableRequest.full("public", "events", "raw.events"), dir(), settings(2));
        assertEquals(20000, t.rows());
        assertEquals(2 * RangePlanner.RUNS_PER_CONNECTION, capped.ranges.get(0).size());
        assertEquals(2, capped.backends, "never more connections than the cap, whatever the ranges");

        pg.execute("CREATE TABLE tiny AS SELECT g AS id FROM generate_series(1, 10) g");
        Watch small = new Watch();
        TableSnapshot tiny = new PostgresSnapshot(small).snapshot(info, List.of(TableRequest.full("public", "tiny", "raw.tiny")), dir(), settings(4))
                .table("raw.tiny");
        assertEquals(10, tiny.rows());
        assertEquals(List.of(List.of(TableRange.WHOLE)), small.ranges, "one page: one range");
        assertEquals(1, small.backends, "one table read whole: one connection");
    }

    @Test
    void theDegreeIsOnePerProcessorAtLeastTwoNeverPastTheCap() {
        assertEquals(1, SnapshotSettings.degree(1));
        int processors = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(32, Math.max(2, processors)), SnapshotSettings.degree(32));
        assertEquals(Math.min(4, Math.max(2, processors)), SnapshotSettings.degree(4));
        assertThrows(IllegalArgumentException.class, () -> SnapshotSettings.degree(0));
    }

    /**
     * A partitioned table is shared out by its leaves, each read whole under UNION ALL, the
     * columns by name: the same rows as one read of the table, full and incremental.
     */
    @Test
    void aPartitionedTableIsReadByItsLeavesOverSeveralConnections() throws Exception {
        for (TableRequest request : List.of(TableRequest.full("public", "parted", "raw.parted"),
                TableRequest.incremental("public", "parted", "raw.parted_next", "at", Optional.of("2026-01-03 00:00:00+00")))) {
            Watch watch = readsAsOne(request);
            List<TableRange> ranges = watch.ranges.get(0);
            assertEquals(3, ranges.size(), "ranges planned: " + ranges);
            List<String> parts = ranges.stream().flatMap(r -> r.leaves().stream()).map(TableRange.LeafPart::leaf).toList();
            assertEquals(List.of("public.parted_1", "public.parted_1", "public.parted_2a", "public.parted_2b", "public.parted_3", "public.parted_default"),
                    parts.stream().sorted().toList(), "every leaf, the largest (more than a connection's share) in two runs of pages: " + ranges);
            assertEquals(3, watch.backends, "connections reading");
        }
        assertEquals(9000, snapshot(new Watch(), TableRequest.full("public", "parted", "raw.all"), dir(), settings(3)).rows());
    }

    /**
     * A table partitioned by inheritance (its heap nearly empty, a child with a column and a child
     * of its own) is shared out by the tables of its tree, each read ONLY: the rows of one read.
     */
    @Test
    void aTableWithInheritanceChildrenIsReadByItsTablesEachOnce() throws Exception {
        pg.execute("CREATE TABLE readings (id bigint, at timestamptz, v text); CREATE TABLE readings_2025 () INHERITS (readings);"
                + "CREATE TABLE readings_2026 (sensor int) INHERITS (readings);"
                + "CREATE TABLE readings_2026_late () INHERITS (readings_2026);"
                + "INSERT INTO readings SELECT g, timestamptz '2024-06-01 00:00:00+00' + g * interval '1 minute', 'own' || g FROM generate_series(1, 50) g;"
                + "INSERT INTO readings_2025 SELECT g, timestamptz '2025-01-01 00:00:00+00' + g * interval '1 minute', repeat(md5(g::text), 2) "
                + "FROM generate_series(1000, 9000) g;"
                + "INSERT INTO readings_2026 SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute', md5(g::text), g % 7 "
                + "FROM generate_series(10000, 14000) g;"
                + "INSERT INTO readings_2026_late SELECT g, timestamptz '2026-06-01 00:00:00+00' + g * interval '1 minute', NULL, NULL "
                + "FROM generate_series(20000, 22000) g");
        for (TableRequest request : List.of(TableRequest.full("public", "readings", "raw.readings"),
                TableRequest.incremental("public", "readings", "raw.readings_next", "at", Optional.of("2025-01-03 00:00:00+00")))) {
            List<TableRange> ranges = readsAsOne(request).ranges.get(0);
            assertEquals(3, ranges.size(), "ranges planned: " + ranges);
            assertEquals(List.of("ONLY public.readings", "ONLY public.readings_2025", "ONLY public.readings_2026", "ONLY public.readings_2026_late"),
                    ranges.stream().flatMap(r -> r.leaves().stream()).map(TableRange.LeafPart::leaf).distinct().sorted().toList(),
                    "every table of the tree, each alone: " + ranges);
        }
        assertEquals(50 + 8001 + 4001 + 2001, snapshot(new Watch(), TableRequest.full("public", "readings", "raw.all"), dir(), settings(3)).rows());
        pg.execute("ALTER TABLE readings_2026_late ENABLE ROW LEVEL SECURITY"); // read through the parent, as one read would
        Watch guarded = new Watch();
        assertEquals(14053, snapshot(guarded, TableRequest.full("public", "readings", "raw.guarded"), dir(), settings(3)).rows());
        assertEquals(List.of(List.of(TableRange.WHOLE)), guarded.ranges);
    }

    /** Where reading the leaves could differ from reading the table (row-level security on a leaf), it is read whole. */
    @Test
    void aPartitionedTableWithRowSecurityOnALeafIsReadWhole() throws Exception {
        pg.execute("CREATE TABLE guarded (id bigint, v text) PARTITION BY LIST (v);"
                + "CREATE TABLE guarded_a PARTITION OF guarded FOR VALUES IN ('a');"
                + "CREATE TABLE guarded_b PARTITION OF guarded FOR VALUES IN ('b');"
                + "INSERT INTO guarded SELECT g, CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END FROM generate_series(1, 4000) g;"
                + "ALTER TABLE guarded_b ENABLE ROW LEVEL SECURITY");
        Watch watch = new Watch();
        TableSnapshot whole = snapshot(watch, TableRequest.full("public", "guarded", "raw.guarded"), dir(), settings(3));
        assertEquals(List.of(List.of(TableRange.WHOLE)), watch.ranges);
        assertEquals(4000, whole.rows());
    }
}
