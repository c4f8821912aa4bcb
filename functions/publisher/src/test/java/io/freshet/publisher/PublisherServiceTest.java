package io.freshet.publisher;

import static io.freshet.publisher.PublisherWorld.DAY;
import static io.freshet.publisher.PublisherWorld.RIDES;
import static io.freshet.publisher.PublisherWorld.STATIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadataParser;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.freshet.aws.Announcer;
import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.TableMetadata;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.tables.LakeTables;

/**
 * The publisher on DynamoDB Local, S3Proxy and the JDBC catalog on PostgreSQL, publishing what
 * DuckDB wrote: a run's outputs are all committed, then recorded, then announced; a publication
 * killed at any point and retried ends exactly as a clean one; an output that cannot be published
 * fails the run before any table changed.
 */
class PublisherServiceTest {

    static PublisherLake lake;

    @BeforeAll
    static void start() throws Exception {
        lake = PublisherLake.start();
    }

    @AfterAll
    static void stop() throws Exception {
        lake.close();
    }

    @Test
    void publishesBothOutputsThenRecordsThemThenAnnouncesThemOnce() {
        PublisherWorld w = lake.world();
        Run run = w.staged("clean", 5);
        List<String> seenAtCommits = new ArrayList<>();
        List<Boolean> bothCommittedWhenAnnounced = new ArrayList<>();
        Announcer announcer = w.announcer();
        Announcer checking = (type, json) -> {
            if (EventJson.ASSET_UPDATED.equals(type)) {
                bothCommittedWhenAnnounced.add(committed(w, RIDES, run) && committed(w, STATIONS, run)
                        && w.store.runs().recordedOutputs(run.runId()).isPresent());
            }
            announcer.announce(type, json);
        };
        FaultPoints noting = p -> seenAtCommits.add(p + " with " + w.announced.size() + " announced, recorded: "
                + w.store.runs().recordedOutputs(run.runId()).isPresent());

        assertEquals(RunState.SUCCEEDED, w.publisher(noting, checking).publish(run.runId()));

        assertEquals(List.of("after-commit with 0 announced, recorded: false", "after-commit with 0 announced, recorded: false",
                "after-record with 0 announced, recorded: true"), seenAtCommits);
        assertEquals(List.of(true, true), bothCommittedWhenAnnounced, "each event announced after both commits and the record");
        for (String asset : List.of(RIDES, STATIONS)) {
            assertPublished(w, run, asset);
        }
        assertEquals(Map.of(DAY, 5L), rowsPerDay(w.table(RIDES), w.table(RIDES).currentSnapshot()));
        assertEquals(Map.of(DAY, 3L), rowsPerDay(w.table(STATIONS), w.table(STATIONS).currentSnapshot()));
        assertEquals(RunState.SUCCEEDED, w.store.runs().run(run.runId()).orElseThrow().state());
        assertAnnouncedOnce(w, run, RunState.SUCCEEDED);
    }

    @Test
    void aPublicationKilledAfterTheFirstCommitEndsAsACleanOneWhenRetried() {
        retryAfterKill("after-commit", 1);
    }

    @Test
    void aPublicationKilledAfterTheSecondCommitEndsAsACleanOneWhenRetried() {
        retryAfterKill("after-commit", 2);
    }

    @Test
    void aPublicationKilledAfterRecordingEndsAsACleanOneWhenRetried() {
        retryAfterKill("after-record", 1);
    }

    private void retryAfterKill(String point, int nth) {
        PublisherWorld w = lake.world();
        Run run = w.staged("killed", 4);
        assertThrows(FaultPoints.Killed.class, () -> w.publisher(PublisherWorld.killAt(point, nth)).publish(run.runId()));
        assertEquals(RunState.PUBLISHING, w.store.runs().run(run.runId()).orElseThrow().state(), "killed: still publishing");
        assertEquals(List.of(), w.announcements(EventJson.ASSET_UPDATED), "nothing announced before the run's commit point passed");
        Map<String, Long> snapshotsBefore = new LinkedHashMap<>();
        for (String asset : List.of(RIDES, STATIONS)) {
            w.tables.table(asset).ifPresent(t -> snapshotsBefore.put(asset, t.currentSnapshot().snapshotId()));
        }

        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE).publish(run.runId()));

        for (String asset : List.of(RIDES, STATIONS)) {
            AssetEvent e = assertPublished(w, run, asset);
            if (snapshotsBefore.containsKey(asset)) {
                assertEquals(snapshotsBefore.get(asset), Long.parseLong(e.metadata().get(TableMetadata.SNAPSHOT)),
                        "the retry found the killed publication's commit of " + asset);
            }
        }
        assertEquals(point.equals("after-record") ? 2 : nth, snapshotsBefore.size(), "the tables the kill left committed");
        assertAnnouncedOnce(w, run, RunState.SUCCEEDED);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE).publish(run.runId()), "a third delivery changes nothing");
        assertAnnouncedOnce(w, run, RunState.SUCCEEDED);
    }

    @Test
    void anIncompatibleSecondOutputFailsTheRunBeforeEitherTableIsCommitted() {
        PublisherWorld w = lake.world();
        Run first = w.staged("first", 3);
        assertEquals(RunState.SUCCEEDED, w.publisher(FaultPoints.NONE).publish(first.runId()));
        Map<String, Integer> snapshots = Map.of(RIDES, count(w.table(RIDES)), STATIONS, count(w.table(STATIONS)));
        w.announced.clear();

        Map<String, String> selects = new LinkedHashMap<>();
        selects.put(RIDES, PublisherWorld.rides(7));
        selects.put(STATIONS, "SELECT 'st-' || i AS station_id, i::INTEGER AS zone FROM range(0, 3) t(i)"); // station_name dropped
        Run second = w.staged("second", selects);
        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE).publish(second.runId()));

        Run failed = w.store.runs().run(second.runId()).orElseThrow();
        assertEquals(RunState.FAILED, failed.state());
        String reason = failed.finishReason().orElseThrow();
        assertTrue(reason.contains("station_name"), reason);
        for (String asset : List.of(RIDES, STATIONS)) {
            assertEquals(snapshots.get(asset), count(w.table(asset)), asset + " got no commit");
            assertEquals(List.of(), w.commitsOf(asset, second.runId(), 1));
            assertTrue(w.store.events().stored(Ids.runOutput(second.runId(), asset)).isEmpty());
        }
        assertEquals(Map.of(DAY, 3L), rowsPerDay(w.table(RIDES), w.table(RIDES).currentSnapshot()), "the first run's rides stay");
        assertAnnouncedOnce(w, second, RunState.FAILED);
        assertEquals(List.of(), w.announcements(EventJson.ASSET_UPDATED));
        assertEquals(RunState.FAILED, w.publisher(FaultPoints.NONE).publish(second.runId()), "a redelivery changes nothing");
        assertAnnouncedOnce(w, second, RunState.FAILED);
    }

    @Test
    void aRunThatIsNotPublishingIsLeftAloneAndAnUnknownRunIsRejected() {
        PublisherWorld w = lake.world();
        PublisherService publisher = w.publisher(FaultPoints.NONE);
        Run published = w.staged("published", 2);
        assertEquals(RunState.SUCCEEDED, publisher.publish(published.runId()));
        int commits = count(w.table(RIDES));
        int announcements = w.announced.size();
        assertEquals(RunState.SUCCEEDED, publisher.publish(published.runId()));
        assertEquals(commits, count(w.table(RIDES)));
        assertEquals(announcements, w.announced.size(), "nothing announced again");

        Run ended = w.staged("ended", 9);
        w.store.runs().finishUnfenced(ended.runId(), RunState.FAILED, "an operator ended it");
        assertEquals(RunState.FAILED, publisher.publish(ended.runId()));
        assertEquals(commits, count(w.table(RIDES)), "an ended run's staged files are not committed");
        assertEquals(announcements, w.announced.size());

        Run queued = w.run("queued");
        assertEquals(RunState.QUEUED, publisher.publish(queued.runId()));
        assertEquals(RunState.QUEUED, w.store.runs().run(queued.runId()).orElseThrow().state());

        NotPublishableException e = assertThrows(NotPublishableException.class, () -> publisher.publish("run-nobody-made"));
        assertTrue(e.getMessage().contains("run-nobody-made"), e.getMessage());
    }

    /** The run's event of {@code asset}: recorded and announced, naming the commit of the run's attempt, its objects the snapshot's files of the day. */
    static AssetEvent assertPublished(PublisherWorld w, Run run, String asset) {
        AssetEvent e = w.store.events().event(Ids.runOutput(run.runId(), asset)).orElseThrow();
        assertEquals(List.of(e), w.store.events().history(asset, DAY).stream().filter(h -> h.eventId().equals(e.eventId())).toList());
        Table table = w.table(asset);
        List<Snapshot> commits = w.commitsOf(asset, run.runId(), 1);
        assertEquals(1, commits.size(), "one commit of the run's attempt in " + asset);
        long snapshot = commits.get(0).snapshotId();
        assertEquals(snapshot, LakeTables.findCommit(table, run.runId(), 1).orElseThrow().snapshotId());
        assertEquals(w.tables.identifier(asset).toString(), e.metadata().get(TableMetadata.TABLE));
        assertEquals(Long.toString(snapshot), e.metadata().get(TableMetadata.SNAPSHOT));
        String metadataLocation = e.metadata().get(TableMetadata.METADATA_LOCATION);
        assertTrue(metadataLocation.startsWith(table.location() + "/metadata/"), metadataLocation);
        assertEquals(snapshot, TableMetadataParser.read(table.io(), metadataLocation).currentSnapshot().snapshotId(),
                "the metadata file is the snapshot's");
        assertEquals(new TreeSet<>(e.objects()), filesOfDay(table, snapshot), "the event's objects are the snapshot's files of the day");
        assertEquals(w.store.runs().staged(run.runId()).orElseThrow().events().stream().filter(s -> s.asset().equals(asset))
                .findFirst().orElseThrow().objects(), e.objects(), "the staged files are the ones committed");
        assertEquals(1, w.announcements(EventJson.ASSET_UPDATED).stream().filter(a -> a.path("eventId").asText().equals(e.eventId())).count(),
                "announced once");
        return e;
    }

    static void assertAnnouncedOnce(PublisherWorld w, Run run, RunState outcome) {
        String type = outcome == RunState.SUCCEEDED ? EventJson.RUN_SUCCEEDED : EventJson.RUN_FAILED;
        assertEquals(1, w.announcements(type).stream().filter(a -> a.path("runId").asText().equals(run.runId())).count(), type + " once");
        String other = outcome == RunState.SUCCEEDED ? EventJson.RUN_FAILED : EventJson.RUN_SUCCEEDED;
        assertFalse(w.announcements(other).stream().anyMatch(a -> a.path("runId").asText().equals(run.runId())), "never " + other);
    }

    private static boolean committed(PublisherWorld w, String asset, Run run) {
        return w.tables.table(asset).flatMap(t -> LakeTables.findCommit(t, run.runId(), 1)).isPresent();
    }

    static Set<String> filesOfDay(Table table, long snapshot) {
        Set<String> files = new TreeSet<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot).filter(Expressions.equal("date", DAY)).planFiles()) {
            tasks.forEach(t -> files.add(t.file().location()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    static Map<String, Long> rowsPerDay(Table table, Snapshot snapshot) {
        Map<String, Long> rows = new TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
            tasks.forEach(t -> rows.merge(t.file().partition().get(0, Integer.class) == null ? "?"
                    : LocalDate.ofEpochDay(t.file().partition().get(0, Integer.class)).toString(), t.file().recordCount(), Long::sum));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    static int count(Table table) {
        table.refresh();
        List<Snapshot> snapshots = new ArrayList<>();
        table.snapshots().forEach(snapshots::add);
        return snapshots.size();
    }
}
