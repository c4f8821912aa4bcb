package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.store.DynamoStore;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.rulessync.ConsumerRules;
import io.freshet.rulessync.RulesReconciler;
import io.freshet.s3events.S3EventsHandler;
import io.freshet.s3events.S3EventsService;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.trigger.TriggerHandler;
import io.freshet.trigger.TriggerService;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The whole fan-out path as template.yaml wires it, on DynamoDB Local and the in-process
 * EventBridge: S3 notifications on the default bus -> s3-events -> Asset Updated on the Freshet
 * bus -> the consumer rules rules-sync made -> trigger -> Run Requested. Handlers get JSON in and
 * the bus delivers asynchronously, with retries and dead letters, as AWS does.
 */
class FanOutEndToEndTest {

    static final Project METRO = ProjectLoader.load(Path.of("../pipelines")).orThrow();
    static final String S3_EVENTS = "arn:aws:lambda:eu-central-1:000000000000:function:s3-events";
    static final String TRIGGER = "arn:aws:lambda:eu-central-1:000000000000:function:trigger";
    static final String RUNNER = "arn:aws:lambda:eu-central-1:000000000000:function:runner";
    static final String S3_EVENTS_DLQ = "arn:aws:sqs:eu-central-1:000000000000:s3-events-dlq";

    static LocalDynamo dynamo;
    static LocalEventBridge bus;
    static DynamoStore store;
    static final List<JsonNode> runRequests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void wire() {
        dynamo = LocalDynamo.start();
        bus = LocalEventBridge.start();
        DynamoStore.createTable(dynamo.client(), "freshet-state");
        store = new DynamoStore(dynamo.client(), "freshet-state", Clock.systemUTC());
        EventBridgeClient events = bus.client();
        PublishingAnnouncer announcer = new PublishingAnnouncer(new EventPublisher(events, "freshet"));
        JsonLog quiet = new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of());

        // template.yaml: the S3 rule on the default bus, with a dead-letter queue.
        events.putRule(b -> b.name("s3-object-created").eventBusName("default").eventPattern(
                "{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\"],\"detail\":{\"bucket\":{\"name\":[\"lake\"]}}}"));
        events.putTargets(b -> b.rule("s3-object-created").eventBusName("default").targets(t -> t.id("s3-events").arn(S3_EVENTS)
                .retryPolicy(r -> r.maximumRetryAttempts(1)).deadLetterConfig(d -> d.arn(S3_EVENTS_DLQ))));
        // rules-sync: one rule per consumer pipeline.
        new RulesReconciler(events, "freshet", "freshet-consumer").reconcile(ConsumerRules.compute(METRO, "freshet-consumer", TRIGGER));
        // The runner arrives with issue 4; here a stand-in records what it is asked to run.
        events.putRule(b -> b.name("runner").eventBusName("freshet").eventPattern("{\"source\":[\"freshet\"],\"detail-type\":[\"Run Requested\"]}"));
        events.putTargets(b -> b.rule("runner").eventBusName("freshet").targets(t -> t.id("runner").arn(RUNNER).inputPath("$.detail")));

        bus.registerTarget(S3_EVENTS, lambda(new S3EventsHandler(
                new S3EventsService(METRO, Map.of("LakeBucket", "lake"), store, announcer, quiet), quiet)));
        bus.registerTarget(TRIGGER, lambda(new TriggerHandler(new TriggerService(METRO, store, announcer, quiet, Clock.systemUTC()), quiet)));
        bus.registerTarget(RUNNER, json -> runRequests.add(EventJson.read(json)));
    }

    @AfterAll
    static void stop() {
        bus.close();
        dynamo.close();
    }

    /** Invokes a Lambda handler the way the Lambda runtime does: JSON bytes in, JSON bytes out. */
    static java.util.function.Consumer<String> lambda(RequestStreamHandler handler) {
        return json -> {
            try {
                handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    static void s3ObjectCreated(String encodedKey, String sequencer) {
        String detail = """
                {"version":"0","bucket":{"name":"lake"},"object":{"key":"%s","size":120,"etag":"e-%s","sequencer":"%s"},"reason":"PutObject"}
                """.formatted(encodedKey, sequencer, sequencer);
        bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("default")
                .source("aws.s3").detailType("Object Created").detail(detail).resources("arn:aws:s3:::lake").build()));
    }

    static List<JsonNode> requestsFor(String pipeline) {
        return runRequests.stream().filter(r -> r.path("pipeline").asText().equals(pipeline)).toList();
    }

    @Test
    void tapExportsFlowFromS3ToExactlyOneRunRequestPerReadiness() {
        runRequests.clear();
        // A tap export lands (with a space in its name), and S3 delivers the notification twice.
        s3ObjectCreated("landing/taps/date%3D2026-05-26/gate+A+0815.csv", "0001");
        s3ObjectCreated("landing/taps/date%3D2026-05-26/gate+A+0815.csv", "0001");
        // A derived asset's object (the runner announces those) and a stray key: no events.
        s3ObjectCreated("raw/stations/date%3D2026-05-26/run%3Dx/part-0.parquet", "0002");
        s3ObjectCreated("tmp/whatever.txt", "0003");
        bus.awaitQuiescence(Duration.ofSeconds(30));

        assertEquals(1, store.history("landing.taps", "2026-05-26").size(), "one asset event despite the duplicate notification");
        assertTrue(store.history("landing.taps", "2026-05-26").get(0).contains("gate A 0815.csv"), "the key is decoded");
        List<JsonNode> trips = requestsFor("core_trips");
        assertEquals(1, trips.size(), "core_trips runs on 'landing.taps | raw.stations'");
        assertEquals("2026-05-26", trips.get(0).path("partition").asText());
        assertEquals(List.of(), requestsFor("core_network"), "core_network does not read landing.taps");

        // A second export while that run is still going waits for the next run...
        s3ObjectCreated("landing/taps/date%3D2026-05-26/gate+B+0830.csv", "0004");
        bus.awaitQuiescence(Duration.ofSeconds(30));
        assertEquals(1, requestsFor("core_trips").size());
        // ...which starts when the runner reports the first one finished.
        Run first = store.run(trips.get(0).path("runId").asText()).orElseThrow();
        store.finishRun(first.runId(), io.freshet.core.runs.RunState.SUCCEEDED, "done");
        bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("freshet").source("freshet")
                .detailType(EventJson.RUN_SUCCEEDED).detail(EventJson.runFinished(first, "done")).build()));
        bus.awaitQuiescence(Duration.ofSeconds(30));
        assertEquals(2, requestsFor("core_trips").size());
        assertEquals(1, requestsFor("core_trips").get(1).path("consumed").size(), "the waiting export, and only it");
    }

    @Test
    void allOfWaitsForEveryInputAndAnnouncesOnce() {
        runRequests.clear();
        for (String asset : List.of("raw.routes", "raw.route_stations", "raw.stations")) {
            String detail = """
                    {"eventId":"snap-%s","asset":"%s","partition":"2026-05-27","time":"2026-05-26T23:01:00Z",
                     "producer":{"kind":"run","id":"run-snap"},"dataVersion":"v1","codeVersion":"abc","objects":[],"metadata":{}}
                    """.formatted(asset, asset);
            // Announced twice, as a retried runner might.
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
        int before = bus.deadLetters(S3_EVENTS_DLQ).size();
        s3ObjectCreated("landing/taps/date%3D2026-02-30/x.csv", "0005");
        bus.awaitQuiescence(Duration.ofSeconds(30));
        List<String> dead = bus.deadLetters(S3_EVENTS_DLQ);
        assertEquals(before + 1, dead.size());
        assertTrue(dead.get(dead.size() - 1).contains("2026-02-30"), dead.get(dead.size() - 1));
    }
}
