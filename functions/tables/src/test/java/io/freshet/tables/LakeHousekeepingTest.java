package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Housekeeping on a real lake (S3Proxy, the JDBC catalog on PostgreSQL, DuckDB's Parquet): time is
 * moved forward by the clock housekeeping is given, since S3's last-modified times cannot be.
 */
class LakeHousekeepingTest {

    static final String ASSET = "core.house";
    static final Duration RETENTION = LakeHousekeeping.DEFAULT_RETENTION;

    static Lake lake;
    static LakeTables tables;
    static Connection duckdb;

    @TempDir
    Path downloads;

    @BeforeAll
    static void start() throws Exception {
        lake = new Lake();
        tables = new LakeTables(lake.config, Lake.STACK);
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            duckdb.close();
            tables.close();
        } finally {
            lake.close();
        }
    }

    /** The files and snapshots of the history the test builds. */
    record History(String a1, String a3, String a4, String a6, String oldOrphan, String freshOrphan, long protectedSnapshot,
                   Instant split) {
    }

    /**
     * Old: three runs of one day (each replacing it), another day, and a killed attempt's file;
     * then, after {@code split}: the day again, a third day, and a running attempt's upload.
     */
    private History history() throws InterruptedException {
        String a1 = commit("2026-11-20", "r1", 1, 3);
        commit("2026-11-21", "r2", 1, 4);
        String a3 = commit("2026-11-20", "r3", 1, 5);
        long protectedSnapshot = tables.table(ASSET).orElseThrow().currentSnapshot().snapshotId();
        String a4 = commit("2026-11-20", "r4", 1, 2);
        String oldOrphan = trips(ASSET, "2026-11-20", "r5", 1, 9);
        Thread.sleep(1_100); // S3 may keep last-modified times to the second
        Instant split = Instant.now();
        Thread.sleep(1_100);
        String a6 = commit("2026-11-20", "r6", 1, 6);
        commit("2026-11-22", "r7", 1, 2);
        String freshOrphan = trips(ASSET, "2026-11-22", "r8", 1, 9);
        return new History(a1, a3, a4, a6, oldOrphan, freshOrphan, protectedSnapshot, split);
    }

    @Test
    void expiresOldSnapshotsAndDeletesOldOrphansButKeepsProtectedSnapshotsAndFreshFiles() throws Exception {
        History h = history();
        Table table = tables.table(ASSET).orElseThrow();
        assertEquals("s3://" + Lake.BUCKET + "/" + location(ASSET), table.location());
        Map<String, String> currentRows = rows(table, table.currentSnapshot());
        Map<String, String> protectedRows = rows(table, table.snapshot(h.protectedSnapshot()));
        assertEquals(Map.of("2026-11-20", "6 rows, ids sum 21", "2026-11-21", "4 rows, ids sum 10",
                "2026-11-22", "2 rows, ids sum 3"), currentRows);
        assertEquals(Map.of("2026-11-20", "5 rows, ids sum 15", "2026-11-21", "4 rows, ids sum 10"), protectedRows);
        List<Snapshot> snapshots = snapshots(table);
        assertEquals(6, snapshots.size());
        // The two snapshots before the protected one expire; their manifest lists and the manifests
        // only they used go with them, as do the day's first file and the killed attempt's file.
        Set<String> expected = new TreeSet<>(Set.of(key(h.a1()), key(h.oldOrphan())));
        expected.addAll(onlyIn(table, snapshots.subList(0, 2), snapshots.subList(2, 6)));

        // Housekeeping three days after the split: the split is the retention's start.
        LakeHousekeeping housekeeping = new LakeHousekeeping(tables, RETENTION, Clock.fixed(h.split().plus(RETENTION), ZoneOffset.UTC));
        Set<Long> protectedIds = Set.of(h.protectedSnapshot(), 42L);
        Map<String, FileInfo> before = listing(ASSET);
        HousekeepingReport planned = housekeeping.dryRun(ASSET, protectedIds).orElseThrow();
        assertEquals(before.keySet(), listing(ASSET).keySet(), "a dry run deletes nothing");
        assertEquals(6, snapshots(tables.table(ASSET).orElseThrow()).size(), "a dry run expires nothing");

        long started = System.nanoTime();
        HousekeepingReport report = housekeeping.run(ASSET, protectedIds).orElseThrow();
        System.out.printf("housekeeping took %d ms%n", (System.nanoTime() - started) / 1_000_000);
        Map<String, FileInfo> after = listing(ASSET);
        assertReport(report, before, after, expected);
        assertEquals(List.of(snapshots.get(0).snapshotId(), snapshots.get(1).snapshotId()), report.expiredSnapshots());
        assertEquals(Set.of(42L), report.unknownProtected());
        assertEquals(report.expiredSnapshots(), planned.expiredSnapshots(), "the dry run said exactly that");
        assertEquals(report.filesDeleted(), planned.filesDeleted());
        assertEquals(report.bytesDeleted(), planned.bytesDeleted());

        table.refresh();
        assertEquals(4, snapshots(table).size());
        assertEquals(currentRows, rows(table, table.currentSnapshot()));
        assertEquals(protectedRows, rows(table, table.snapshot(h.protectedSnapshot())), "the protected snapshot reads by time travel");
        for (String kept : List.of(h.a3(), h.a4(), h.a6(), h.freshOrphan())) {
            assertTrue(after.containsKey(key(kept)), kept + " is kept");
        }
        assertFalse(after.containsKey(key(h.oldOrphan())));

        HousekeepingReport again = housekeeping.run(ASSET, protectedIds).orElseThrow();
        assertEquals(List.of(), again.expiredSnapshots());
        assertEquals(0, again.filesDeleted());
        assertEquals(after.keySet(), listing(ASSET).keySet(), "a second housekeeping deletes nothing");
    }

    @Test
    void withoutProtectionOnlyTheCurrentSnapshotStaysAndMetadataFilesThatLeftTheLogGo() throws Exception {
        String asset = "core.unprotected";
        String first = commit(asset, "2026-11-20", "r1", 1, 3);
        Table table = tables.table(asset).orElseThrow();
        table.updateProperties().set(TableProperties.METADATA_PREVIOUS_VERSIONS_MAX, "2").commit();
        commit(asset, "2026-11-21", "r2", 1, 4);
        String current = commit(asset, "2026-11-20", "r3", 1, 5);
        String orphan = trips(asset, "2026-11-20", "r4", 1, 9);
        String notes = location(asset) + "/notes.txt";
        lake.s3.client().putObject(b -> b.bucket(Lake.BUCKET).key(notes), RequestBody.fromString("a file a user put there"));
        Thread.sleep(1_100); // S3 may keep last-modified times to the second
        Instant split = Instant.now();
        table.refresh();
        Map<String, String> rows = rows(table, table.currentSnapshot());
        assertEquals(Map.of("2026-11-20", "5 rows, ids sum 15", "2026-11-21", "4 rows, ids sum 10"), rows);
        Map<String, FileInfo> before = listing(asset);

        HousekeepingReport report = new LakeHousekeeping(tables, RETENTION, Clock.fixed(split.plus(RETENTION), ZoneOffset.UTC))
                .run(asset, Set.of()).orElseThrow();
        Map<String, FileInfo> after = listing(asset);
        System.out.println("housekeeping: " + report.summary());
        table.refresh();
        assertEquals(2, report.expiredSnapshots().size());
        assertEquals(List.of(table.currentSnapshot()), snapshots(table));
        assertEquals(rows, rows(table, table.currentSnapshot()));
        assertFalse(after.containsKey(key(first)));
        assertFalse(after.containsKey(key(orphan)));
        assertTrue(after.containsKey(key(current)));
        assertTrue(after.containsKey(Lake.BUCKET + "/" + notes), "a file that is not a table's is kept");
        // Six metadata files were written (create, three commits, the property, the expiry); the
        // log keeps two besides the current one: the three older ones are gone.
        Set<String> log = new TreeSet<>();
        TableMetadata metadata = ((HasTableOperations) table).operations().current();
        log.add(key(metadata.metadataFileLocation()));
        metadata.previousFiles().forEach(f -> log.add(key(f.file())));
        assertEquals(3, log.size());
        assertEquals(5, metadataFiles(before).size());
        assertEquals(log, metadataFiles(after));
        assertTrue(new LakeHousekeeping(tables).run("core.nothing", Set.of()).isEmpty(), "an asset without a table has nothing to keep");
    }

    private static Set<String> metadataFiles(Map<String, FileInfo> listing) {
        return listing.keySet().stream().filter(k -> k.endsWith(".metadata.json")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Exactly the expected files went, the report counts them, and the lake shrank by them. */
    private static void assertReport(HousekeepingReport report, Map<String, FileInfo> before, Map<String, FileInfo> after,
                                     Set<String> expected) {
        System.out.println("housekeeping: " + report.summary());
        System.out.printf("lake under %s: %d files, %d bytes before; %d files, %d bytes after%n",
                report.location(), before.size(), bytes(before.values()), after.size(), bytes(after.values()));
        Set<String> deleted = new TreeSet<>(before.keySet());
        deleted.removeAll(after.keySet());
        deleted.forEach(d -> System.out.println("deleted: " + d));
        assertEquals(expected, deleted);
        long deletedBytes = bytes(before.entrySet().stream().filter(e -> deleted.contains(e.getKey())).map(Map.Entry::getValue).toList());
        assertEquals(deleted.size(), report.filesDeleted());
        assertEquals(deletedBytes, report.bytesDeleted());
        assertEquals(0, report.deleteFailures());
        assertEquals(bytes(before.values()), report.bytesBefore());
        assertEquals(bytes(after.values()), report.bytesAfter());
        // The expiry's commit wrote one metadata file: the rest of the difference is what was deleted.
        Set<String> added = new TreeSet<>(after.keySet());
        added.removeAll(before.keySet());
        assertEquals(1, added.size(), added.toString());
        String metadata = added.iterator().next();
        assertTrue(metadata.endsWith(".metadata.json"), metadata);
        assertEquals(bytes(before.values()) - deletedBytes + after.get(metadata).size(), bytes(after.values()));
        assertTrue(bytes(after.values()) < bytes(before.values()), "the lake shrank");
    }

    private static String commit(String date, String run, int from, int to) {
        return commit(ASSET, date, run, from, to);
    }

    private static String commit(String asset, String date, String run, int from, int to) {
        String file = trips(asset, date, run, from, to);
        tables.commit(new PartitionOutput(asset, "date", date, List.of(file), run, 1));
        return file;
    }

    /** The table's location (the JDBC catalog's default: warehouse/namespace/table), where the runs write. */
    static String location(String asset) {
        return "tables/freshet_test/" + asset.replace('.', '_');
    }

    /** A run's Parquet file of one day under the table's location, as the runner writes it. */
    private static String trips(String asset, String date, String run, int from, int to) {
        return lake.write(location(asset) + "/date=" + date + "/run=" + run + "/attempt=1/part-0.parquet", "SELECT i::INTEGER AS id, DATE '"
                + date + "' AS date, i * 10 AS fare, 'station-' || i AS station FROM range(" + from + ", " + (to + 1) + ") t(i)");
    }

    private static String key(String location) {
        return TableFiles.key(location);
    }

    /** Every object under the table's location, by key without scheme. */
    private static Map<String, FileInfo> listing(String asset) {
        Map<String, FileInfo> files = new TreeMap<>();
        lake.s3.client().listObjectsV2Paginator(b -> b.bucket(Lake.BUCKET).prefix(location(asset) + "/")).contents()
                .forEach(o -> files.put(Lake.BUCKET + "/" + o.key(), new FileInfo(o.key(), o.size(), o.lastModified().toEpochMilli())));
        return files;
    }

    private static long bytes(Iterable<FileInfo> files) {
        long sum = 0;
        for (FileInfo f : files) {
            sum += f.size();
        }
        return sum;
    }

    private static List<Snapshot> snapshots(Table table) {
        List<Snapshot> all = new ArrayList<>();
        table.snapshots().forEach(all::add);
        return all;
    }

    /** The manifest lists of {@code gone} and the manifests only they use. */
    private static Set<String> onlyIn(Table table, List<Snapshot> gone, List<Snapshot> kept) {
        Set<String> keptManifests = new HashSet<>();
        kept.forEach(s -> s.allManifests(table.io()).forEach(m -> keptManifests.add(key(m.path()))));
        Set<String> files = new TreeSet<>();
        for (Snapshot s : gone) {
            files.add(key(s.manifestListLocation()));
            s.allManifests(table.io()).stream().map(ManifestFile::path).map(LakeHousekeepingTest::key)
                    .filter(m -> !keptManifests.contains(m)).forEach(files::add);
        }
        return files;
    }

    /**
     * Reads a snapshot as a reader would: plans its files, downloads each through the table's
     * FileIO (it fails if one is gone) and lets DuckDB count the rows of each day.
     */
    private Map<String, String> rows(Table table, Snapshot snapshot) throws IOException, SQLException {
        List<String> local = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                Path file = downloads.resolve("f" + local.size() + "-" + snapshot.snapshotId() + ".parquet");
                try (InputStream in = table.io().newInputFile(task.file().location()).newStream()) {
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                } catch (UncheckedIOException e) {
                    throw new AssertionError(task.file().location() + " of snapshot " + snapshot.snapshotId() + " is gone", e);
                }
                local.add("'" + file + "'");
            }
        }
        Map<String, String> rows = new TreeMap<>();
        try (Statement s = duckdb.createStatement(); ResultSet r = s.executeQuery("SELECT date::VARCHAR, count(*), sum(id) FROM read_parquet(["
                + local.stream().collect(Collectors.joining(", ")) + "]) GROUP BY 1")) {
            while (r.next()) {
                rows.put(r.getString(1), r.getLong(2) + " rows, ids sum " + r.getLong(3));
            }
        }
        return rows;
    }
}
