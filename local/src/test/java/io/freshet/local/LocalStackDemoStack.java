package io.freshet.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.AwsClients;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.events.EventBridgeClients;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.S3Clients;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.demo.Demo;
import io.freshet.local.demo.DemoStack;
import io.freshet.local.stack.LocalFunctions;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.rulessync.RulesSyncHandler;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalPostgres;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.EventBridgeConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The demo's stack on LocalStack: DynamoDB, S3, EventBridge and SQS are LocalStack's, the
 * functions are the same handler classes as Lambda runs, built in this JVM the way
 * {@link io.freshet.local.stack.EmbeddedStack} builds them (their public {@code (env, clock)}
 * constructor, template.yaml's environment, the endpoint overrides pointing at LocalStack).
 *
 * <p>LocalStack cannot invoke a function that lives in this JVM, so each EventBridge target is an
 * SQS queue standing for the function, and {@link #settle} pumps the queues into the handlers:
 * <ul>
 *   <li>the rules template.yaml declares (S3 {@code Object Created} on the default bus, {@code Run
 *       Requested} with {@code InputPath $.detail}) are created as TemplateWiring reads them, with
 *       their retry policies and dead-letter queues;</li>
 *   <li>the consumer rules are created by the rules-sync custom resource itself: its handler gets
 *       the CloudFormation {@code Create} of {@code local/events/rules-sync-create.json}, with the
 *       trigger's queue as {@code TriggerFunctionArn};</li>
 *   <li>the lake bucket has EventBridge notifications on, so each upload makes LocalStack's own
 *       {@code Object Created};</li>
 *   <li>one more rule copies everything on Freshet's bus to an observer queue: the demo reports the
 *       freshness events it sees there.</li>
 * </ul>
 * A delivery whose handler fails is made visible again at once and tried three times in all, as
 * Lambda's asynchronous invocations are; then it goes to the function's dead-letter queue with its
 * error. The minute tick invokes the scheduler directly, as {@code EmbeddedStack.tick()} does.
 *
 * <p>Every stack names what it creates in LocalStack afresh: template.yaml read with a
 * {@code StackPrefix} of its own ({@code freshet-<8 random characters>}), so the table, the bus,
 * the bucket and the consumer rules are this stack's, and its queues and the rules it creates
 * itself carry the prefix too. A LocalStack that is reused (a developer's, or a second run in
 * CI) serves a new stack as it serves a fresh one; the old stacks' resources stay there for
 * inspection until LocalStack stops (it keeps nothing).
 *
 * <p>One translation: LocalStack stamps S3's events with its wall clock, the story runs on a
 * simulated one, and Freshet reads time from asset events (freshness, which files a run reads). So
 * the {@code time} of an {@code Object Created} is set to the simulated time when it is delivered,
 * which in this stack is the time of the upload (nothing else moves the simulated clock between).
 */
final class LocalStackDemoStack implements DemoStack {

    /** How long every queue must stay empty before the stack counts as settled. */
    static final Duration QUIET = Duration.ofSeconds(3);
    /** Lambda's asynchronous invocations: the first attempt and two retries. */
    static final int ATTEMPTS = 3;
    /** Longer than any invocation here (a run's Lambda timeout is 15 minutes). */
    static final int VISIBILITY_SECONDS = 900;

    /** A function fed from a queue, and where its failed deliveries go. */
    private record Feed(String function, String queueUrl, String deadLetterQueue) {
    }

    /** The longest prefix template.yaml's StackPrefix allows ({@code [a-z][a-z0-9-]{1,20}}). */
    static final int MAX_STACK_PREFIX = 21;
    /** The queue of the rule that copies everything on Freshet's bus for the demo's report. */
    private static final String OBSERVER = "Observer";

    private final URI endpoint;
    private final Path repository;
    private final Path stateDir;
    private final Clock clock;
    private final Project project;
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final EventBridgeClient events;
    private final SqsClient sqs;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Map<String, String> queueUrls = new LinkedHashMap<>();
    private final Map<String, String> queueArns = new LinkedHashMap<>();
    private final Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();
    private final List<Feed> feeds = new ArrayList<>();
    private final List<String> busEvents = new ArrayList<>();
    /** Failed attempts by SQS message id (counted here rather than trusting ApproximateReceiveCount). */
    private final Map<String, Integer> failures = new HashMap<>();
    private LocalPostgres postgres;
    private TemplateWiring wiring;
    private String prefix;
    private String table;
    private String busName;
    private String lakeBucket;
    private String observerQueueUrl;

    private LocalStackDemoStack(URI endpoint, Path repository, Path stateDir, Clock clock) {
        this.endpoint = endpoint;
        this.repository = repository;
        this.stateDir = stateDir;
        this.clock = clock;
        this.project = ProjectLoader.load(repository.resolve("pipelines")).orThrow();
        // The clients the functions build: same region, same credentials, so the same LocalStack account.
        this.dynamo = track(DynamoClients.create(Optional.of(endpoint)));
        this.s3 = track(S3Clients.create(Optional.of(endpoint)));
        this.events = track(EventBridgeClients.create(Optional.of(endpoint)));
        this.sqs = track(AwsClients.build(SqsClient.builder(), Optional.of(endpoint), System.getenv()));
    }

    /**
     * Stacks on the LocalStack at {@code endpoint}, from {@code repository}'s template.yaml and
     * pipelines/; {@code localStack} says which LocalStack that is, for the story's first line.
     */
    static Factory factory(String localStack, URI endpoint, Path repository, Path stateDir) {
        return new Factory() {
            @Override
            public String kind() {
                return localStack + ", the functions in this JVM";
            }

            @Override
            public DemoStack start(Clock clock) {
                LocalStackDemoStack stack = new LocalStackDemoStack(endpoint, repository, stateDir, clock);
                try {
                    stack.wire();
                    return stack;
                } catch (RuntimeException e) {
                    stack.close();
                    throw e;
                }
            }
        };
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private static Region region() {
        return AwsClients.region(System.getenv());
    }

    // ------------------------------------------------------------------ wiring

    private void wire() {
        Path template = repository.resolve("template.yaml");
        // Names as CloudFormation would give them for a StackPrefix of this stack's own.
        String base = TemplateWiring.read(template, Map.of(), id -> id).parameters().getOrDefault("StackPrefix", "freshet");
        prefix = uniquePrefix(base);
        Map<String, String> parameters = Map.of("StackPrefix", prefix);
        TemplateWiring probe = TemplateWiring.read(template, parameters, Map.of(), id -> id);
        table = prefix + "-state";
        busName = prefix;
        lakeBucket = prefix + "-lake-localstack";

        // One queue per function an EventBridge rule targets, and its dead letters. Read with
        // identity ARNs, the probe names each by logical id.
        Set<String> fed = new LinkedHashSet<>();
        Set<String> deadLetterQueues = new LinkedHashSet<>();
        for (TemplateWiring.Rule r : probe.rules()) {
            fed.add(r.function());
            r.deadLetterQueue().ifPresent(deadLetterQueues::add);
        }
        TemplateWiring.ConsumerRules consumers = probe.consumerRules()
                .orElseThrow(() -> new IllegalStateException("template.yaml declares no consumer rules (the rules-sync custom resource)"));
        fed.add(consumers.triggerFunction());
        for (String function : fed) {
            String deadLetters = deadLetterQueueOf(function);
            deadLetterQueues.add(deadLetters);
            feeds.add(new Feed(function, createQueue(function), deadLetters));
        }
        deadLetterQueues.forEach(this::createQueue);
        observerQueueUrl = createQueue(OBSERVER);

        wiring = TemplateWiring.read(template, parameters, Map.of("StateTable", table, "Bus", busName, "LakeBucket", lakeBucket),
                id -> queueArns.getOrDefault(id, "arn:aws:lambda:" + region().id() + ":000000000000:function:" + id));

        postgres = track(LocalPostgres.start());
        DynamoStateStore.createTable(dynamo, table);
        events.createEventBus(b -> b.name(busName));
        s3.createBucket(b -> {
            b.bucket(lakeBucket);
            if (!region().equals(Region.US_EAST_1)) {
                b.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(region().id())));
            }
        });
        // template.yaml's NotificationConfiguration: every object created goes to the default bus.
        s3.putBucketNotificationConfiguration(b -> b.bucket(lakeBucket)
                .notificationConfiguration(n -> n.eventBridgeConfiguration(EventBridgeConfiguration.builder().build())));

        for (TemplateWiring.Rule r : wiring.rules()) {
            String rule = prefix + "-" + r.name(); // on the default bus too, which every stack shares
            events.putRule(b -> b.name(rule).eventBusName(r.bus()).eventPattern(r.pattern()));
            Target.Builder target = Target.builder().id(r.function()).arn(queueArns.get(r.function()))
                    .retryPolicy(p -> p.maximumRetryAttempts(r.maximumRetryAttempts()));
            r.inputPath().ifPresent(target::inputPath);
            r.deadLetterQueue().ifPresent(q -> target.deadLetterConfig(d -> d.arn(q)));
            putTarget(rule, r.bus(), target.build());
        }
        String observer = prefix + "-observer";
        events.putRule(b -> b.name(observer).eventBusName(busName).eventPattern("{\"source\":[\"" + EventJson.SOURCE + "\"]}"));
        putTarget(observer, busName, Target.builder().id("observer").arn(queueArns.get(OBSERVER)).build());

        for (TemplateWiring.LambdaFunction f : wiring.functions().values()) {
            if (!wiring.servesCustomResource(f.logicalId())) { // the custom resource runs once, below
                handlers.put(f.logicalId(), instantiate(f));
            }
        }
        syncConsumerRules(wiring.consumerRules().orElseThrow());
    }

    /** template.yaml's dead-letter queue of a function: S3EventsFunction's is S3EventsDeadLetters. */
    private static String deadLetterQueueOf(String function) {
        return function.replaceFirst("Function$", "") + "DeadLetters";
    }

    /** {@code base} and a random suffix, within what template.yaml allows a StackPrefix. */
    static String uniquePrefix(String base) {
        String suffix = Long.toString(Math.floorMod(new SecureRandom().nextLong(), 36L * 36 * 36 * 36 * 36 * 36 * 36 * 36), 36);
        String run = "0".repeat(8 - suffix.length()) + suffix;
        return base.substring(0, Math.min(base.length(), MAX_STACK_PREFIX - run.length() - 1)) + "-" + run;
    }

    /** A queue named {@code <prefix>-<name>}, known here by {@code name} (a function's logical id, or a dead-letter queue's). */
    private String createQueue(String name) {
        String url = sqs.createQueue(b -> b.queueName(prefix + "-" + name)).queueUrl();
        queueUrls.put(name, url);
        queueArns.put(name, sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN));
        return url;
    }

    private void putTarget(String rule, String bus, Target target) {
        var put = events.putTargets(b -> b.rule(rule).eventBusName(bus).targets(target));
        if (put.failedEntryCount() != null && put.failedEntryCount() > 0) {
            throw new IllegalStateException("LocalStack refused the target of rule " + rule + ": " + put.failedEntries());
        }
    }

    /**
     * Deploys the consumer rules as CloudFormation would: the rules-sync handler gets the Create of
     * local/events/rules-sync-create.json, for this stack's bus and prefix and with the trigger's
     * queue as the target, and must answer SUCCESS.
     */
    private void syncConsumerRules(TemplateWiring.ConsumerRules c) {
        ObjectNode request;
        try {
            request = (ObjectNode) EventJson.MAPPER.readTree(repository.resolve("local/events/rules-sync-create.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode props = (ObjectNode) request.get("ResourceProperties");
        props.put("BusName", c.bus()).put("RulePrefix", c.rulePrefix()).put("TriggerFunctionArn", queueArns.get(c.triggerFunction()));
        c.deadLetterQueue().ifPresent(q -> props.put("DeadLetterQueueArn", q));
        AtomicReference<String> answer = new AtomicReference<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> event = EventJson.MAPPER.convertValue(request, Map.class);
        new RulesSyncHandler(events, repository.resolve("pipelines"), (url, body) -> {
            answer.set(body);
            return 200;
        }, JsonLog.forFunction("rules-sync", Map.of("FRESHET_LOG_FILE", logFile().toString()), clock)).handleRequest(event, null);
        JsonNode response = EventJson.read(String.valueOf(answer.get()));
        if (!"SUCCESS".equals(response.path("Status").asText())) {
            throw new IllegalStateException("rules-sync did not create the consumer rules: " + answer.get());
        }
    }

    private Path logFile() {
        return stateDir.resolve("logs").resolve("functions.jsonl");
    }

    /** The function's environment from template.yaml, with LocalStack's endpoint, the names and the local credentials. */
    private RequestStreamHandler instantiate(TemplateWiring.LambdaFunction f) {
        LocalFunctions.Endpoints at = new LocalFunctions.Endpoints(endpoint, endpoint, endpoint, region().id(),
                repository.resolve("pipelines"), stateDir);
        return LocalFunctions.build(f, LocalFunctions.environment(f, at, project, postgres), clock);
    }

    // ------------------------------------------------------------------ running

    /** Invokes a function the way the Lambda runtime does: JSON bytes in, JSON bytes out; a failure is the invocation's. */
    private String invoke(String function, String json) {
        RequestStreamHandler h = handlers.get(function);
        if (h == null) {
            throw new IllegalArgumentException("no function " + function + " in template.yaml");
        }
        return LocalFunctions.invoke(h, json);
    }

    @Override
    public void tick() {
        String minute = clock.instant().truncatedTo(ChronoUnit.MINUTES).toString();
        for (TemplateWiring.Schedule s : wiring.schedules()) {
            invoke(s.function(), s.input().replace("<aws.scheduler.scheduled-time>", minute));
        }
    }

    @Override
    public void settle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < QUIET.toNanos()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("LocalStack's queues did not settle within " + timeout);
            }
            if (pumpOnce() > 0) {
                quietSince = System.nanoTime();
            } else {
                sleep(100);
            }
        }
    }

    /** One pass over every queue; returns how many messages it took. */
    private int pumpOnce() {
        int taken = 0;
        for (Message m : receive(observerQueueUrl)) {
            busEvents.add(m.body());
            sqs.deleteMessage(b -> b.queueUrl(observerQueueUrl).receiptHandle(m.receiptHandle()));
            taken++;
        }
        for (Feed f : feeds) {
            for (Message m : receive(f.queueUrl())) {
                deliver(f, m);
                taken++;
            }
        }
        return taken;
    }

    private List<Message> receive(String queueUrl) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0)
                .visibilityTimeout(VISIBILITY_SECONDS)).messages();
    }

    private void deliver(Feed f, Message m) {
        try {
            invoke(f.function(), restamped(m.body()));
            sqs.deleteMessage(b -> b.queueUrl(f.queueUrl()).receiptHandle(m.receiptHandle()));
            failures.remove(m.messageId());
        } catch (RuntimeException e) {
            int attempts = failures.merge(m.messageId(), 1, Integer::sum);
            System.err.println("[LocalStackIT] " + f.function() + " failed (attempt " + attempts + " of " + ATTEMPTS + "): " + e);
            if (attempts < ATTEMPTS) {
                sqs.changeMessageVisibility(b -> b.queueUrl(f.queueUrl()).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                return;
            }
            String error = String.valueOf(e);
            sqs.sendMessage(b -> b.queueUrl(queueUrls.get(f.deadLetterQueue())).messageBody(m.body())
                    .messageAttributes(Map.of("ErrorMessage", MessageAttributeValue.builder().dataType("String")
                            .stringValue(error.length() > 1000 ? error.substring(0, 1000) : error).build())));
            sqs.deleteMessage(b -> b.queueUrl(f.queueUrl()).receiptHandle(m.receiptHandle()));
            failures.remove(m.messageId());
        }
    }

    /** An S3 {@code Object Created} carries LocalStack's wall-clock time: give it the simulated time of its delivery. */
    private String restamped(String body) {
        JsonNode n = EventJson.read(body);
        if (n instanceof ObjectNode o && "aws.s3".equals(o.path("source").asText()) && o.has("time")) {
            o.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            return EventJson.write(o);
        }
        return body;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for LocalStack's queues", e);
        }
    }

    // ------------------------------------------------------------------ DemoStack

    @Override
    public String summary() {
        return "LocalStack at " + endpoint + " (DynamoDB, S3, EventBridge, SQS; this stack's resources named " + prefix
                + "-*), PostgreSQL embedded; functions "
                + String.join(", ", wiring.functions().keySet()) + " from template.yaml, in this JVM, fed from SQS queues "
                + feeds.stream().map(Feed::function).toList() + "; "
                + events.listRules(b -> b.eventBusName(busName)).rules().size() + " rules on bus " + busName;
    }

    @Override
    public Project project() {
        return project;
    }

    @Override
    public StateStore store() {
        return new DynamoStateStore(dynamo, table, clock);
    }

    @Override
    public ScheduleState schedulerStore() {
        return new DynamoStateStore(dynamo, table, clock).schedule();
    }

    @Override
    public void seedMetro(LocalDate day) {
        Demo.seedDatabase(postgres, day);
    }

    @Override
    public String lakeBucket() {
        return lakeBucket;
    }

    @Override
    public void putObject(String key, String content) {
        s3.putObject(b -> b.bucket(lakeBucket).key(key), RequestBody.fromString(content));
    }

    @Override
    public List<String> busEvents() {
        return List.copyOf(busEvents);
    }

    @Override
    public Map<String, List<String>> deadLetters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String q : new LinkedHashSet<>(feeds.stream().map(Feed::deadLetterQueue).toList())) {
            String url = queueUrls.get(q);
            List<String> letters = new ArrayList<>();
            List<Message> read = new ArrayList<>();
            List<Message> batch;
            do { // the visibility timeout keeps a message read from coming back in this loop
                batch = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0)
                        .visibilityTimeout(60).messageAttributeNames("All")).messages();
                read.addAll(batch);
                batch.forEach(m -> letters.add(m.body() + Optional.ofNullable(m.messageAttributes().get("ErrorMessage"))
                        .map(a -> " (" + a.stringValue() + ")").orElse("")));
            } while (!batch.isEmpty());
            // Read, not taken: they stay in the queue for the next look.
            read.forEach(m -> sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0)));
            out.put(q, letters);
        }
        return out;
    }

    @Override
    public void close() {
        for (AutoCloseable c : resources.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway: the container goes with the test
            }
        }
    }
}
