package io.freshet.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * Two writers (the live path and a backfill) commit different partitions of one table at the same
 * time, starting before the table exists: every partition lands, once, and every commit is in the
 * table's history. The JDBC catalog refuses a commit whose base metadata is no longer current;
 * Iceberg re-applies it on the new metadata (TableSetup's retry properties).
 */
class ConcurrentCommitTest {

    private static final int WRITERS = 2;
    private static final int PARTITIONS_EACH = 6;

    @Test
    void twoWritersCommittingPartitionsOfOneTableAtOnceLoseNothing() throws Exception {
        try (Lake lake = new Lake(); LakeTables tables = new LakeTables(lake.config, Lake.STACK)) {
            List<List<PartitionOutput>> work = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                List<PartitionOutput> outputs = new ArrayList<>();
                for (int p = 0; p < PARTITIONS_EACH; p++) {
                    String date = "2026-11-%02d".formatted(1 + w * PARTITIONS_EACH + p);
                    String run = "w" + w + "-p" + p;
                    int rows = 1 + w * PARTITIONS_EACH + p;
                    outputs.add(new PartitionOutput("core.busy", "date", date, List.of(lake.trips("core.busy", date, run, 1, rows)), run, 1));
                }
                work.add(outputs);
            }
            CyclicBarrier start = new CyclicBarrier(WRITERS);
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<List<Long>>> results = new ArrayList<>();
            for (List<PartitionOutput> outputs : work) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> ids = new ArrayList<>();
                    for (PartitionOutput o : outputs) {
                        ids.add(tables.commit(o));
                    }
                    return ids;
                }));
            }
            Set<Long> committed = new HashSet<>();
            for (Future<List<Long>> r : results) {
                committed.addAll(r.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();

            Table table = tables.table("core.busy").orElseThrow();
            Set<Long> history = new HashSet<>();
            for (Snapshot s : SnapshotUtil.ancestorsOf(table.currentSnapshot().snapshotId(), table::snapshot)) {
                history.add(s.snapshotId());
            }
            assertEquals(WRITERS * PARTITIONS_EACH, committed.size());
            assertEquals(committed, history);
            int total = 0;
            for (int day = 1; day <= WRITERS * PARTITIONS_EACH; day++) {
                assertEquals(day, LakeTablesTest.onlyFile(table, "2026-11-%02d".formatted(day)).recordCount());
                total += day;
            }
            assertEquals(Integer.toString(total), table.currentSnapshot().summary().get("total-records"));
            // Each attempt writes a metadata file before the catalog's compare-and-swap; the JDBC
            // catalog leaves a losing attempt's file behind, so the surplus counts the retries.
            long written = lake.s3.client().listObjectsV2Paginator(b -> b.bucket(Lake.BUCKET).prefix("tables/"))
                    .contents().stream().filter(o -> o.key().endsWith(".metadata.json")).count();
            System.out.printf("%d commits, %d metadata versions, %d metadata files written (the surplus: attempts that lost a race)%n",
                    committed.size(), WRITERS * PARTITIONS_EACH + 1, written);
        }
    }
}
