package io.freshet.local.stack;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.aws.store.DynamoStore;
import io.freshet.aws.store.SchedulerStore;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Source;
import io.freshet.local.operate.LocalStackFile;
import io.freshet.rulessync.ConsumerRules;
import io.freshet.rulessync.RulesReconciler;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * A whole Freshet stack in this JVM, with no Docker and no AWS account: DynamoDB Local, S3Proxy
 * (its writes emit S3's {@code Object Created} on the default bus), an embedded PostgreSQL, the
 * in-process EventBridge, and the same handler classes as Lambda runs, built from the environment
 * template.yaml gives them and wired by the rules and schedule template.yaml declares (read from
 * it, see {@link TemplateWiring}) plus the consumer rules rules-sync computes from pipelines/.
 * Only endpoints, names and credentials differ from AWS.
 */
public final class EmbeddedStack implements AutoCloseable {

    static final String ARN_PREFIX = "arn:aws:lambda:eu-central-1:000000000000:function:";

    /** What to start. */
    public record Options(Path repository, Path stateDir, Clock clock, boolean postgres) {
        public Path template() {
            return repository.resolve("template.yaml");
        }

        public Path pipelines() {
            return repository.resolve("pipelines");
        }
    }

    private final Options options;
    private final LocalDynamo dynamo;
    private final LocalEventBridge bus;
    private final LocalS3 s3;
    private final LocalPostgres postgres;
    private final TemplateWiring wiring;
    private final Project project;
    private final String table;
    private final String busName;
    private final String lakeBucket;
    private final Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();
    private ScheduledExecutorService ticker;

    private EmbeddedStack(Options options, LocalDynamo dynamo, LocalEventBridge bus, LocalS3 s3, LocalPostgres postgres,
                          TemplateWiring wiring, Project project, String table, String busName, String lakeBucket) {
        this.options = options;
        this.dynamo = dynamo;
        this.bus = bus;
        this.s3 = s3;
        this.postgres = postgres;
        this.wiring = wiring;
        this.project = project;
        this.table = table;
        this.busName = busName;
        this.lakeBucket = lakeBucket;
    }

    public static EmbeddedStack start(Options options) {
        Project project = ProjectLoader.load(options.pipelines()).orThrow();
        LocalDynamo dynamo = null;
        LocalEventBridge bus = null;
        LocalS3 s3 = null;
        LocalPostgres postgres = null;
        try {
            dynamo = LocalDynamo.start();
            bus = LocalEventBridge.start(LocalEventBridge.Delivery.ASYNCHRONOUS, options.clock());
            s3 = LocalS3.start(options.clock());
            postgres = options.postgres() ? LocalPostgres.start() : null;
            // Names as CloudFormation would give them for the template's default StackPrefix.
            TemplateWiring probe = TemplateWiring.read(options.template(), Map.of(), id -> id);
            String prefix = probe.parameters().getOrDefault("StackPrefix", "freshet");
            String table = prefix + "-state";
            String busName = prefix;
            String lake = prefix + "-lake-local";
            Map<String, String> names = Map.of("StateTable", table, "Bus", busName, "LakeBucket", lake);
            TemplateWiring wiring = TemplateWiring.read(options.template(), names, EmbeddedStack::localArn);
            EmbeddedStack stack = new EmbeddedStack(options, dynamo, bus, s3, postgres, wiring, project, table, busName, lake);
            stack.wire();
            return stack;
        } catch (RuntimeException e) {
            for (AutoCloseable c : new AutoCloseable[] {postgres, s3, bus, dynamo}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (Exception ignored) {
                    // already failing
                }
            }
            throw e;
        }
    }

    /** A function's ARN is its logical id's; a queue's too (dead letters are kept by the bus under it). */
    static String localArn(String logicalId) {
        return logicalId.endsWith("DeadLetters") ? "arn:aws:sqs:eu-central-1:000000000000:" + logicalId : ARN_PREFIX + logicalId;
    }

    private void wire() {
        DynamoStore.createTable(dynamo.client(), table);
        s3.createBucket(lakeBucket);
        // S3's EventBridge notifications: every object created in the lake goes to the default bus.
        s3.onObjectCreated(json -> {
            JsonNode e = EventJson.read(json);
            bus.client().putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName("default")
                    .source(e.path("source").asText()).detailType(e.path("detail-type").asText())
                    .detail(EventJson.write(e.path("detail"))).resources(e.path("resources").path(0).asText())
                    .time(Instant.parse(e.path("time").asText())).build()));
        });
        for (TemplateWiring.Function f : wiring.functions().values()) {
            if (wiring.consumerRules().isPresent() && f.logicalId().startsWith("RulesSync")) {
                continue; // a CloudFormation custom resource: its work is done below, directly
            }
            RequestStreamHandler handler = instantiate(f);
            handlers.put(f.logicalId(), handler);
            bus.registerTarget(localArn(f.logicalId()), json -> invoke(f.logicalId(), json));
        }
        var events = bus.client();
        for (TemplateWiring.Rule r : wiring.rules()) {
            events.putRule(b -> b.name(r.name()).eventBusName(r.bus()).eventPattern(r.pattern()));
            events.putTargets(b -> b.rule(r.name()).eventBusName(r.bus()).targets(t -> {
                t.id(r.function()).arn(localArn(r.function())).retryPolicy(p -> p.maximumRetryAttempts(r.maximumRetryAttempts()));
                r.inputPath().ifPresent(t::inputPath);
                r.deadLetterQueue().ifPresent(q -> t.deadLetterConfig(d -> d.arn(q)));
            }));
        }
        wiring.consumerRules().ifPresent(c -> new RulesReconciler(events, c.bus(), c.rulePrefix())
                .reconcile(ConsumerRules.compute(project, c.rulePrefix(), localArn(c.triggerFunction()))));
    }

    /** The function's environment from template.yaml, with the local endpoints, names and credentials. */
    private Map<String, String> environment(TemplateWiring.Function f) {
        Map<String, String> env = new LinkedHashMap<>(f.environment());
        env.put("FRESHET_ENDPOINT_DYNAMODB", dynamo.endpoint().toString());
        env.put("FRESHET_ENDPOINT_EVENTBRIDGE", bus.endpoint().toString());
        env.put("FRESHET_ENDPOINT_S3", s3.endpoint().toString());
        env.put("FRESHET_PIPELINES_DIR", options.pipelines().toString());
        env.put("FRESHET_LOG_FILE", options.stateDir().resolve("logs").resolve("functions.jsonl").toString());
        env.put("FRESHET_SCRATCH_DIR", options.stateDir().resolve("scratch").toString());
        env.put("AWS_REGION", "eu-central-1");
        env.remove("FRESHET_PG_SECRET_ARN");
        if (postgres != null) {
            for (Source s : project.sources()) {
                if (s instanceof Source.Postgres pg) {
                    String p = "FRESHET_PG_" + pg.connection().toUpperCase(Locale.ROOT).replace('-', '_');
                    env.put(p + "_URL", postgres.jdbcUrl());
                    env.put(p + "_USER", postgres.user());
                    env.put(p + "_PASSWORD", postgres.password());
                }
            }
        }
        return env;
    }

    private RequestStreamHandler instantiate(TemplateWiring.Function f) {
        try {
            return (RequestStreamHandler) Class.forName(f.handlerClass()).getConstructor(Map.class, Clock.class)
                    .newInstance(environment(f), options.clock());
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("function " + f.logicalId() + " (" + f.handlerClass() + ") did not start: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("function " + f.logicalId() + ": " + f.handlerClass()
                    + " needs a public constructor (Map<String, String> environment, Clock clock)", e);
        }
    }

    /** Invokes a function the way the Lambda runtime does: JSON bytes in, JSON bytes out; a failure is the invocation's. */
    public String invoke(String logicalId, String json) {
        RequestStreamHandler h = handlers.get(logicalId);
        if (h == null) {
            throw new IllegalArgumentException("no function " + logicalId + " in template.yaml");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            h.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One invocation of every schedule's function (the minute tick), as EventBridge Scheduler sends it. */
    public void tick() {
        Instant now = options.clock().instant();
        for (TemplateWiring.Schedule s : wiring.schedules()) {
            invoke(s.function(), s.input().replace("<aws.scheduler.scheduled-time>", now.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString()));
        }
    }

    /** Ticks on the wall clock at each minute boundary, as the deployed schedule does; failures go to {@code onError}. */
    public void startTicking(Consumer<RuntimeException> onError) {
        for (TemplateWiring.Schedule s : wiring.schedules()) {
            if (!s.expression().equals("rate(1 minute)")) {
                throw new IllegalStateException("the local stack ticks every minute; template.yaml says " + s.expression());
            }
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freshet-tick");
            t.setDaemon(true);
            return t;
        });
        long untilNextMinute = 60_000 - options.clock().millis() % 60_000;
        ticker.scheduleAtFixedRate(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                onError.accept(e);
            }
        }, untilNextMinute, 60_000, TimeUnit.MILLISECONDS);
    }

    /** Waits until every event sent so far has been delivered and handled. */
    public void settle(Duration timeout) {
        bus.awaitQuiescence(timeout);
    }

    /** Where the operating commands find this stack. */
    public LocalStackFile describe() {
        return new LocalStackFile(table, busName, lakeBucket, dynamo.endpoint(), bus.endpoint(), s3.endpoint());
    }

    public DynamoStore store() {
        return new DynamoStore(dynamo.client(), table, options.clock());
    }

    public SchedulerStore schedulerStore() {
        return new SchedulerStore(dynamo.client(), table, options.clock());
    }

    public LocalS3 s3() {
        return s3;
    }

    public LocalEventBridge bus() {
        return bus;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public Project project() {
        return project;
    }

    public String busName() {
        return busName;
    }

    public String lakeBucket() {
        return lakeBucket;
    }

    public TemplateWiring wiring() {
        return wiring;
    }

    /** The dead letters of every queue the template declares, by queue. */
    public Map<String, List<String>> deadLetters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        wiring.rules().forEach(r -> r.deadLetterQueue().ifPresent(q -> out.put(q, bus.deadLetters(q))));
        return out;
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        bus.close();
        s3.close();
        dynamo.close();
        if (postgres != null) {
            postgres.close();
        }
    }
}
