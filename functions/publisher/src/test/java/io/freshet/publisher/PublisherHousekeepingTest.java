package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.RIDES;
import static io.freshet.publisher.PublisherWorld.STATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.tables.HousekeepingReport;

/**
 * The publisher's housekeeping on a lake its own publications built (S3Proxy, the JDBC catalog,
 * DynamoDB Local): three runs replaced one day, a killed attempt left its files, and a run of the
 * consumer {@code summary} still waits to read the second run's rides. The clock housekeeping is
 * given moves past the retention instead of waiting (S3's last-modified times cannot be moved).
 */
class PublisherHousekeepingTest {

    /** Shorter than the default, to show the publisher housekeeps with the retention it is given. */
    static final Duration RETENTION = Duration.ofHours(5);

    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = PublisherLake.start();
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    /** The lake of the test: what each run published, the killed attempt's files, the protected snapshot. */
    record History(Run r1, Run r2, Run r3, Set<String> orphans, AssetEvent consumed, Run consumer, Instant split) {
    }

    private static History history(PublisherWorld w, PublisherService publisher) throws InterruptedException {
        Run r1 = w.staged("r1", 3);
        assertEquals(RunState.SUCCEEDED, publisher.publish(r1.runId()));
        Run r2 = w.staged("r2", 4);
        assertEquals(RunState.SUCCEEDED, publisher.publish(r2.runId()));
        // r3's first attempt uploads both files and dies; its lease runs out, the second attempt publishes.
        Run r3 = w.run("r3");
        Set<String> orphans = new TreeSet<>();
        int killed = w.startAttempt(r3);
        w.upload(r3, killed, Map.of(RIDES, PublisherWorld.rides(9), STATIONS, PublisherWorld.stations()))
                .forEach(e -> orphans.add(w.key(e.objects().get(0))));
        w.clock.advance(PublisherWorld.LEASE.plusSeconds(1));
        int second = w.startAttempt(r3);
        w.stage(r3, second, w.upload(r3, second, Map.of(RIDES, PublisherWorld.rides(5), STATIONS, PublisherWorld.stations())));
        assertEquals(RunState.SUCCEEDED, publisher.publish(r3.runId()));
        AssetEvent consumed = w.store.events().event(Ids.runOutput(r2.runId(), RIDES)).orElseThrow();
        Run consumer = w.consumerRun("summary", consumed);
        Thread.sleep(1_100); // S3 may keep last-modified times to the second
        Instant split = Instant.now();
        Thread.sleep(1_100);
        return new History(r1, r2, r3, orphans, consumed, consumer, split);
    }

    @Test
    void expiresOldSnapshotsAndDeletesTheOrphansButKeepsWhatAnActiveRunReads() throws Exception {
        PublisherWorld w = lake.world();
        PublisherService publisher = w.publisher(FaultPoints.NONE, w.announcer(), RETENTION);
        History h = history(w, publisher);
        long protectedSnapshot = Long.parseLong(h.consumed().metadata().get(TableMetadata.SNAPSHOT));
        List<Long> rides = snapshotIds(w, RIDES);
        List<Long> stations = snapshotIds(w, STATIONS);
        assertEquals(3, rides.size());
        assertEquals(rides.get(1), protectedSnapshot);
        Map<String, Long> before = w.listing("core/");
        assertTrue(before.keySet().containsAll(h.orphans()), "the killed attempt's files are in the lake");

        w.clock.set(h.split().plus(RETENTION));
        HousekeepingRound round = publisher.housekeep();

        Map<String, Long> after = w.listing("core/");
        System.out.println("housekeeping: " + round.totals());
        round.reports().forEach(r -> System.out.println("housekeeping: " + r.summary()));
        assertEquals(Map.of(), round.failures());
        assertEquals(List.of(w.tables.identifier(RIDES).toString(), w.tables.identifier(STATIONS).toString()),
                round.reports().stream().map(HousekeepingReport::table).toList(), "mart.summary has no table yet");
        HousekeepingReport ridesReport = round.reports().get(0);
        HousekeepingReport stationsReport = round.reports().get(1);
        assertEquals(List.of(rides.get(0)), ridesReport.expiredSnapshots(), "the snapshot before the protected one expires");
        assertEquals(stations.subList(0, 2), stationsReport.expiredSnapshots(), "nothing protects the stations' snapshots");
        assertEquals(List.of(rides.get(1), rides.get(2)), snapshotIds(w, RIDES));
        assertEquals(List.of(stations.get(2)), snapshotIds(w, STATIONS));

        for (String orphan : h.orphans()) {
            assertFalse(after.containsKey(orphan), orphan + " (the killed attempt's) is deleted");
        }
        assertGone(w, after, h.r1(), RIDES);
        assertGone(w, after, h.r1(), STATIONS);
        assertGone(w, after, h.r2(), STATIONS);
        assertKept(w, after, h.r2(), RIDES); // the consumer's input, by its snapshot
        assertEquals(new TreeSet<>(h.consumed().objects()), PublisherServiceTest.filesOfDay(w.table(RIDES), protectedSnapshot),
                "the protected snapshot still reads the consumed event's files");
        assertKept(w, after, h.r3(), RIDES);
        assertKept(w, after, h.r3(), STATIONS);

        assertSizes(ridesReport, w.listing("core/rides/"), before, "core/rides/");
        assertSizes(stationsReport, w.listing("core/stations/"), before, "core/stations/");
        assertEquals(sum(before), round.totals().get("bytesBefore"));
        assertEquals(sum(after), round.totals().get("bytesAfter"));
        assertTrue(sum(after) < sum(before), "the lake shrank");
        assertReportLogged(w, RIDES, ridesReport, List.of(protectedSnapshot));
        assertReportLogged(w, STATIONS, stationsReport, List.of());

        // Once the consumer ended, its snapshot protects nothing: the next housekeeping expires it.
        w.store.runs().finishUnfenced(h.consumer().runId(), RunState.FAILED, "the test ended it");
        HousekeepingReport later = publisher.housekeep().reports().get(0);
        assertEquals(List.of(protectedSnapshot), later.expiredSnapshots());
        assertGone(w, w.listing("core/"), h.r2(), RIDES);
        assertEquals(List.of(rides.get(2)), snapshotIds(w, RIDES));
    }

    @Test
    void aTableThatCannotBeHousekeptFailsTheRoundAfterTheOthersWereHousekept() {
        PublisherWorld w = lake.world();
        PublisherService publisher = w.publisher(FaultPoints.NONE, w.announcer(), RETENTION);
        assertEquals(RunState.SUCCEEDED, publisher.publish(w.staged("r1", 2).runId()));
        // mart.summary's table is broken: the catalog names a metadata file that is gone.
        Table broken = w.tables.catalog().createTable(w.tables.identifier("mart.summary"),
                new Schema(Types.NestedField.required(1, "fares", Types.LongType.get())));
        String metadata = ((HasTableOperations) broken).operations().current().metadataFileLocation();
        lake.s3.client().deleteObject(b -> b.bucket(w.bucket).key(w.key(metadata)));

        HousekeepingRound round = publisher.housekeep();

        assertEquals(Set.of("mart.summary"), round.failures().keySet(), round.failures().toString());
        assertEquals(2, round.reports().size(), "core.rides and core.stations were housekept all the same");
        assertEquals(List.of("mart.summary"), round.totals().get("failedAssets"));
        assertTrue(w.logLines().stream().anyMatch(l -> l.path("level").asText().equals("ERROR")
                && l.path("message").asText().equals("table housekeeping failed") && l.path("asset").asText().equals("mart.summary")));
        HousekeepingFailedException failed = assertThrows(HousekeepingFailedException.class, () -> new PublisherHandler(publisher)
                .handleRequest(new ByteArrayInputStream("{\"housekeeping\": true}".getBytes(StandardCharsets.UTF_8)),
                        new ByteArrayOutputStream(), null));
        assertTrue(failed.getMessage().contains("mart.summary"), failed.getMessage());
    }

    private static void assertGone(PublisherWorld w, Map<String, Long> listing, Run run, String asset) {
        String key = w.key(w.store.events().event(Ids.runOutput(run.runId(), asset)).orElseThrow().objects().get(0));
        assertFalse(listing.containsKey(key), key + " (only expired snapshots read it) is deleted");
    }

    private static void assertKept(PublisherWorld w, Map<String, Long> listing, Run run, String asset) {
        String key = w.key(w.store.events().event(Ids.runOutput(run.runId(), asset)).orElseThrow().objects().get(0));
        assertTrue(listing.containsKey(key), key + " is kept");
    }

    /** The report's sizes are the table location's listing before and after. */
    private static void assertSizes(HousekeepingReport report, Map<String, Long> after, Map<String, Long> lakeBefore, String prefix) {
        Map<String, Long> before = new TreeMap<>(lakeBefore);
        before.keySet().removeIf(k -> !k.startsWith(prefix));
        assertEquals(before.size(), report.filesBefore(), report.summary());
        assertEquals(sum(before), report.bytesBefore(), report.summary());
        assertEquals(after.size(), report.filesAfter(), report.summary());
        assertEquals(sum(after), report.bytesAfter(), report.summary());
        Set<String> deleted = new HashSet<>(before.keySet());
        deleted.removeAll(after.keySet());
        new TreeSet<>(deleted).forEach(d -> System.out.println("deleted: " + d + " (" + before.get(d) + " bytes)"));
        assertEquals(deleted.size(), report.filesDeleted());
        assertEquals(deleted.stream().mapToLong(before::get).sum(), report.bytesDeleted());
    }

    private static void assertReportLogged(PublisherWorld w, String asset, HousekeepingReport report, List<Long> protectedSnapshots) {
        List<JsonNode> lines = w.logLines().stream()
                .filter(l -> l.path("message").asText().equals("table housekept") && l.path("asset").asText().equals(asset)).toList();
        JsonNode line = lines.get(0);
        assertEquals(report.table(), line.path("table").asText());
        assertEquals(report.bytesBefore(), line.path("bytesBefore").asLong());
        assertEquals(report.bytesAfter(), line.path("bytesAfter").asLong());
        assertEquals(report.filesDeleted(), line.path("filesDeleted").asInt());
        assertEquals(report.expiredSnapshots(), ids(line.path("expiredSnapshots")));
        assertEquals(protectedSnapshots, ids(line.path("protectedSnapshots")));
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> ids = new ArrayList<>();
        array.forEach(n -> ids.add(n.asLong()));
        return ids;
    }

    private static List<Long> snapshotIds(PublisherWorld w, String asset) {
        List<Long> ids = new ArrayList<>();
        for (Snapshot s : w.table(asset).snapshots()) {
            ids.add(s.snapshotId());
        }
        return ids;
    }

    private static long sum(Map<String, Long> listing) {
        return listing.values().stream().mapToLong(Long::longValue).sum();
    }
}
