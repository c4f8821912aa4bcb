package io.freshet.local.stack;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.load.StackTemplate;
import io.freshet.core.location.StackParameters;
import io.freshet.cli.operate.OperateException;
import io.freshet.cli.operate.EmbeddedStackFile;
import io.freshet.state.ScheduleState;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.testkit.LocalPostgres;
import io.freshet.testkit.LocalS3;

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
    private static final String EVERY_MINUTE = "rate(1 minute)";

    /**
     * What to start.
     *
     * @param configEnv  the samconfig.toml environment whose parameter_overrides apply ({@link LocalParameters})
     * @param parameters template parameters' values given on the command line, over samconfig.toml's
     */
    public record Options(Path repository, Path stateDir, Clock clock, boolean postgres, String configEnv, Map<String, String> parameters) {

        public Options(Path repository, Path stateDir, Clock clock, boolean postgres) {
            this(repository, stateDir, clock, postgres, LocalParameters.DEFAULT_CONFIG_ENV, Map.of());
        }

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
    private final StackParameters parameters;
    private final Map<String, RequestStreamHandler> handlers = new LinkedHashMap<>();
    private ScheduledExecutorService ticker;

    private EmbeddedStack(Options options, LocalDynamo dynamo, LocalEventBridge bus, LocalS3 s3, LocalPostgres postgres,
                          TemplateWiring wiring, Project project, String table, String busName, StackParameters parameters) {
        this.options = options;
        this.dynamo = dynamo;
        this.bus = bus;
        this.s3 = s3;
        this.postgres = postgres;
        this.wiring = wiring;
        this.project = project;
        this.table = table;
        this.busName = busName;
        this.lakeBucket = parameters.lakeBucket();
        this.parameters = parameters;
    }

    /**
     * @throws OperateException when a parameter's value is missing or names no parameter the template declares
     */
    public static EmbeddedStack start(Options options) {
        // Everything that can be wrong with the parameters is said before any server starts.
        StackTemplate template = StackTemplate.read(options.template());
        Map<String, String> overrides = LocalParameters.overrides(options.repository(), options.configEnv(), options.parameters());
        TemplateWiring probe;
        try {
            probe = TemplateWiring.read(options.template(), overrides, Map.of(), id -> id);
        } catch (IllegalArgumentException e) {
            throw new OperateException(e.getMessage());
        }
        // Names as CloudFormation would give them for the stack's StackPrefix.
        String prefix = probe.parameters().getOrDefault("StackPrefix", "freshet");
        String table = prefix + "-state";
        String busName = prefix;
        String lake = prefix + "-lake-local";
        Map<String, String> names = Map.of("StateTable", table, "Bus", busName, "LakeBucket", lake,
                "LakeDatabase", lakeNamespace(prefix));
        TemplateWiring wiring = TemplateWiring.read(options.template(), overrides, names, EmbeddedStack::localArn);
        StackParameters parameters = LocalParameters.of(template, wiring.parameters(), lake);
        Project project = ProjectLoader.load(options.pipelines(), options.pipelines().toString(), template.locationParameters(),
                Optional.empty()).orThrow();
        LocalParameters.checkLocations(project, parameters);
        LocalDynamo dynamo = null;
        LocalEventBridge bus = null;
        LocalS3 s3 = null;
        LocalPostgres postgres = null;
        try {
            dynamo = LocalDynamo.start();
            bus = LocalEventBridge.start(LocalEventBridge.Delivery.ASYNCHRONOUS, options.clock());
            s3 = LocalS3.start(options.clock());
            // Always: the lake's tables are catalogued in it (Iceberg's JDBC catalog), whether or not
            // the pipelines' PostgreSQL sources are served from it too (options.postgres()).
            postgres = LocalPostgres.start();
            EmbeddedStack stack = new EmbeddedStack(options, dynamo, bus, s3, postgres, wiring, project, table, busName, parameters);
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

    /** The stack's namespace of lake tables, as template.yaml names its Glue database. */
    static String lakeNamespace(String prefix) {
        return "freshet_" + prefix.replace('-', '_');
    }

    /** This stack's namespace of lake tables. */
    public String lakeNamespace() {
        return lakeNamespace(busName);
    }

    /** A function's ARN is its logical id's; a queue's too (dead letters are kept by the bus under it). */
    static String localArn(String logicalId) {
        return logicalId.endsWith("DeadLetters") ? "arn:aws:sqs:eu-central-1:000000000000:" + logicalId : ARN_PREFIX + logicalId;
    }

    private void wire() {
        DynamoStateStore.createTable(dynamo.client(), table);
        s3.createBucket(lakeBucket);
        s3.enableVersioning(lakeBucket); // as template.yaml's lake bucket: events carry version ids, runs read by them
        LocalFunctions.forwardObjectCreated(s3, bus.client());
        for (TemplateWiring.LambdaFunction f : wiring.functions().values()) {
            if (wiring.servesCustomResource(f.logicalId())) {
                continue; // a CloudFormation custom resource: its work is done below, directly
            }
            RequestStreamHandler handler = instantiate(f);
            handlers.put(f.logicalId(), handler);
            bus.registerTarget(localArn(f.logicalId()), json -> invoke(f.logicalId(), json));
        }
        LocalFunctions.createRules(bus.client(), wiring, project, EmbeddedStack::localArn);
    }

    private RequestStreamHandler instantiate(TemplateWiring.LambdaFunction f) {
        LocalFunctions.Endpoints at = new LocalFunctions.Endpoints(dynamo.endpoint(), bus.endpoint(), s3.endpoint(), "eu-central-1",
                options.pipelines(), options.stateDir());
        Map<String, String> env = LocalFunctions.environment(f, at, project, options.postgres() ? postgres : null);
        LocalFunctions.catalogIn(postgres, env);
        LocalWarehouse.in(postgres, project, env);
        return LocalFunctions.build(f, env, options.clock());
    }

    /** Invokes a function the way the Lambda runtime does: JSON bytes in, JSON bytes out; a failure is the invocation's. */
    public String invoke(String logicalId, String json) {
        RequestStreamHandler h = handlers.get(logicalId);
        if (h == null) {
            throw new IllegalArgumentException("no function " + logicalId + " in template.yaml");
        }
        return LocalFunctions.invoke(h, json);
    }

    /** One invocation of every minute schedule's function (the tick), as EventBridge Scheduler sends it. */
    public void tick() {
        Instant now = options.clock().instant();
        for (TemplateWiring.Schedule s : wiring.schedules()) {
            if (s.expression().equals(EVERY_MINUTE)) {
                invoke(s.function(), s.input().replace("<aws.scheduler.scheduled-time>", now.truncatedTo(ChronoUnit.MINUTES).toString()));
            }
        }
    }

    /**
     * One invocation of every schedule that is not the minute tick (the lake's housekeeping), as
     * EventBridge Scheduler sends it; the embedded stack runs them when asked, not by the hour.
     */
    public void runOtherSchedules() {
        for (TemplateWiring.Schedule s : wiring.schedules()) {
            if (!s.expression().equals(EVERY_MINUTE)) {
                invoke(s.function(), s.input());
            }
        }
    }

    /** Ticks on the wall clock at each minute boundary, as the deployed schedule does; failures go to {@code onError}. */
    public void startTicking(Consumer<RuntimeException> onError) {
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
    public EmbeddedStackFile describe() {
        return new EmbeddedStackFile(table, busName, lakeBucket, dynamo.endpoint(), bus.endpoint(), s3.endpoint());
    }

    public StateStore store() {
        return new DynamoStateStore(dynamo.client(), table, options.clock());
    }

    public ScheduleState schedulerStore() {
        return store().schedule();
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

    /** The stack's parameters, as its functions get them in {@code FRESHET_PARAMETERS}. */
    public StackParameters parameters() {
        return parameters;
    }

    public TemplateWiring wiring() {
        return wiring;
    }

    /** The dead letters of every queue the template declares, by queue. */
    public Map<String, List<String>> deadLetters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        wiring.rules().forEach(r -> r.deadLetterQueue().ifPresent(q -> out.put(q, bus.deadLetters(q))));
        wiring.consumerRules().flatMap(TemplateWiring.ConsumerRules::deadLetterQueue).ifPresent(q -> out.put(q, bus.deadLetters(q)));
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
