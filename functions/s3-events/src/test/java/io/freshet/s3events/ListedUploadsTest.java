package io.freshet.s3events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
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
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.PartitionContent;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.location.StackParameters;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;

/**
 * Notifications of a source the tick also lists ({@code observe: {list: true}}), into DynamoDB
 * Local: the id is the listing's (content and the key's previous change, no sequencer), so a
 * redelivery, or the same bytes written again, records nothing, and new content at the key is one
 * change; the fold still orders the key's changes by S3's sequencer.
 */
class ListedUploadsTest {

    static final String KEY = "landing/drops/date=2026-06-02/a.csv";
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
                  raw.drops:
                    s3: s3://${LakeBucket}/landing/drops/date={date}/*.csv
                    observe: { list: true, every: 5m }
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
        service = new S3EventsService(ProjectLoader.load(pipelines).orThrow(), StackParameters.lakeBucket("lake"), store,
                (type, json) -> announced.add(json), new JsonLog(new PrintStream(PrintStream.nullOutputStream()), Clock.systemUTC(), Map.of()));
    }

    static String created(String etag, String version, String sequencer) {
        return """
                {"version":"0","id":"%s","detail-type":"Object Created","source":"aws.s3","account":"123456789012",
                 "time":"2026-06-02T08:00:00Z","region":"eu-central-1","resources":["arn:aws:s3:::lake"],
                 "detail":{"version":"0","bucket":{"name":"lake"},
                   "object":{"key":"%s","size":10,"etag":"%s","version-id":"%s","sequencer":"%s"},
                   "request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","source-ip-address":"1.2.3.4","reason":"PutObject"}}
                """.formatted(UUID.randomUUID(), KEY, etag, version, sequencer);
    }

    private List<AssetEvent> handle(String json) {
        return service.handle(EventJson.read(json));
    }

    @Test
    void oneContentRecordsOnceWhateverTheWritesAndANewContentIsOneChangeChainedOnThePrevious() {
        List<AssetEvent> first = handle(created("e1", "v1", "0064D3901D00059240"));
        assertEquals(1, first.size());
        assertEquals(Ids.listedObject("raw.drops", "lake", KEY, "e1", ""), first.get(0).eventId(), "the id a listing of it derives");
        assertEquals(List.of(), handle(created("e1", "v1", "0064D3901D00059240")), "a redelivery");
        assertEquals(List.of(), handle(created("e1", "v2", "0064D3901D00059250")), "the same bytes written again: no new content");
        List<AssetEvent> second = handle(created("e2", "v3", "0064D3901D00059260"));
        assertEquals(Ids.listedObject("raw.drops", "lake", KEY, "e2", first.get(0).eventId()), second.get(0).eventId());
        List<AssetEvent> back = handle(created("e1", "v4", "0064D3901D00059270"));
        assertEquals(1, back.size(), "content that comes back is a change");
        assertEquals(3, announced.size());
        List<AssetEvent> history = store.events().history("raw.drops", "2026-06-02");
        assertEquals(List.of("v4"), PartitionContent.live(history, Instant.MAX).stream().map(e -> e.metadata().get("versionId")).toList(),
                "the fold reads the newest version, by S3's sequencer");
    }
}
