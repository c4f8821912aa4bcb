package io.freshet.local.stack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.rulessync.DesiredRule;
import io.freshet.scheduler.SchedulerService;
import io.freshet.core.load.Project;
import io.freshet.core.location.StackParameters;
import io.freshet.rulessync.ConsumerRules;
import io.freshet.rulessync.RulesReconciler;
import io.freshet.s3events.S3EventsHandler;
import io.freshet.s3events.S3EventsService;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.trigger.TriggerHandler;
import io.freshet.trigger.TriggerService;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * The event path of a Freshet stack, in this JVM, wired as template.yaml wires it: S3's
 * {@code Object Created} on the default bus -> s3-events -> {@code Asset Updated} on the freshet
 * bus -> the consumer rules rules-sync computes -> trigger -> {@code Run Requested}, which goes to
 * the given listener (the runner's place), and {@code Run Outputs Staged} to another (the
 * publisher's place). Each handler receives JSON bytes as Lambda would
 * give them, over DynamoDB Local and the in-process EventBridge.
 */
public final class EmbeddedFanOut implements AutoCloseable {

    public static final String BUS = "freshet";
    public static final String TABLE = "freshet-state";
    public static final String RULE_PREFIX = "freshet-consumer";
    static final String ARN = "arn:aws:lambda:eu-central-1:000000000000:function:";
    public static final String S3_EVENTS_DLQ = "arn:aws:sqs:eu-central-1:000000000000:freshet-s3-events-dlq";
    /** The consumer rules' dead letters, as template.yaml gives rules-sync TriggerDeadLetters. */
    public static final String TRIGGER_DLQ = "arn:aws:sqs:eu-central-1:000000000000:freshet-trigger-dlq";

    private final LocalDynamo dynamo;
    private final LocalEventBridge bus;
    private final StateStore store;
    private final PublishingAnnouncer announcer;
    private final String lakeBucket;
    private final Project project;
    private final JsonLog log;
    private final Clock clock;
    private final Invocations invocations;

    private EmbeddedFanOut(LocalDynamo dynamo, LocalEventBridge bus, StateStore store,
                        PublishingAnnouncer announcer, String lakeBucket, Project project, JsonLog log, Clock clock, Invocations invocations) {
        this.invocations = invocations;
        this.dynamo = dynamo;
        this.bus = bus;
        this.store = store;
        this.announcer = announcer;
        this.lakeBucket = lakeBucket;
        this.project = project;
        this.log = log;
        this.clock = clock;
    }

    /** Starts DynamoDB Local and the bus, creates the table and the rules, and registers the handlers. */
    public static EmbeddedFanOut start(Project project, String lakeBucket, Consumer<JsonNode> runRequested, JsonLog log) {
        return start(project, lakeBucket, runRequested, log, Clock.systemUTC());
    }

    /**
     * As above, with every function on {@code clock} (tests move it to drive schedules and
     * freshness). No publisher listens: a run a runner stages stays PUBLISHING.
     */
    public static EmbeddedFanOut start(Project project, String lakeBucket, Consumer<JsonNode> runRequested, JsonLog log, Clock clock) {
        return start(project, lakeBucket, runRequested, staged -> { }, log, clock);
    }

    /** As above, {@code Run Outputs Staged} (its detail) going to {@code outputsStaged}, as the publisher's rule does. */
    public static EmbeddedFanOut start(Project project, String lakeBucket, Consumer<JsonNode> runRequested, Consumer<JsonNode> outputsStaged,
                                       JsonLog log, Clock clock) {
        return start(project, lakeBucket, runRequested, outputsStaged, log, clock, List.of());
    }

    /** As above, every state-table call of every function going through {@code storeInterceptors} (a benchmark's meter). */
    public static EmbeddedFanOut start(Project project, String lakeBucket, Consumer<JsonNode> runRequested, Consumer<JsonNode> outputsStaged,
                                       JsonLog log, Clock clock, List<ExecutionInterceptor> storeInterceptors) {
        return start(project, StackParameters.lakeBucket(lakeBucket), runRequested, outputsStaged, log, clock, storeInterceptors);
    }

    /** As above, on a stack whose parameters ({@code ${LakeBucket}}, {@code ${Env}}...) are {@code stack}. */
    public static EmbeddedFanOut start(Project project, StackParameters stack, Consumer<JsonNode> runRequested, Consumer<JsonNode> outputsStaged,
                                       JsonLog log, Clock clock, List<ExecutionInterceptor> storeInterceptors) {
        String lakeBucket = stack.lakeBucket();
        LocalDynamo dynamo = LocalDynamo.start(storeInterceptors);
        LocalEventBridge bus = LocalEventBridge.start(LocalEventBridge.Delivery.ASYNCHRONOUS, clock);
        DynamoStateStore.createTable(dynamo.client(), TABLE);
        StateStore store = new DynamoStateStore(dynamo.client(), TABLE, clock);
        var events = bus.client();
        PublishingAnnouncer announcer = new PublishingAnnouncer(new EventPublisher(events, BUS));

        events.putRule(b -> b.name("freshet-s3-object-created").eventBusName("default").eventPattern(
                "{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\"],\"detail\":{\"bucket\":{\"name\":[\"" + lakeBucket + "\"]}}}"));
        events.putTargets(b -> b.rule("freshet-s3-object-created").eventBusName("default").targets(t -> t.id("s3-events").arn(ARN + "s3-events")
                .retryPolicy(r -> r.maximumRetryAttempts(2)).deadLetterConfig(d -> d.arn(S3_EVENTS_DLQ))));
        new RulesReconciler(events, BUS, RULE_PREFIX).reconcile(ConsumerRules.compute(project, RULE_PREFIX, ARN + "trigger",
                DesiredRule.Delivery.withDeadLetters(TRIGGER_DLQ)));
        events.putRule(b -> b.name("freshet-runner").eventBusName(BUS)
                .eventPattern("{\"source\":[\"freshet\"],\"detail-type\":[\"" + EventJson.RUN_REQUESTED + "\"]}"));
        events.putTargets(b -> b.rule("freshet-runner").eventBusName(BUS).targets(t -> t.id("runner").arn(ARN + "runner").inputPath("$.detail")));

        Invocations invocations = new Invocations();
        bus.registerTarget(ARN + "s3-events", timed(invocations, "s3-events", lambda(new S3EventsHandler(
                new S3EventsService(project, stack, store, announcer, log), log))));
        bus.registerTarget(ARN + "trigger", timed(invocations, "trigger",
                lambda(new TriggerHandler(new TriggerService(project, store, announcer, log, clock), log))));
        events.putRule(b -> b.name("freshet-publisher").eventBusName(BUS)
                .eventPattern("{\"source\":[\"freshet\"],\"detail-type\":[\"" + EventJson.RUN_OUTPUTS_STAGED + "\"]}"));
        events.putTargets(b -> b.rule("freshet-publisher").eventBusName(BUS).targets(t -> t.id("publisher").arn(ARN + "publisher").inputPath("$.detail")));
        bus.registerTarget(ARN + "runner", json -> runRequested.accept(EventJson.read(json)));
        bus.registerTarget(ARN + "publisher", json -> outputsStaged.accept(EventJson.read(json)));
        return new EmbeddedFanOut(dynamo, bus, store, announcer, lakeBucket, project, log, clock, invocations);
    }

    /** A log that writes nothing, for benchmarks and quiet tests. */
    public static JsonLog quietLog() {
        return new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of());
    }

    /** Each invocation of {@code function} counted and timed; a failed one too (Lambda bills it). */
    private static Consumer<String> timed(Invocations invocations, String function, Consumer<String> handler) {
        return json -> {
            long start = System.nanoTime();
            try {
                handler.accept(json);
            } finally {
                invocations.record(function, System.nanoTime() - start);
            }
        };
    }

    /** The s3-events and trigger functions' invocations so far (count and duration). */
    public Invocations invocations() {
        return invocations;
    }

    /** Invokes a handler the way the Lambda runtime does: JSON bytes in, JSON bytes out. */
    static Consumer<String> lambda(RequestStreamHandler handler) {
        return json -> {
            try {
                handler.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Announces an object creation in the lake as S3 does: on the default bus, key URL-encoded. */
    public void s3ObjectCreated(String key, String sequencer) {
        String detail = """
                {"version":"0","bucket":{"name":"%s"},"object":{"key":"%s","size":120,"etag":"e-%s","sequencer":"%s"},"reason":"PutObject"}
                """.formatted(lakeBucket, encode(key), sequencer, sequencer);
        bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("default")
                .source("aws.s3").detailType("Object Created").detail(detail).resources("arn:aws:s3:::" + lakeBucket).build()));
    }

    /** S3's form encoding of keys, slashes kept. */
    static String encode(String key) {
        return Stream.of(key.split("/", -1)).map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)).collect(Collectors.joining("/"));
    }

    public StateStore store() {
        return store;
    }

    public ScheduleState schedulerStore() {
        return store.schedule();
    }

    /** What the runner needs to announce on this stack's bus. */
    public PublishingAnnouncer announcer() {
        return announcer;
    }

    /** The scheduler function's logic on this stack; each {@code tick()} is one minute's invocation. */
    public SchedulerService scheduler() {
        return scheduler(project);
    }

    /** The tick of another deployment of the pipelines (a new code version) on this stack's state. */
    public SchedulerService scheduler(Project deployed) {
        return new SchedulerService(deployed, store, announcer, log, clock, "local");
    }

    /** Where manual runs and backfills ask for runs, as the scheduler and trigger do. */
    public RunLauncher launcher() {
        return new RunLauncher(store, announcer, log, clock);
    }

    public Project project() {
        return project;
    }

    public LocalEventBridge bus() {
        return bus;
    }

    public LocalDynamo dynamo() {
        return dynamo;
    }

    public void awaitQuiescence(Duration timeout) {
        bus.awaitQuiescence(timeout);
    }

    @Override
    public void close() {
        bus.close();
        dynamo.close();
    }
}
