package io.freshet.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.AwsClients;
import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.rulessync.RulesSyncHandler;
import io.freshet.state.dynamo.DynamoStateStore;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLocationConstraint;
import software.amazon.awssdk.services.s3.model.EventBridgeConfiguration;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What one {@link LocalStackDemoStack} creates in LocalStack, as template.yaml declares it: the
 * state table, Freshet's bus, the lake bucket with EventBridge notifications on, a queue standing
 * for each function an EventBridge rule targets (LocalStack cannot invoke a function in this JVM)
 * with its dead-letter queue, the template's rules targeting those queues, the observer rule that
 * copies Freshet's bus for the demo's report, and the consumer rules, created by the rules-sync
 * handler itself ({@link #syncConsumerRules}).
 *
 * <p>Everything is named after a {@code StackPrefix} of this stack's own ({@link #uniquePrefix}), so
 * a LocalStack that served other stacks serves this one as a fresh one would.
 */
final class LocalStackWiring {

    /** The longest prefix template.yaml's StackPrefix allows ({@code [a-z][a-z0-9-]{1,20}}). */
    static final int MAX_STACK_PREFIX = 21;
    /** The queue of the rule that copies everything on Freshet's bus for the demo's report. */
    static final String OBSERVER = "Observer";

    /** A function fed from a queue, and where its failed deliveries go. */
    record Feed(String function, String queueUrl, String deadLetterQueue) {
    }

    private final Path template;
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final EventBridgeClient events;
    private final SqsClient sqs;
    private final String prefix;
    private final Map<String, String> parameters;
    private final Map<String, String> queueUrls = new LinkedHashMap<>();
    private final Map<String, String> queueArns = new LinkedHashMap<>();
    private final List<Feed> feeds = new ArrayList<>();
    private String observerQueueUrl;
    private TemplateWiring wiring;

    private LocalStackWiring(Path template, DynamoDbClient dynamo, S3Client s3, EventBridgeClient events, SqsClient sqs) {
        this.template = template;
        this.dynamo = dynamo;
        this.s3 = s3;
        this.events = events;
        this.sqs = sqs;
        // Names as CloudFormation would give them for a StackPrefix of this stack's own.
        String base = TemplateWiring.read(template, Map.of(), id -> id).parameters().getOrDefault("StackPrefix", "freshet");
        this.prefix = uniquePrefix(base);
        this.parameters = Map.of("StackPrefix", prefix);
    }

    /**
     * Creates {@code template}'s resources and rules in the LocalStack the clients point at, all but
     * the consumer rules (they need the rules-sync handler: {@link #syncConsumerRules}).
     */
    static LocalStackWiring create(Path template, DynamoDbClient dynamo, S3Client s3, EventBridgeClient events, SqsClient sqs) {
        LocalStackWiring w = new LocalStackWiring(template, dynamo, s3, events, sqs);
        w.createQueues();
        // Read again with the names and the queues' ARNs: what the rules and the functions see.
        w.wiring = TemplateWiring.read(template, w.parameters,
                Map.of("StateTable", w.table(), "Bus", w.busName(), "LakeBucket", w.lakeBucket(),
                        "LakeDatabase", "freshet_" + w.parameters.getOrDefault("StackPrefix", "freshet").replace('-', '_')),
                id -> w.queueArns.getOrDefault(id, "arn:aws:lambda:" + region().id() + ":000000000000:function:" + id));
        w.createTableBusAndBucket();
        w.createRules();
        return w;
    }

    /** {@code base} and a random suffix, within what template.yaml allows a StackPrefix. */
    static String uniquePrefix(String base) {
        String suffix = Long.toString(Math.floorMod(new SecureRandom().nextLong(), 36L * 36 * 36 * 36 * 36 * 36 * 36 * 36), 36);
        String run = "0".repeat(8 - suffix.length()) + suffix;
        return base.substring(0, Math.min(base.length(), MAX_STACK_PREFIX - run.length() - 1)) + "-" + run;
    }

    static Region region() {
        return AwsClients.region(System.getenv());
    }

    String prefix() {
        return prefix;
    }

    String table() {
        return prefix + "-state";
    }

    String busName() {
        return prefix;
    }

    String lakeBucket() {
        return prefix + "-lake-localstack";
    }

    /** template.yaml as this stack deploys it: its names, and the queues standing for the functions. */
    TemplateWiring template() {
        return wiring;
    }

    List<Feed> feeds() {
        return List.copyOf(feeds);
    }

    /** The URL of a queue known here by {@code name}: a function's logical id, a dead-letter queue's, or {@link #OBSERVER}. */
    String queueUrl(String name) {
        return queueUrls.get(name);
    }

    String observerQueueUrl() {
        return observerQueueUrl;
    }

    /**
     * One queue per function an EventBridge rule targets (the consumer rules' trigger among them),
     * each with its dead-letter queue, and the observer's. Read with identity ARNs, the template
     * names each by logical id.
     */
    private void createQueues() {
        TemplateWiring probe = TemplateWiring.read(template, parameters, Map.of(), id -> id);
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
    }

    /** template.yaml's dead-letter queue of a function: S3EventsFunction's is S3EventsDeadLetters. */
    private static String deadLetterQueueOf(String function) {
        return function.replaceFirst("Function$", "") + "DeadLetters";
    }

    /** A queue named {@code <prefix>-<name>}, known here by {@code name} (a function's logical id, or a dead-letter queue's). */
    private String createQueue(String name) {
        String url = sqs.createQueue(b -> b.queueName(prefix + "-" + name)).queueUrl();
        queueUrls.put(name, url);
        queueArns.put(name, sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN));
        return url;
    }

    private void createTableBusAndBucket() {
        DynamoStateStore.createTable(dynamo, table());
        events.createEventBus(b -> b.name(busName()));
        s3.createBucket(b -> {
            b.bucket(lakeBucket());
            if (!region().equals(Region.US_EAST_1)) {
                b.createBucketConfiguration(c -> c.locationConstraint(BucketLocationConstraint.fromValue(region().id())));
            }
        });
        // template.yaml's NotificationConfiguration: every object created goes to the default bus.
        s3.putBucketNotificationConfiguration(b -> b.bucket(lakeBucket())
                .notificationConfiguration(n -> n.eventBridgeConfiguration(EventBridgeConfiguration.builder().build())));
    }

    /** The template's rules, each targeting its function's queue, and the observer's rule on Freshet's bus. */
    private void createRules() {
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
        events.putRule(b -> b.name(observer).eventBusName(busName()).eventPattern("{\"source\":[\"" + EventJson.SOURCE + "\"]}"));
        putTarget(observer, busName(), Target.builder().id("observer").arn(queueArns.get(OBSERVER)).build());
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
    void syncConsumerRules(Path repository, Path logFile, Clock clock) {
        TemplateWiring.ConsumerRules c = wiring.consumerRules().orElseThrow();
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
        }, JsonLog.forFunction("rules-sync", Map.of("FRESHET_LOG_FILE", logFile.toString()), clock)).handleRequest(event, null);
        JsonNode response = EventJson.read(String.valueOf(answer.get()));
        if (!"SUCCESS".equals(response.path("Status").asText())) {
            throw new IllegalStateException("rules-sync did not create the consumer rules: " + answer.get());
        }
    }
}
