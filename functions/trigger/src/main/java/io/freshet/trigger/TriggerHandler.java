package io.freshet.trigger;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.AwsClients;
import io.freshet.aws.CommonSettings;
import io.freshet.aws.Config;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.priming.Priming;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.json.MalformedEventException;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.model.Input;
import io.freshet.core.model.PartitionMapping;
import io.freshet.core.model.Pipeline;
import io.freshet.core.partition.PartitionGrain;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.core.trigger.Readiness;
import io.freshet.state.ConsumerView;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.RunLauncher;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Lambda entry point of the trigger: the target of every consumer rule. Thin: it parses the
 * delivery and hands it to {@link TriggerService}. A malformed delivery fails the invocation with
 * its reason, so Lambda's retries and then the function's dead-letter queue keep it.
 */
public final class TriggerHandler implements RequestStreamHandler {

    private final TriggerService service;
    private final JsonLog log;

    /** For Lambda: everything from the environment, built once per cold start, then primed. */
    public TriggerHandler() {
        this(CommonSettings.processEnvironment(), Clock.systemUTC());
        prime(CommonSettings.processEnvironment());
    }

    /** Everything from an environment as template.yaml sets it (the local stack passes its own). */
    public TriggerHandler(Map<String, String> env, Clock clock) {
        this(Config.from(env), new DynamoStateStore(DynamoClients.create(Config.from(env).dynamoEndpoint(), env), Config.from(env).table(), clock),
                clock, JsonLog.forFunction("trigger", env, clock));
    }

    private TriggerHandler(Config config, StateStore store, Clock clock, JsonLog log) {
        this(new TriggerService(config.project(),
                store,
                PublishingAnnouncer.create(config), log, clock), log);
    }

    /** For tests and the local stack: an assembled service. */
    public TriggerHandler(TriggerService service, JsonLog log) {
        this.service = service;
        this.log = log;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String json = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        try {
            service.handle(EventJson.read(json));
        } catch (MalformedEventException e) {
            log.error("rejected delivery", Map.of("reason", e.getMessage()));
            throw e;
        }
        output.write("{}".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Priming for SnapStart, during init: an {@code Asset Updated} of an input of the first
     * pipeline events start goes once through this handler's whole path (parsing, the pending set,
     * readiness), and a run is created and announced, on a store and bus whose SDK clients answer
     * every request themselves. Nothing is sent or logged; what remains is the classes it loaded
     * and initialized, which the snapshot keeps, so that the first invocation after a restore does
     * not load them. A failure only ends the priming. {@code FRESHET_PRIMING=off} skips it
     * ({@code local/freshet bench coldstart} compares both; docs/performance.md, "Cold start").
     */
    static void prime(Map<String, String> env) {
        Priming.prime(env, () -> primeOnce(env));
    }

    /** Whether a DynamoDB request reads the item of event {@code eventId} by its key (a GetItem, as {@link RecordedEvents} does). */
    private static boolean readsEventItem(String requestBody, String eventId) {
        return requestBody.contains("\"EV#" + eventId + "\"") && requestBody.contains("\"Key\"") && !requestBody.contains("\"TransactItems\"");
    }

    /** One priming pass; unlike {@link #prime} it fails when something on the way fails (tests call it). */
    static void primeOnce(Map<String, String> env) throws IOException {
        Config config = Config.from(env);
        Project project = config.project();
        Optional<Pipeline> consumer = project.pipelines().stream().filter(p -> !p.inputs().isEmpty())
                .sorted((a, b) -> Boolean.compare(Readiness.isEventDriven(b), Readiness.isEventDriven(a))).findFirst();
        if (consumer.isEmpty()) {
            return;
        }
        Pipeline p = consumer.get();
        Input input = p.inputs().stream().filter(i -> i.mapping() instanceof PartitionMapping.Identity)
                .findFirst().orElse(p.inputs().get(0));
        PartitionGrain grain = p.partitioning().grain();
        String partition = grain == PartitionGrain.NONE ? "" : grain.keyOf(LocalDateTime.of(2026, 1, 1, 0, 0));
        Instant time = Instant.parse("2026-01-01T00:00:00Z");
        String detail = EventJson.assetUpdated(new AssetEvent("priming", input.asset(), partition, time, new Producer(Producer.Kind.RUN, "priming"),
                "priming", Optional.of("priming"), List.of("s3://priming/priming/part-0.parquet"), Map.of("rows", "1")));
        String delivery = """
                {"pipeline":"%s","event":{"version":"0","id":"priming","detail-type":"%s","source":"%s","account":"000000000000",
                 "time":"%s","region":"%s","resources":[],"detail":%s}}
                """.formatted(p.name(), EventJson.ASSET_UPDATED, EventJson.SOURCE, time, AwsClients.region(env).id(), detail);
        JsonLog quiet = Priming.quietLog("trigger", Clock.systemUTC());
        // The table answers nothing, except that the priming event is recorded (the trigger checks every delivery against it).
        String recorded = EventJson.write(EventJson.MAPPER.createObjectNode().set("Item", EventJson.MAPPER.createObjectNode()
                .set("json", EventJson.MAPPER.createObjectNode().put("S", detail))));
        try (DynamoDbClient db = Priming.dynamo(env, body -> readsEventItem(body, "priming") ? recorded : "{}");
             EventBridgeClient events = Priming.events(env)) {
            Clock clock = Clock.systemUTC();
            DynamoStateStore store = new DynamoStateStore(db, config.table(), clock);
            PublishingAnnouncer announcer = new PublishingAnnouncer(new EventPublisher(events, config.bus()));
            new TriggerHandler(new TriggerService(project, store, announcer, quiet, clock), quiet)
                    .handleRequest(new ByteArrayInputStream(delivery.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
            // The delivery created its run on delivery (an empty partition, the event ready by itself);
            // the other way, a run created by an evaluation of the pending set, is primed directly.
            PendingEvent pending = new PendingEvent("priming", input.asset(), partition, time);
            store.runs().tryCreate(new ConsumerView(p.name(), partition, 0, Optional.empty(), Optional.empty(), true, List.of(pending)),
                    "run-priming", List.of(pending), "priming").ifPresent(new RunLauncher(store, announcer, quiet, clock)::announce);
        }
    }
}
