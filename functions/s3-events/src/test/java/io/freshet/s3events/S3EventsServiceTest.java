package io.freshet.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.PartitionContent;
import io.freshet.core.events.S3Change;
import io.freshet.core.load.ProjectLoader;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;

/**
 * S3 notifications in the shapes S3 really sends, through the service into DynamoDB Local:
 * deletions, same-second uploads of one key, markers and hidden files, the test event, records
 * that are malformed among good ones, and the partition key rule.
 */
class S3EventsServiceTest {

    static final String LAKE = "lake";

    private static LocalDynamo dynamo;
    @TempDir
    static Path pipelines;

    private DynamoStateStore store;
    private final List<String> announced = new CopyOnWriteArrayList<>();
    private S3EventsService service;

    @BeforeAll
    static void start() throws IOException {
        dynamo = LocalDynamo.start();
        Files.writeString(pipelines.resolve("sources.yaml"), """
                sources:
                  raw.taps:
                    s3: s3://${LakeBucket}/landing/taps/date={date}/
                    format: csv
                  raw.events:
                    s3: s3://${LakeBucket}/landing/events/date={date}/hour={hour}/*.parquet
                  raw.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/
                    format: parquet
                    ignore: ["*.tmp", "**/manifests/**"]
                    complete_when: _SUCCESS
                """);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    @BeforeEach
    void fresh() {
        String table = "t-" + UUID.randomUUID();
        DynamoStateStore.createTable(dynamo.client(), table);
        store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
        announced.clear();
        service = new S3EventsService(ProjectLoader.load(pipelines).orThrow(), StackParameters.lakeBucket(LAKE), store,
                (type, json) -> announced.add(json), new JsonLog(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Map.of()));
    }

    static String created(String key, long size, String version, String sequencer, String time) {
        return """
                {"version":"0","id":"%s","detail-type":"Object Created","source":"aws.s3","account":"123456789012",
                 "time":"%s","region":"eu-central-1","resources":["arn:aws:s3:::lake"],
                 "detail":{"version":"0","bucket":{"name":"lake"},
                   "object":{"key":"%s","size":%d,"etag":"etag-%s","version-id":"%s","sequencer":"%s"},
                   "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","source-ip-address":"1.2.3.4","reason":"PutObject"}}
                """.formatted(UUID.randomUUID(), time, key, size, version, version, sequencer);
    }

    /** The real shape of EventBridge's Object Deleted (no etag, no size; a deletion-type). */
    static String deleted(String key, String version, String sequencer, String deletionType) {
        return """
                {"version":"0","id":"%s","detail-type":"Object Deleted","source":"aws.s3","account":"123456789012",
                 "time":"2026-06-02T09:00:00Z","region":"eu-central-1","resources":["arn:aws:s3:::lake"],
                 "detail":{"version":"0","bucket":{"name":"lake"},
                   "object":{"key":"%s","version-id":"%s","sequencer":"%s"},
                   "request-id":"0BH729840619AG5K","requester":"123456789012","source-ip-address":"1.2.3.4",
                   "reason":"DeleteObject","deletion-type":"%s"}}
                """.formatted(UUID.randomUUID(), key, version, sequencer, deletionType);
    }

    private List<AssetEvent> handle(String json) {
        return service.handle(EventJson.read(json));
    }

    private List<AssetEvent> history(String asset, String partition) {
        return store.events().history(asset, partition);
    }

    private List<String> liveVersions(String asset, String partition) {
        return PartitionContent.live(history(asset, partition), Instant.MAX).stream().map(AssetEvent::dataVersion).toList();
    }

    @Test
    void theRealS3TestEventIsIgnored() {
        // What S3 sends to a destination when a notification configuration is saved: no Records at all.
        assertEquals(List.of(), handle("""
                {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-06-02T08:00:01.089Z","Bucket":"lake",
                 "RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YRnxh7OnRPrUNFFRy6JLTuASDRD2sGw="}
                """));
    }

    @Test
    void aDeletionRemovesTheObjectFromItsPartitionAndIsAnnouncedAsAChange() {
        handle(created("landing/taps/date=2026-06-02/a.csv", 10, "va", "0064D3901D00059240", "2026-06-02T08:00:00Z"));
        handle(created("landing/taps/date=2026-06-02/b.csv", 10, "vb", "0064D3901D00059241", "2026-06-02T08:00:00Z"));
        assertEquals(List.of("va", "vb"), liveVersions("raw.taps", "2026-06-02"));

        List<AssetEvent> removed = handle(deleted("landing/taps/date=2026-06-02/a.csv", "marker1", "0064D3901D00059250", "Delete Marker Created"));
        assertEquals(1, removed.size());
        assertTrue(S3Change.isRemoval(removed.get(0)));
        assertEquals(List.of(), removed.get(0).objects(), "a removal names nothing to read");
        assertEquals(3, announced.size(), "the deletion is announced: consumers see the change");
        assertEquals(List.of("vb"), liveVersions("raw.taps", "2026-06-02"));
        assertEquals(removed.get(0).eventId(), store.events().latest("raw.taps", "2026-06-02").orElseThrow().eventId());
    }

    @Test
    void aLifecycleExpiryOfAnOldVersionLeavesTheCurrentOneLive() {
        handle(created("landing/taps/date=2026-06-02/a.csv", 10, "v1", "0064D3901D00059240", "2026-06-02T08:00:00Z"));
        handle(created("landing/taps/date=2026-06-02/a.csv", 10, "v2", "0064D3901D00059241", "2026-06-02T08:00:01Z"));
        handle(deleted("landing/taps/date=2026-06-02/a.csv", "v1", "0064D3901D00059250", "Permanently Deleted"));
        assertEquals(List.of("v2"), liveVersions("raw.taps", "2026-06-02"));
        handle(deleted("landing/taps/date=2026-06-02/a.csv", "v2", "0064D3901D00059260", "Permanently Deleted"));
        assertEquals(List.of(), liveVersions("raw.taps", "2026-06-02"));
    }

    /** Two uploads of one key in one second: whatever order they arrive in, the one S3 sequenced last is the partition's. */
    @Test
    void sameSecondUploadsOfOneKeyAreOrderedBySequencerInBothDeliveryOrders() {
        String older = created("landing/taps/date=2026-06-02/export.csv", 10, "older", "0064D3901D00059242", "2026-06-02T08:15:07Z");
        String newer = created("landing/taps/date=2026-06-02/export.csv", 12, "newer", "0064D3901D0005A001", "2026-06-02T08:15:07Z");
        String newerShorter = created("landing/taps/date=2026-06-03/export.csv", 12, "newer", "0064D3901D0006", "2026-06-03T08:15:07Z");
        String olderLonger = created("landing/taps/date=2026-06-03/export.csv", 10, "older", "0064D3901D00059242", "2026-06-03T08:15:07Z");
        for (List<String> order : List.of(List.of(older, newer), List.of(newer, older))) {
            fresh();
            order.forEach(this::handle);
            assertEquals(List.of("newer"), liveVersions("raw.taps", "2026-06-02"), "the partition holds the newer upload");
            assertEquals("newer", store.events().latest("raw.taps", "2026-06-02").orElseThrow().dataVersion(),
                    "the partition state points at the newer upload");
        }
        // Sequencers of different lengths compare after right-padding with zeros (S3's rule).
        for (List<String> order : List.of(List.of(olderLonger, newerShorter), List.of(newerShorter, olderLonger))) {
            fresh();
            order.forEach(this::handle);
            assertEquals(List.of("newer"), liveVersions("raw.taps", "2026-06-03"));
            assertEquals("newer", store.events().latest("raw.taps", "2026-06-03").orElseThrow().dataVersion());
        }
    }

    @Test
    void markersFolderMarkersHiddenAndEmptyFilesAreNotData() {
        List<String> notData = List.of(
                created("landing/taps/date=2026-06-02/_SUCCESS", 0, "m", "01", "2026-06-02T08:00:00Z"),
                created("landing/taps/date=2026-06-02/", 0, "f", "02", "2026-06-02T08:00:00Z"),
                created("landing/taps/date=2026-06-02/_committed_123", 45, "c", "03", "2026-06-02T08:00:00Z"),
                created("landing/taps/date=2026-06-02/.a.csv.crc", 12, "crc", "04", "2026-06-02T08:00:00Z"),
                created("landing/taps/date=2026-06-02/_temporary/0/part-0.csv", 100, "t", "05", "2026-06-02T08:00:00Z"),
                deleted("landing/taps/date=2026-06-02/_temporary/0/part-0.csv", "t", "06", "Permanently Deleted"));
        for (String n : notData) {
            assertEquals(List.of(), handle(n), n);
        }
        assertEquals(List.of(), announced);
        assertEquals(List.of(), history("raw.taps", "2026-06-02"));

        // An empty object is recorded (it empties its key) but triggers nothing.
        handle(created("landing/taps/date=2026-06-02/a.csv", 10, "v1", "10", "2026-06-02T08:00:00Z"));
        assertEquals(List.of(), handle(created("landing/taps/date=2026-06-02/a.csv", 0, "v2", "11", "2026-06-02T08:00:01Z")));
        assertEquals(1, announced.size());
        assertEquals(List.of(), liveVersions("raw.taps", "2026-06-02"), "the key holds no data now");
        // A _column=value folder is a partition folder, not a hidden one (Spark's rule).
        handle(created("landing/taps/date=2026-06-02/_region=eu/b.csv", 10, "vb", "12", "2026-06-02T08:00:02Z"));
        assertEquals(List.of("vb"), liveVersions("raw.taps", "2026-06-02"));
    }

    @Test
    void aSourceWithCompleteWhenIsAnnouncedOnlyByItsMarker() {
        handle(created("landing/sales/date=2026-06-02/part-0.parquet", 100, "p0", "10", "2026-06-02T08:00:00Z"));
        handle(created("landing/sales/date=2026-06-02/part-1.parquet", 100, "p1", "11", "2026-06-02T08:00:00Z"));
        handle(created("landing/sales/date=2026-06-02/part-2.tmp", 100, "tmp", "12", "2026-06-02T08:00:00Z"));
        handle(created("landing/sales/date=2026-06-02/manifests/m.json", 100, "man", "13", "2026-06-02T08:00:00Z"));
        assertEquals(List.of(), announced, "data files wait for the marker");
        assertTrue(store.events().latest("raw.sales", "2026-06-02").isEmpty(), "and the partition has no state yet");

        List<AssetEvent> complete = handle(created("landing/sales/date=2026-06-02/_SUCCESS", 0, "s1", "20", "2026-06-02T08:00:01Z"));
        assertEquals(1, complete.size());
        assertTrue(S3Change.isCompletion(complete.get(0)));
        assertEquals(1, announced.size());
        assertEquals(List.of("p0", "p1"), liveVersions("raw.sales", "2026-06-02"));
        // Files written after the marker are not part of what it completed.
        handle(created("landing/sales/date=2026-06-02/part-3.parquet", 100, "p3", "30", "2026-06-02T08:00:05Z"));
        assertEquals(List.of("p0", "p1"), PartitionContent.live(history("raw.sales", "2026-06-02"), complete.get(0).time())
                .stream().map(AssetEvent::dataVersion).toList());
    }

    @Test
    void oneMalformedRecordAmongManyIsRejectedByIndexAndTheOthersAreRecorded() {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String key = i == 37 ? "landing/taps/date=2026-06-02/%ZZ.csv" : "landing/taps/date=2026-06-02/taps-" + i + ".csv";
            records.add("""
                    {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-central-1","eventTime":"2026-06-02T08:15:02.123Z",
                     "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"lake","arn":"arn:aws:s3:::lake"},
                     "object":{"key":"%s","size":5,"eTag":"e%d","sequencer":"0055AED6DCD90281%02X"}}}
                    """.formatted(key, i, i));
        }
        records.set(63, "{\"eventName\":\"ObjectCreated:Put\"}");
        String notification = "{\"Records\":[" + String.join(",", records) + "]}";
        MalformedEventException e = assertThrows(MalformedEventException.class, () -> handle(notification));
        assertEquals("2 of 100 records rejected (98 handled): record 37: the object key 'landing/taps/date=2026-06-02/%ZZ.csv' is not valid"
                + " URL encoding: each % must be followed by two hex digits; record 63: missing or empty 'name' in s3.bucket", e.getMessage());
        assertEquals(98, history("raw.taps", "2026-06-02").size());
        assertEquals(98, announced.size());
        // Lambda retries the notification before dead-lettering it: the good records, one of many, were
        // marked announced and are not announced twice.
        assertThrows(MalformedEventException.class, () -> handle(notification));
        assertEquals(98, announced.size());
    }

    /** Every record of a notification is recorded before the first is announced: a consumer's run the first starts reads them all. */
    @Test
    void everyRecordOfANotificationIsRecordedBeforeTheFirstIsAnnounced() {
        List<Integer> recordedAtAnnouncements = new ArrayList<>();
        S3EventsService counting = new S3EventsService(ProjectLoader.load(pipelines).orThrow(), StackParameters.lakeBucket(LAKE), store,
                (type, json) -> recordedAtAnnouncements.add(history("raw.taps", "2026-06-02").size()),
                new JsonLog(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Map.of()));
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            records.add("""
                    {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-central-1","eventTime":"2026-06-02T08:15:02.123Z",
                     "eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"lake","arn":"arn:aws:s3:::lake"},
                     "object":{"key":"landing/taps/date=2026-06-02/taps-%d.csv","size":5,"eTag":"e%d","sequencer":"0055AED6DCD90281%02X"}}}
                    """.formatted(i, i, i));
        }
        assertEquals(3, counting.handle(EventJson.read("{\"Records\":[" + String.join(",", records) + "]}")).size());
        assertEquals(List.of(3, 3, 3), recordedAtAnnouncements);
    }

    /**
     * A one-object notification (EventBridge's) is delivered again only when its handling failed,
     * perhaps after announcing: it is announced again, as the same event, and recorded once.
     */
    @Test
    void aRedeliveredOneObjectNotificationIsAnnouncedAgainAsTheSameEvent() {
        String notification = created("landing/taps/date=2026-06-02/taps-1.csv", 5, "v1", "0055AED6DCD9028101", "2026-06-02T08:15:02Z");
        String first = handle(notification).get(0).eventId();
        assertEquals(List.of(first), handle(notification).stream().map(AssetEvent::eventId).toList());
        assertEquals(1, history("raw.taps", "2026-06-02").size(), "recorded once");
        assertEquals(2, announced.size());
        assertEquals(announced.get(0), announced.get(1), "the same Asset Updated, the same event id");
        assertTrue(store.events().stored(first).orElseThrow().announced(),
                "stored as announced: a producer's announcement of the same version (emit) leaves it to s3-events");
    }

    /** One rule: a key with the location's shape that is not a valid partition is dead-lettered with its reason, never ignored. */
    @Test
    void hour5IsRejectedLikeHour24() {
        MalformedEventException five = assertThrows(MalformedEventException.class,
                () -> handle(created("landing/events/date=2026-06-02/hour=5/e.parquet", 10, "v", "01", "2026-06-02T08:00:00Z")));
        assertEquals("s3://lake/landing/events/date=2026-06-02/hour=5/e.parquet matches the location of asset raw.events"
                + " but {hour} holds '5', which is not written like 00 (zero-padded, fixed width)", five.getMessage());
        MalformedEventException twentyFour = assertThrows(MalformedEventException.class,
                () -> handle(created("landing/events/date=2026-06-02/hour=24/e.parquet", 10, "v", "02", "2026-06-02T08:00:00Z")));
        assertTrue(twentyFour.getMessage().endsWith("but hour 24 is not between 00 and 23"), twentyFour.getMessage());
        assertEquals(List.of(), announced);
        assertEquals(1, handle(created("landing/events/date=2026-06-02/hour=05/e.parquet", 10, "v", "03", "2026-06-02T08:00:00Z")).size());
    }
}
