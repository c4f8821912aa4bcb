package io.freshet.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.Announcer;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.core.location.StackParameters;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.PartitionContent;
import io.freshet.core.load.ProjectLoader;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.CrashAfterWrites;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Announcements through the service into DynamoDB Local, with objects in a versioned bucket of
 * the test kit's S3 server: who may announce, where objects must lie, and that each write is
 * recorded and announced once, through repeats and crashes.
 */
class EmitServiceTest {

    static final String LAKE = "lake";
    static final String SALES = "arn:aws:iam::123456789012:role/sales-export";
    static final String SESSION = "arn:aws:sts::123456789012:assumed-role/sales-export/nightly";
    static final String STRANGER = "arn:aws:sts::123456789012:assumed-role/marketing/nightly";
    static final String KEY = "landing/sales/date=2026-11-20/part-0.csv";
    static final String OBJECT = "s3://lake/" + KEY;

    private static LocalDynamo dynamo;
    private static LocalS3 s3;
    @TempDir
    static Path pipelines;

    private DynamoStateStore store;
    private final List<String> announced = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        s3.createBucket(LAKE);
        s3.enableVersioning(LAKE);
        Files.writeString(pipelines.resolve("sources.yaml"), """
                sources:
                  raw.sales:
                    s3: s3://${LakeBucket}/landing/sales/date={date}/
                    allowed_producers: [%s, arn:aws:iam::210987654321:root]
                  raw.taps:
                    s3: s3://${LakeBucket}/landing/taps/date={date}/
                """.formatted(SALES));
    }

    @AfterAll
    static void stop() {
        s3.close();
        dynamo.close();
    }

    @BeforeEach
    void fresh() {
        String table = "t-" + UUID.randomUUID();
        DynamoStateStore.createTable(dynamo.client(), table);
        store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
        announced.clear();
        put(KEY, "id,amount\n1,10\n");
    }

    static void put(String key, String text) {
        s3.client().putObject(b -> b.bucket(LAKE).key(key), RequestBody.fromString(text));
    }

    private EmitService service(Announcer announcer) {
        return new EmitService(ProjectLoader.load(pipelines).orThrow(), StackParameters.lakeBucket(LAKE), new ObjectHeads(s3.client()),
                store, announcer, new JsonLog(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Map.of()));
    }

    private EmitService service() {
        return service((type, json) -> announced.add(json));
    }

    static Announcement by(String principal, String asset, Optional<String> partition, String... objects) {
        return new Announcement(asset, partition, List.of(objects), Map.of("rows", "1"), new Announcement.Principal(principal));
    }

    private List<AssetEvent> history() {
        return store.events().history("raw.sales", "2026-11-20");
    }

    private int rejectedWith(Announcement a) {
        return assertThrows(AnnouncementRejectedException.class, () -> service().accept(a)).status();
    }

    @Test
    void anUnauthorisedPrincipalIsRejectedAndNothingIsRecorded() {
        assertEquals(403, rejectedWith(by(STRANGER, "raw.sales", Optional.empty(), OBJECT)));
        assertEquals(403, rejectedWith(by(SESSION, "raw.taps", Optional.empty(), "s3://lake/landing/taps/date=2026-11-20/a.csv")),
                "a source without allowed_producers accepts nobody");
        assertEquals(403, rejectedWith(new Announcement("raw.sales", Optional.empty(), List.of(OBJECT), Map.of(),
                new Announcement.Account("999999999999"))), "a bus event from an undeclared account");
        assertEquals(List.of(), history());
        assertEquals(List.of(), announced);
    }

    @Test
    void anAuthorisedAnnouncementIsRecordedAndAnnouncedOnceHoweverOftenItIsRepeated() {
        List<EmitService.Accepted> first = service().accept(by(SESSION, "raw.sales", Optional.of("2026-11-20"), OBJECT));
        List<EmitService.Accepted> again = service().accept(by(SESSION, "raw.sales", Optional.of("2026-11-20"), OBJECT));
        List<EmitService.Accepted> byBus = service().accept(new Announcement("raw.sales", Optional.empty(), List.of(OBJECT), Map.of(),
                new Announcement.Account("210987654321")));
        assertTrue(first.get(0).recordedNow());
        assertFalse(again.get(0).recordedNow());
        assertFalse(byBus.get(0).recordedNow());
        assertEquals(first.get(0).eventId(), again.get(0).eventId());
        assertEquals(1, history().size());
        assertEquals(1, announced.size());
        AssetEvent e = EventJson.assetEvent(EventJson.read(announced.get(0)));
        assertEquals(List.of(OBJECT), e.objects());
        assertEquals("2026-11-20", e.partition());
        assertEquals(SESSION, e.metadata().get(EmitService.ANNOUNCED_BY));
        assertEquals("1", e.metadata().get("rows"));
        assertTrue(store.events().stored(e.eventId()).orElseThrow().announced());
    }

    @Test
    void aNewVersionOfTheKeyIsANewEventAndBecomesThePartitionsContent() {
        String v1 = service().accept(by(SALES, "raw.sales", Optional.empty(), OBJECT)).get(0).eventId();
        put(KEY, "id,amount\n1,10\n2,20\n");
        String v2 = service().accept(by(SALES, "raw.sales", Optional.empty(), OBJECT)).get(0).eventId();
        assertFalse(v1.equals(v2));
        assertEquals(List.of(v2), PartitionContent.live(history(), Instant.MAX).stream().map(AssetEvent::eventId).toList());
    }

    @Test
    void objectsOutsideTheLocationOrPartitionOrAbsentAreRejectedWithNothingRecorded() {
        String other = "s3://lake/landing/other/date=2026-11-20/part-0.csv";
        assertEquals(422, rejectedWith(by(SALES, "raw.sales", Optional.empty(), OBJECT, other)), "all or nothing");
        assertEquals(422, rejectedWith(by(SALES, "raw.sales", Optional.empty(), "s3://elsewhere/landing/sales/date=2026-11-20/part-0.csv")));
        assertEquals(422, rejectedWith(by(SALES, "raw.sales", Optional.of("2026-11-21"), OBJECT)));
        assertEquals(422, rejectedWith(by(SALES, "raw.sales", Optional.empty(), "s3://lake/landing/sales/date=2026-11-20/missing.csv")));
        assertEquals(422, rejectedWith(by(SALES, "raw.sales", Optional.empty(), "s3://lake/landing/sales/date=2026-11-20/_SUCCESS")));
        assertEquals(422, rejectedWith(by(SALES, "raw.sales", Optional.empty(), "s3://lake/landing/sales/date=2026-02-30/x.csv")));
        assertEquals(400, rejectedWith(by(SALES, "raw.sales", Optional.empty(), "landing/sales/date=2026-11-20/part-0.csv")));
        assertEquals(404, rejectedWith(by(SALES, "raw.nope", Optional.empty(), OBJECT)));
        assertEquals(400, rejectedWith(new Announcement("raw.sales", Optional.empty(), List.of(OBJECT), Map.of("etag", "x"),
                new Announcement.Principal(SALES))), "reserved metadata");
        assertEquals(List.of(), history());
        assertEquals(List.of(), announced);
    }

    /**
     * Crash points, swept: the announcement dies right after each of its writes in turn (found by
     * a clean run, so a write added later is swept too), is retried, and ends as the clean run:
     * one event, the partition's state and the asset's newest at it, announced and marked.
     */
    @Test
    void aCrashRightAfterEachWriteThenARetryEndsAsACleanRun() {
        CrashAfterWrites clean = new CrashAfterWrites(0);
        String table = "t-" + UUID.randomUUID();
        DynamoStateStore.createTable(dynamo.client(), table);
        sweepOnce(clean, table);
        assertTrue(clean.writes().size() >= 5, "record (event, state, newest), announce, mark: " + clean.writes());
        for (int point = 1; point <= clean.writes().size(); point++) {
            put(KEY, "id,amount\n1,10\n" + point + "\n"); // a version of its own per point
            String version = s3.client().headObject(b -> b.bucket(LAKE).key(KEY)).versionId();
            String expected = Ids.objectVersion(LAKE, KEY, version, "raw.sales");
            String crashTable = "t-" + UUID.randomUUID();
            DynamoStateStore.createTable(dynamo.client(), crashTable);
            CrashAfterWrites crash = new CrashAfterWrites(point);
            String where = "after write " + point + " (" + clean.writes().get(point - 1) + ")";
            assertThrows(IllegalStateException.class, () -> sweepOnce(crash, crashTable), where);
            announced.clear();
            sweepOnce(new CrashAfterWrites(0), crashTable);
            DynamoStateStore after = new DynamoStateStore(dynamo.client(), crashTable, Clock.systemUTC());
            assertEquals(List.of(expected), after.events().history("raw.sales", "2026-11-20").stream().map(AssetEvent::eventId).toList(), where);
            assertTrue(after.events().stored(expected).orElseThrow().announced(), where);
            assertEquals(expected, after.events().latest("raw.sales", "2026-11-20").orElseThrow().eventId(), where);
            assertEquals(expected, after.events().newest("raw.sales").orElseThrow().eventId(), where);
            boolean finished = point == clean.writes().size(); // the last write marks the announcement
            assertEquals(finished ? 0 : 1, announced.size(),
                    where + ": the retry announces unless the announcement was marked (the trigger takes a recorded event once)");
        }
    }

    private void sweepOnce(CrashAfterWrites crash, String table) {
        try (DynamoDbClient db = crash.dynamo(dynamo.endpoint())) {
            DynamoStateStore crashing = new DynamoStateStore(db, table, Clock.systemUTC());
            new EmitService(ProjectLoader.load(pipelines).orThrow(), StackParameters.lakeBucket(LAKE), new ObjectHeads(s3.client()), crashing,
                    (type, json) -> {
                        announced.add(json);
                        crash.wrote("PutEvents");
                    }, new JsonLog(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Map.of()))
                    .accept(by(SALES, "raw.sales", Optional.empty(), OBJECT));
        }
    }
}
