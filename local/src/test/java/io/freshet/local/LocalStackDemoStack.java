package io.freshet.local;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.AwsClients;
import io.freshet.aws.DynamoClients;
import io.freshet.aws.events.EventBridgeClients;
import io.freshet.aws.s3.S3Clients;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.local.demo.Demo;
import io.freshet.local.demo.DemoStack;
import io.freshet.local.stack.LocalFunctions;
import io.freshet.local.stack.LocalWarehouse;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalPostgres;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The demo's stack on LocalStack: DynamoDB, S3, EventBridge and SQS are LocalStack's, the
 * functions are the same handler classes as Lambda runs, built in this JVM the way
 * {@link io.freshet.local.stack.EmbeddedStack} builds them (their public {@code (env, clock)}
 * constructor, template.yaml's environment, the endpoint overrides pointing at LocalStack).
 *
 * <p>LocalStack cannot invoke a function that lives in this JVM, so each EventBridge target is an
 * SQS queue standing for the function, and {@link #settle} pumps the queues into the handlers. Two
 * parts do the work:
 * <ul>
 *   <li>{@link LocalStackWiring} creates what template.yaml declares, named after a
 *       {@code StackPrefix} of this stack's own: the table, the bus, the lake bucket with
 *       EventBridge notifications on (each upload makes LocalStack's own {@code Object Created}),
 *       the rules as TemplateWiring reads them (S3 {@code Object Created} on the default bus,
 *       {@code Run Requested} with {@code InputPath $.detail}) with their retry policies and
 *       dead-letter queues, the consumer rules through the rules-sync custom resource's own
 *       handler, and one more rule that copies everything on Freshet's bus to an observer queue: the
 *       demo reports the freshness events it sees there;</li>
 *   <li>{@link LocalStackFeeds} delivers the queues' messages to the handlers with Lambda's
 *       asynchronous retries and dead letters, restamping S3's events with the simulated time.</li>
 * </ul>
 * The minute tick invokes the scheduler directly, as {@code EmbeddedStack.tick()} does.
 *
 * <p>A LocalStack that is reused (a developer's, or a second run in CI) serves a new stack as it
 * serves a fresh one; the old stacks' resources stay there for inspection until LocalStack stops
 * (it keeps nothing).
 */
final class LocalStackDemoStack implements DemoStack {

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
    private final Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();
    private LocalPostgres postgres;
    private LocalStackWiring wiring;
    private LocalStackFeeds feeds;

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

    /**
     * LocalStack's resources and rules first (the functions' environment names them), then the
     * database and the functions, then the consumer rules, which the rules-sync handler creates.
     */
    private void wire() {
        wiring = LocalStackWiring.create(repository.resolve("template.yaml"), dynamo, s3, events, sqs);
        postgres = track(LocalPostgres.start());
        TemplateWiring template = wiring.template();
        for (TemplateWiring.LambdaFunction f : template.functions().values()) {
            if (!template.servesCustomResource(f.logicalId())) { // the custom resource runs once, below
                handlers.put(f.logicalId(), instantiate(f));
            }
        }
        wiring.syncConsumerRules(repository, stateDir.resolve("logs").resolve("functions.jsonl"), clock);
        feeds = new LocalStackFeeds(sqs, wiring, this::invoke, clock);
    }

    /** The function's environment from template.yaml, with LocalStack's endpoint, the names and the local credentials. */
    private RequestStreamHandler instantiate(TemplateWiring.LambdaFunction f) {
        LocalFunctions.Endpoints at = new LocalFunctions.Endpoints(endpoint, endpoint, endpoint, LocalStackWiring.region().id(),
                repository.resolve("pipelines"), stateDir);
        Map<String, String> env = LocalFunctions.environment(f, at, project, postgres);
        // The lake's catalog: Iceberg's JDBC catalog in the same PostgreSQL (LocalStack's Glue is not in its free edition).
        LocalFunctions.catalogIn(postgres, env);
        LocalWarehouse.in(postgres, project, env);
        return LocalFunctions.build(f, env, clock);
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
        for (TemplateWiring.Schedule s : wiring.template().schedules()) {
            invoke(s.function(), s.input().replace("<aws.scheduler.scheduled-time>", minute));
        }
    }

    @Override
    public void settle(Duration timeout) {
        feeds.settle(timeout);
    }

    // ------------------------------------------------------------------ DemoStack

    @Override
    public String summary() {
        return "LocalStack at " + endpoint + " (DynamoDB, S3, EventBridge, SQS; this stack's resources named " + wiring.prefix()
                + "-*), PostgreSQL embedded; functions "
                + String.join(", ", wiring.template().functions().keySet()) + " from template.yaml, in this JVM, fed from SQS queues "
                + wiring.feeds().stream().map(LocalStackWiring.Feed::function).toList() + "; "
                + events.listRules(b -> b.eventBusName(wiring.busName())).rules().size() + " rules on bus " + wiring.busName();
    }

    @Override
    public Project project() {
        return project;
    }

    @Override
    public StateStore store() {
        return new DynamoStateStore(dynamo, wiring.table(), clock);
    }

    @Override
    public ScheduleState schedulerStore() {
        return store().schedule();
    }

    @Override
    public void seedMetro(LocalDate day) {
        Demo.seedDatabase(postgres, day);
    }

    @Override
    public void updateMetro(String sql) {
        postgres.execute(sql);
    }

    @Override
    public String lakeBucket() {
        return wiring.lakeBucket();
    }

    @Override
    public void putObject(String key, String content) {
        s3.putObject(b -> b.bucket(wiring.lakeBucket()).key(key), RequestBody.fromString(content));
    }

    @Override
    public List<String> busEvents() {
        return feeds.busEvents();
    }

    @Override
    public Map<String, List<String>> deadLetters() {
        return feeds.deadLetters();
    }

    @Override
    public void close() {
        if (feeds != null) {
            System.out.println("[LocalStackIT] the longest the queues stayed empty before a message came: "
                    + feeds.longestLull().toMillis() + " ms (a step settles after " + LocalStackFeeds.QUIET.toMillis() + " ms of none)");
        }
        for (AutoCloseable c : resources.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // closing anyway: the container goes with the test
            }
        }
    }
}
