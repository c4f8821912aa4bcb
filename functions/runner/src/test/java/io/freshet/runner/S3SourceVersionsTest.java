package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.Project;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;
import software.amazon.awssdk.core.sync.RequestBody;
import io.freshet.state.protocol.FaultPoints;

/**
 * The runner reads an S3 source's partition as its recorded events say, on a versioned bucket:
 * each object at the version its event recorded (an overwrite not yet notified, or a deletion,
 * does not change or break the run), and an upload's removal takes it out.
 */
class S3SourceVersionsTest {

    static final Project METRO = RunnerServiceTest.METRO;
    static final String LAKE = "versioned-lake";

    static LocalDynamo dynamo;
    static LocalS3 s3;
    static TestLake lake;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        lake = TestLake.start(s3);
        s3.createBucket(LAKE);
        s3.enableVersioning(LAKE);
    }

    @AfterAll
    static void stop() {
        lake.close();
        s3.close();
        dynamo.close();
    }

    final MutableClock clock = new MutableClock(Instant.parse("2026-05-26T09:00:00Z"));

    @Test
    void aRunReadsTheRecordedVersionsAndLeavesRemovedObjectsOut() throws Exception {
        StateStore store = new DynamoStateStore(dynamo.client(), "versions", clock);
        DynamoStateStore.createTable(dynamo.client(), "versions");
        ObjectStore objects = new ObjectStore(s3.client());
        List<String> announced = new CopyOnWriteArrayList<>();
        RunnerService runner = new RunnerService(METRO, store, objects, TestLake.bus(announced, lake.publisher(METRO, store, LAKE, announced, clock, FaultPoints.NONE)), LAKE,
                (p, step, partition, watermarks, dir) -> { throw new UnsupportedOperationException(); },
                clock, new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of()), tmp.resolve("scratch"), FaultPoints.NONE);
        record(store, "raw.stations", "2026-05-25", upload(objects, "raw/stations/s.parquet",
                parquet("SELECT * FROM (VALUES ('s1','Muzeum','A'), ('s2','Florenc','B')) t(station_id, name, line)")), "01");
        record(store, "raw.passengers", "2026-05-25", upload(objects, "raw/passengers/p.parquet",
                parquet("SELECT * FROM (VALUES ('c1','student'), ('c2','senior')) t(card_id, fare_category)")), "01");

        String key = "landing/taps/date=2026-05-26/taps-0800.csv";
        String v1 = s3.client().putObject(b -> b.bucket(LAKE).key(key), RequestBody.fromString(
                "tap_id,card_id,station_id,direction,tapped_at\n" + RunnerServiceTest.GOOD)).versionId();
        AssetEvent first = record(store, "landing.taps", "2026-05-26", new Upload(key, v1), "0064D3901D00059242");
        // The producer overwrites the export; its notification has not been handled yet.
        s3.client().putObject(b -> b.bucket(LAKE).key(key), RequestBody.fromString(
                "tap_id,card_id,station_id,direction,tapped_at\n1,c1,s1,in,2026-05-26 08:00:00\n2,c1,s2,out,2026-05-26 08:20:00\n"));

        assertEquals(Optional.of(RunState.SUCCEEDED), runner.execute(run(store, "2026-05-26", first).runId()));
        assertEquals("2", lastRows(announced), "the version the event recorded: two journeys, not the overwrite's one");

        // The export is deleted (a delete marker): the key is gone, the partition is empty, the run is skipped, not failed.
        String marker = s3.client().deleteObject(b -> b.bucket(LAKE).key(key)).versionId();
        clock.advance(Duration.ofSeconds(1));
        Map<String, String> m = new HashMap<>(Map.of(S3Change.SEQUENCER, "0064D3901D0005A000", S3Change.REMOVED, "s3://" + LAKE + "/" + key,
                S3Change.REMOVAL, S3Change.DELETE_MARKER, S3Change.VERSION_ID, marker));
        AssetEvent removed = new AssetEvent(Ids.hash(24, List.of("rm", key)), "landing.taps", "2026-05-26", clock.instant(),
                new Producer(Producer.Kind.S3_UPLOAD, "s3://" + LAKE + "/" + key), "delete-marker:" + marker, Optional.empty(), List.of(), m);
        store.events().record(removed);
        Run afterDelete = run(store, "2026-05-26", removed);
        assertEquals(Optional.of(RunState.SKIPPED), runner.execute(afterDelete.runId()));
        assertEquals(true, store.runs().run(afterDelete.runId()).orElseThrow().finishReason().orElse("").contains("no live object"),
                store.runs().run(afterDelete.runId()).toString());
    }

    record Upload(String key, String versionId) {
    }

    Upload upload(ObjectStore objects, String key, Path file) {
        String version = s3.client().putObject(b -> b.bucket(LAKE).key(key), file).versionId();
        return new Upload(key, version);
    }

    AssetEvent record(StateStore store, String asset, String partition, Upload u, String sequencer) {
        String uri = "s3://" + LAKE + "/" + u.key();
        AssetEvent e = new AssetEvent(Ids.hash(24, List.of(asset, partition, u.key(), u.versionId())), asset, partition, clock.instant(),
                new Producer(Producer.Kind.S3_UPLOAD, uri), u.versionId(), Optional.empty(), List.of(uri),
                Map.of(S3Change.SEQUENCER, sequencer, S3Change.VERSION_ID, u.versionId()));
        store.events().record(e);
        clock.advance(Duration.ofSeconds(1));
        return e;
    }

    Run run(StateStore store, String partition, AssetEvent... events) {
        var view = store.consumers().view("core_trips", partition);
        List<PendingEvent> consumed = Arrays.stream(events).map(e -> new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())).toList();
        return store.runs().tryCreate(view, Ids.run("core_trips", partition, consumed.stream().map(PendingEvent::eventId).toList()), consumed, "test").orElseThrow();
    }

    Path parquet(String select) throws Exception {
        return RunnerFixtures.parquet(tmp, select);
    }

    static String lastRows(List<String> announced) {
        List<JsonNode> updated = announced.stream().filter(a -> a.startsWith(EventJson.ASSET_UPDATED + " "))
                .map(a -> EventJson.read(a.substring(EventJson.ASSET_UPDATED.length() + 1))).toList();
        return updated.getLast().path("metadata").path("rows").asText();
    }
}
