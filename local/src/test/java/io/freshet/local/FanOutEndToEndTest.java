package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.runs.RunState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.state.StateStore;
import io.freshet.testkit.LocalEventBridge;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The whole fan-out path as template.yaml wires it, on DynamoDB Local and the in-process
 * EventBridge: S3 notifications on the default bus -> s3-events -> Asset Updated on the Freshet
 * bus -> the consumer rules rules-sync made -> trigger -> Run Requested. Handlers get JSON in and
 * the bus delivers asynchronously, with retries and dead letters, as AWS does.
 */
class FanOutEndToEndTest {

    static final Project METRO = ProjectLoader.load(Path.of("../pipelines")).orThrow();

    static EmbeddedFanOut stack;
    static StateStore store;
    static LocalEventBridge bus;
    static final List<JsonNode> runRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void wire() {
        stack = EmbeddedFanOut.start(METRO, "lake", runRequests::add, EmbeddedFanOut.quietLog());
        store = stack.store();
        bus = stack.bus();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    static void s3ObjectCreated(String key, String sequencer) {
        stack.s3ObjectCreated(key, sequencer);
    }

    static List<JsonNode> requestsFor(String pipeline) {
        return runRequests.stream().filter(r -> r.path("pipeline").asText().equals(pipeline)).toList();
    }

    @Test
    void tapExportsFlowFromS3ToExactlyOneRunRequestPerReadiness() {
        runRequests.clear();
        // A tap export lands (with a space in its name), and S3 delivers the notification twice.
        s3ObjectCreated("landing/taps/date=2026-05-26/gate A 0815.csv", "0001");
        s3ObjectCreated("landing/taps/date=2026-05-26/gate A 0815.csv", "0001");
        // A derived asset's object (the runner announces those) and a stray key: no events.
        s3ObjectCreated("raw/stations/date=2026-05-26/run=x/part-0.parquet", "0002");
        s3ObjectCreated("tmp/whatever.txt", "0003");
        bus.awaitQuiescence(Duration.ofSeconds(30));

        assertEquals(1, store.events().history("landing.taps", "2026-05-26").size(), "one asset event despite the duplicate notification");
        assertTrue(store.events().history("landing.taps", "2026-05-26").get(0).producer().id().contains("gate A 0815.csv"), "the key is decoded");
        List<JsonNode> trips = requestsFor("core_trips");
        assertEquals(1, trips.size(), "core_trips runs on 'landing.taps | raw.stations'");
        assertEquals("2026-05-26", trips.get(0).path("partition").asText());
        assertEquals(List.of(), requestsFor("core_network"), "core_network does not read landing.taps");

        // A second export while that run is still going waits for the next run...
        s3ObjectCreated("landing/taps/date=2026-05-26/gate B+C 0830 žluťoučký.csv", "0004");
        bus.awaitQuiescence(Duration.ofSeconds(30));
        assertEquals(1, requestsFor("core_trips").size());
        // ...which starts when the runner reports the first one finished.
        Run first = store.runs().run(trips.get(0).path("runId").asText()).orElseThrow();
        store.runs().finishUnfenced(first.runId(), RunState.SUCCEEDED, "done");
        bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("freshet").source("freshet")
                .detailType(EventJson.RUN_SUCCEEDED).detail(EventJson.runFinished(first, "done")).build()));
        bus.awaitQuiescence(Duration.ofSeconds(30));
        assertEquals(2, requestsFor("core_trips").size());
        assertEquals(1, requestsFor("core_trips").get(1).path("consumed").size(), "the waiting export, and only it");
        // Both exports may carry the same event time (EventBridge's is to the second): look for it, not at a position.
        assertTrue(store.events().history("landing.taps", "2026-05-26").stream().anyMatch(e -> e.producer().id().contains("gate B+C 0830 žluťoučký.csv")),
                "plus signs and unicode survive");
    }

    @Test
    void allOfWaitsForEveryInputAndAnnouncesOnce() {
        runRequests.clear();
        for (String asset : List.of("raw.routes", "raw.route_stations", "raw.stations")) {
            String detail = """
                    {"eventId":"snap-%s","asset":"%s","partition":"2026-05-27","time":"2026-05-26T23:01:00Z",
                     "producer":{"kind":"run","id":"run-snap"},"dataVersion":"v1","codeVersion":"abc","objects":[],"metadata":{}}
                    """.formatted(asset, asset);
            // Recorded as the runner records its outputs, then announced twice, as a retried runner might.
            store.events().record(EventJson.assetEvent(EventJson.read(detail)));
            for (int copy = 0; copy < 2; copy++) {
                bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("freshet").source("freshet")
                        .detailType(EventJson.ASSET_UPDATED).detail(detail).build()));
            }
            if (!asset.equals("raw.stations")) {
                bus.awaitQuiescence(Duration.ofSeconds(30));
                assertEquals(List.of(), requestsFor("core_network"), "waiting for all three tables");
            }
        }
        bus.awaitQuiescence(Duration.ofSeconds(30));
        assertEquals(1, requestsFor("core_network").size());
        assertEquals(3, requestsFor("core_network").get(0).path("consumed").size());
    }

    @Test
    void aMalformedNotificationEndsInTheDeadLetterQueueWithItsReason() {
        int before = bus.deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ).size();
        s3ObjectCreated("landing/taps/date=2026-02-30/x.csv", "0005");
        bus.awaitQuiescence(Duration.ofSeconds(30));
        List<String> dead = bus.deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ);
        assertEquals(before + 1, dead.size());
        assertTrue(dead.get(dead.size() - 1).contains("2026-02-30"), dead.get(dead.size() - 1));
    }

    /** An Asset Updated no producer recorded, or one altered on the way: the trigger rejects it, and it is dead-lettered with why. */
    @Test
    void forgedAndAlteredAssetUpdatesAreDeadLetteredWithTheirReasonAndTriggerNothing() {
        runRequests.clear();
        String genuine = EventJson.assetUpdated(new AssetEvent("snap-genuine", "raw.stations", "2026-05-28",
                Instant.parse("2026-05-27T23:01:00Z"), new Producer(Producer.Kind.RUN, "run-snap"),
                "v1", Optional.of("abc"), List.of("s3://lake/raw/stations/date=2026-05-28/run=r/part-0.parquet"), Map.of("rows", "25")));
        store.events().record(EventJson.assetEvent(EventJson.read(genuine)));
        String forged = genuine.replace("snap-genuine", "snap-forged");
        String altered = genuine.replace("part-0.parquet", "evil.parquet");
        int before = bus.deadLetters(EmbeddedFanOut.TRIGGER_DLQ).size();
        for (String detail : List.of(forged, altered)) {
            bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("freshet").source("freshet")
                    .detailType(EventJson.ASSET_UPDATED).detail(detail).build()));
        }
        bus.awaitQuiescence(Duration.ofSeconds(30));
        List<String> dead = bus.deadLetters(EmbeddedFanOut.TRIGGER_DLQ).subList(before, bus.deadLetters(EmbeddedFanOut.TRIGGER_DLQ).size());
        // raw.stations feeds core_trips and core_network: one dead letter per consumer rule and event
        assertEquals(4, dead.size(), dead.toString());
        assertTrue(dead.stream().filter(d -> d.contains("snap-forged")).allMatch(d -> d.contains("is not a recorded event: rejected as forged")), dead.toString());
        assertTrue(dead.stream().filter(d -> d.contains("evil.parquet")).allMatch(d -> d.contains("differs from the recorded event in objects")), dead.toString());
        assertEquals(List.of(), runRequests, "nothing ran on them");
        for (String pipeline : List.of("core_trips", "core_network")) {
            assertTrue(store.consumers().view(pipeline, "2026-05-28").pending().isEmpty(), pipeline + " has nothing pending");
        }
    }
}
