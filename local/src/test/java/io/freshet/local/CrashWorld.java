package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.AwsClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.Producer;
import io.freshet.core.location.StackParameters;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.publisher.PublisherService;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.runner.RunnerService;
import io.freshet.s3events.S3EventsHandler;
import io.freshet.s3events.S3EventsService;
import io.freshet.scheduler.SchedulerService;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;
import io.freshet.trigger.TriggerHandler;
import io.freshet.trigger.TriggerService;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A whole stack whose functions can be killed after any external write ({@link CrashInterceptor}):
 * the fan-out stack (DynamoDB Local, the Event Ruler bus with the rules rules-sync computes),
 * S3Proxy, and the s3-events, trigger, runner (DuckDB) and scheduler functions, each built on SDK
 * clients that carry the interceptor and each invocation run inside
 * {@link CrashInterceptor#invoke}. The bus redelivers a failed delivery at once (its retry
 * policy), and the test calls the tick as EventBridge Scheduler would, on a clock it moves.
 */
final class CrashWorld implements AutoCloseable {

    static final String LAKE = "lake";
    /** EmbeddedFanOut's function ARNs: the targets its rules name. */
    static final String FUNCTIONS = "arn:aws:lambda:eu-central-1:000000000000:function:";

    final MutableClock clock;
    final CrashInterceptor crashes = new CrashInterceptor();
    final EmbeddedFanOut stack;
    final LocalS3 s3;
    /** What the stack runs: the tick, the runner and the publisher take a new one from {@link #deploy}. */
    volatile Project project;
    final StateStore store;
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final JsonLog log;
    /** Faults at the runner's own named points (a kill that no SDK call marks), per pipeline. */
    final Map<String, FaultPoints> runnerFaults = new ConcurrentHashMap<>();
    /** Faults at the publisher's own named points (after an Iceberg commit, which no SDK call of ours marks), per pipeline. */
    final Map<String, FaultPoints> publisherFaults = new ConcurrentHashMap<>();
    private final ThreadLocal<String> publishing = ThreadLocal.withInitial(() -> "");
    private volatile PublisherService publisher;
    private volatile SchedulerService scheduler;
    private final PublishingAnnouncer announcer;
    private final Path scratch;
    private final AtomicInteger sequencer = new AtomicInteger(1000);
    /** Ticks since {@link #restartTickCount}: a tick's crash points are named by its number in the story. */
    private final AtomicInteger ticks = new AtomicInteger();
    private final DynamoDbClient dynamo;
    private final EventBridgeClient events;
    private final S3Client s3Client;

    /** The crash project: orders_daily on each day's export, summary on each of its outputs. */
    CrashWorld(Instant start, Path tmp) {
        this(Path.of("src/test/resources/crash-project"), start, tmp);
    }

    CrashWorld(Path projectDir, Instant start, Path tmp) {
        this.clock = new MutableClock(start);
        this.log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), clock, Map.of());
        this.project = ProjectLoader.load(projectDir).orThrow();
        this.s3 = LocalS3.start();
        s3.createBucket(LAKE);
        this.stack = EmbeddedFanOut.start(project, LAKE, detail -> runner(detail), detail -> publisher(detail), log, clock);
        this.dynamo = client(DynamoDbClient.builder(), stack.dynamo().endpoint());
        this.events = client(EventBridgeClient.builder(), stack.bus().endpoint());
        this.s3Client = AwsClients.build(S3Client.builder().forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(crashes)), Optional.of(s3.endpoint()), Map.of());
        this.store = new DynamoStateStore(dynamo, EmbeddedFanOut.TABLE, clock);
        PublishingAnnouncer announcer = new PublishingAnnouncer(new EventPublisher(events, EmbeddedFanOut.BUS));
        S3EventsHandler s3Events = new S3EventsHandler(new S3EventsService(project, StackParameters.lakeBucket(LAKE), store, announcer, log), log);
        TriggerHandler trigger = new TriggerHandler(new TriggerService(project, store, announcer, log, clock), log);
        // The stack's own targets, replaced by the same handlers on the crashing clients.
        stack.bus().registerTarget(FUNCTIONS + "s3-events", json -> crashes.invoke("s3-events", "Object Created", () -> lambda(s3Events, json)));
        stack.bus().registerTarget(FUNCTIONS + "trigger", json -> crashes.invoke("trigger", triggerSignature(json), () -> lambda(trigger, json)));
        this.announcer = announcer;
        this.scratch = tmp.resolve("scratch");
        deploy(project);
    }

    /**
     * A new version of the project's code, as a deploy of new packages: the tick, the runner and the
     * publisher run it from now on (s3-events and the trigger keep theirs: the changes deployed in
     * these tests are of a pipeline's SQL, which they do not read).
     */
    void deploy(Project deployed) {
        this.project = deployed;
        this.scheduler = new SchedulerService(deployed, store, announcer, log, clock, "local");
        this.publisher = TestLakes.publisher(deployed, store, s3, LAKE, announcer, log, clock,
                point -> publisherFaults.getOrDefault(publishing.get(), FaultPoints.NONE).reached(point));
    }

    private <B extends AwsClientBuilder<B, C>
            & AwsSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        builder.overrideConfiguration(o -> o.addExecutionInterceptor(crashes));
        return AwsClients.build(builder, Optional.of(endpoint), Map.of());
    }

    private void runner(JsonNode detail) {
        String pipeline = detail.path("pipeline").asText();
        FaultPoints faults = runnerFaults.getOrDefault(pipeline, FaultPoints.NONE);
        crashes.invoke("runner", pipeline, () -> new RunnerService(project, store, new ObjectStore(s3Client), announcer, LAKE,
                (p, step, partition, watermarks, dir) -> {
                    throw new UnsupportedOperationException("no snapshots in the crash fixture");
                }, clock, log, scratch, faults).execute(detail.path("runId").asText()));
    }

    private void publisher(JsonNode detail) {
        String pipeline = detail.path("pipeline").asText();
        publishing.set(pipeline);
        try {
            crashes.invoke("publisher", pipeline, () -> publisher.publish(detail.path("runId").asText()));
        } finally {
            publishing.remove();
        }
    }

    /**
     * Which delivery a trigger invocation is: the consumer, the event's type and what it is about,
     * and for an upload the object's name, so that two uploads of one day are two invocations (a
     * run's output objects have run-scoped names, which a story's second run does not repeat).
     */
    private static String triggerSignature(String json) {
        JsonNode d = EventJson.read(json);
        JsonNode envelope = d.path("event");
        String type = envelope.path("detail-type").asText();
        JsonNode detail = envelope.path("detail");
        String about = type.equals(EventJson.ASSET_UPDATED) ? detail.path("asset").asText() : detail.path("pipeline").asText();
        if (type.equals(EventJson.ASSET_UPDATED) && detail.path("producer").path("kind").asText().equals(Producer.Kind.S3_UPLOAD.wireName())) {
            String object = detail.path("objects").path(0).asText();
            about += " " + object.substring(object.lastIndexOf('/') + 1);
        }
        return d.path("pipeline").asText() + " <- " + type + " " + about;
    }

    private static void lambda(RequestStreamHandler handler, String json) {
        try {
            handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One tick, as EventBridge Scheduler invokes it (a tick that dies is simply followed by the next one). */
    void tick() {
        try {
            crashes.invoke("scheduler", "tick " + ticks.incrementAndGet(), () -> scheduler.tick());
        } catch (RuntimeException diedOrFailed) {
            // the next tick redoes what this one did not
        }
        settle();
    }

    void restartTickCount() {
        ticks.set(0);
    }

    void settle() {
        stack.awaitQuiescence(Duration.ofSeconds(60));
    }

    /** An order export for {@code day} lands, and S3 announces it. */
    void upload(String day, String csvRows) {
        uploadWithoutWaiting(day, "orders.csv", csvRows);
        settle();
    }

    /** An order export lands and S3 announces it; the stack takes it up while the caller goes on (a function running now). */
    void uploadWithoutWaiting(String day, String file, String csvRows) {
        String key = "landing/orders/date=" + day + "/" + file;
        s3.client().putObject(b -> b.bucket(LAKE).key(key), RequestBody.fromString("order_id,amount\n" + csvRows));
        stack.s3ObjectCreated(key, String.format("%016X", sequencer.incrementAndGet()));
    }

    /** No run active or with its end unannounced, nothing dead-lettered, nothing left undelivered on the bus. */
    void assertNothingLeftOver(String context) {
        assertEquals(List.of(), store.runs().active(), context + ": runs still active");
        assertEquals(List.of(), store.runs().unannouncedEnds(), context + ": ends not announced");
        assertEquals(List.of(), stack.bus().deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ), context);
        assertEquals(List.of(), stack.bus().deadLetters(EmbeddedFanOut.TRIGGER_DLQ), context);
        assertEquals(List.of(), stack.bus().undelivered(), context);
    }

    /** The run's {@code Run Succeeded} went out on the bus. */
    void assertEndAnnounced(Run run, String context) {
        assertTrue(published(EventJson.RUN_SUCCEEDED).stream().anyMatch(e -> e.path("runId").asText().equals(run.runId())),
                context + ": Run Succeeded never went out: " + run);
    }

    List<JsonNode> published(String detailType) {
        return stack.bus().events(EmbeddedFanOut.BUS).stream().map(EventJson::read)
                .filter(e -> e.path("detail-type").asText().equals(detailType)).map(e -> e.path("detail")).toList();
    }

    String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        dynamo.close();
        events.close();
        s3Client.close();
        stack.close();
        s3.close();
    }
}
