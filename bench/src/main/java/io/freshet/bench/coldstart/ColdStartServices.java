package io.freshet.bench.coldstart;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import org.duckdb.DuckDBDriver;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;

import io.freshet.aws.JsonLog;
import io.freshet.aws.PublishingAnnouncer;
import io.freshet.aws.events.EventPublisher;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.aws.s3.S3Clients;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.trigger.Request;
import io.freshet.local.stack.LocalFunctions;
import io.freshet.local.stack.TemplateWiring;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.scheduler.SchedulerHandler;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalEventBridge;
import io.freshet.testkit.LocalS3;
import io.freshet.trigger.TriggerHandler;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * DynamoDB Local, S3Proxy (its writes announce themselves on the default bus) and the
 * in-process EventBridge with template.yaml's rules and the consumer rules, as the embedded
 * stack wires them, except that each function's target only keeps what it is delivered: the
 * probes are the functions. Events for them are made through the normal path and taken from
 * there.
 */
final class ColdStartServices implements AutoCloseable {

    /** The runner's second kind of run: one that needs no DuckDB (its input has no data yet, so it ends SKIPPED). */
    static final String RUNNER_SKIPPED = "runner-skipped";

    static final String ARN_PREFIX = "arn:aws:lambda:eu-central-1:000000000000:function:";

    private final LocalDynamo dynamo;
    private final LocalEventBridge bus;
    private final LocalS3 s3;
    private final TemplateWiring wiring;
    private final Project project;
    private final String busName;
    private final String lake;
    private final StateStore store;
    private final PublishingAnnouncer announcer;
    private final Path work;
    private final Path root;
    private final Map<String, ConcurrentLinkedQueue<String>> delivered = new ConcurrentHashMap<>();
    private RequestStreamHandler trigger;
    private int nextPartition;
    private int nextKey;
    private List<String> rawObjects;
    private final PublisherStaging staging;

    private ColdStartServices(LocalDynamo dynamo, LocalEventBridge bus, LocalS3 s3, TemplateWiring wiring, Project project, String table,
                     String busName, String lake, Path work, Path root) {
        this.dynamo = dynamo;
        this.bus = bus;
        this.s3 = s3;
        this.wiring = wiring;
        this.project = project;
        this.busName = busName;
        this.lake = lake;
        this.store = new DynamoStateStore(dynamo.client(), table, Clock.systemUTC());
        this.announcer = new PublishingAnnouncer(new EventPublisher(bus.client(), busName));
        this.work = work;
        this.root = root;
        this.staging = new PublisherStaging(store, s3, announcer, project, lake, work);
    }

    static ColdStartServices start(Path root, Path work) {
        Project project = ProjectLoader.load(root.resolve("pipelines")).orThrow();
        Path template = root.resolve("template.yaml");
        LocalDynamo dynamo = LocalDynamo.start();
        LocalEventBridge bus = LocalEventBridge.start(LocalEventBridge.Delivery.ASYNCHRONOUS, Clock.systemUTC());
        LocalS3 s3 = LocalS3.start(Clock.systemUTC());
        String prefix = TemplateWiring.read(template, Map.of(), id -> id).parameters().getOrDefault("StackPrefix", "freshet");
        String table = prefix + "-state";
        String lake = prefix + "-lake-local";
        TemplateWiring wiring = TemplateWiring.read(template, Map.of("StateTable", table, "Bus", prefix, "LakeBucket", lake), ColdStartServices::arn);
        ColdStartServices s = new ColdStartServices(dynamo, bus, s3, wiring, project, table, prefix, lake, work, root);
        s.wire(table);
        return s;
    }

    static String arn(String logicalId) {
        return logicalId.endsWith("DeadLetters") ? "arn:aws:sqs:eu-central-1:000000000000:" + logicalId : ARN_PREFIX + logicalId;
    }

    private void wire(String table) {
        DynamoStateStore.createTable(dynamo.client(), table);
        s3.createBucket(lake);
        LocalFunctions.forwardObjectCreated(s3, bus.client());
        for (String logicalId : wiring.functions().keySet()) {
            ConcurrentLinkedQueue<String> q = delivered.computeIfAbsent(logicalId, x -> new ConcurrentLinkedQueue<>());
            bus.registerTarget(arn(logicalId), q::add);
        }
        LocalFunctions.createRules(bus.client(), wiring, project, ColdStartServices::arn);
    }

    /** A function's environment as template.yaml gives it, with the local endpoints and Lambda's own variables. */
    Map<String, String> environment(String logicalId) {
        TemplateWiring.LambdaFunction f = wiring.functions().get(logicalId);
        Map<String, String> env = new LinkedHashMap<>(f.environment());
        env.put("FRESHET_ENDPOINT_DYNAMODB", dynamo.endpoint().toString());
        env.put("FRESHET_ENDPOINT_EVENTBRIDGE", bus.endpoint().toString());
        env.put("FRESHET_ENDPOINT_S3", s3.endpoint().toString());
        env.remove("FRESHET_PG_SECRET_ARN");
        env.put("AWS_REGION", "eu-central-1");
        env.put("AWS_DEFAULT_REGION", "eu-central-1");
        // Credentials in the environment, as Lambda gives them, but no session token: S3Proxy refuses
        // requests that carry one (NotImplemented).
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        env.put("AWS_LAMBDA_FUNCTION_NAME", busName + "-" + logicalId);
        env.put("TZ", ":UTC");
        if (logicalId.equals("PublisherFunction")) {
            env.putAll(staging.catalogEnvironment()); // the embedded stack's JDBC catalog; on AWS, Glue's
        }
        return env;
    }

    /** The same environment for a handler built in this JVM (preparing events), logging to a file. */
    private Map<String, String> inProcessEnvironment(String logicalId, Path pipelinesParent) {
        Map<String, String> env = environment(logicalId);
        env.put("FRESHET_PIPELINES_DIR", pipelinesParent.resolve("pipelines").toString());
        env.put("FRESHET_LOG_FILE", work.resolve("logs").resolve("in-process.jsonl").toString());
        return env;
    }

    /** The probe's arguments for one run of function {@code logicalId}: its handler class, then the event files. */
    List<String> probeArgs(String logicalId, List<String> eventFiles) {
        List<String> args = new ArrayList<>();
        args.add(wiring.functions().get(logicalId).handlerClass());
        args.addAll(eventFiles);
        return args;
    }

    /** One tick in this JVM before the scheduler's runs, so that every measured tick finds the state a tick leaves. */
    void warmTick(FunctionPackage pkg) throws IOException {
        invoke(new SchedulerHandler(inProcessEnvironment("SchedulerFunction", pkg.dir()), Clock.systemUTC()), tickInput());
        settle();
    }

    /** {@code n} events for one run of function {@code f}, each in a file, each its own (a new key, partition or run). */
    List<String> events(String f, int n) throws IOException {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String json = switch (f) {
                case "s3-events" -> objectCreated();
                case "trigger" -> triggerDelivery(nextPartition());
                case "scheduler" -> tickInput();
                case "runner" -> runRequested(nextPartition());
                case RUNNER_SKIPPED -> runRequestedWithoutData(nextPartition());
                case "publisher" -> runOutputsStaged(nextPartition());
                default -> throw new IllegalArgumentException(f);
            };
            Path file = work.resolve("events").resolve(f + "-" + (nextKey++) + ".json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, json);
            files.add(file.toString());
        }
        return files;
    }

    /** Why the run's response is not what the function answers for these events; null when it is. */
    String check(String f, Measured m, List<String> events) throws IOException {
        settle();
        List<String> runRequests = drain("RunnerFunction");
        drainAll();
        if (!m.ok()) {
            return null;
        }
        String r = m.line().response();
        String partition = EventJson.read(Files.readString(Path.of(events.get(0)))).path("event").path("detail").path("partition").asText();
        boolean ok = switch (f) {
            case "s3-events" -> r.equals("{\"recorded\":1}");
            case "trigger" -> r.equals("{}") && runRequests.stream().anyMatch(d -> d.contains("\"" + partition + "\""));
            case "scheduler" -> r.startsWith("{");
            // The runner stages its outputs and hands them to the publisher, which no one runs here.
            case "runner" -> r.equals("{\"state\":\"PUBLISHING\"}");
            case RUNNER_SKIPPED -> r.equals("{\"state\":\"SKIPPED\"}");
            case "publisher" -> r.equals("{\"state\":\"SUCCEEDED\"}");
            default -> false;
        };
        return ok ? null : "unexpected response " + r + (f.equals("trigger") ? " or no Run Requested for " + partition : "");
    }

    private String nextPartition() {
        return LocalDate.of(2020, 1, 1).plusDays(nextPartition++).toString();
    }

    /** A new tap export in the lake, as S3 announces it on the default bus and the rule delivers it to s3-events. */
    private String objectCreated() {
        String key = "landing/taps/date=" + nextPartition() + "/taps-" + (nextKey++) + ".csv";
        s3.client().putObject(b -> b.bucket(lake).key(key), RequestBody.fromString(
                "tap_id,passenger_id,station_id,gate,direction,tapped_at\n1,7,3,A,in,2026-05-26T06:15:00Z\n", StandardCharsets.UTF_8));
        settle();
        String name = key.substring(key.lastIndexOf('/') + 1); // the key is URL-encoded in the event
        return take("S3EventsFunction", d -> d.contains(name));
    }

    /** What the trigger receives for core_network when raw.stations completes a partition whose other two inputs are pending. */
    private String triggerDelivery(String partition) throws IOException {
        announceRaw("raw.routes", partition);
        announceRaw("raw.route_stations", partition);
        settle();
        for (String d : drain("TriggerFunction")) {
            if (pipeline(d).equals("core_network")) {
                invoke(trigger(), d);
            }
        }
        announceRaw("raw.stations", partition);
        settle();
        return take("TriggerFunction", d -> pipeline(d).equals("core_network"));
    }

    /** The Run Requested of a core_network run, created by the trigger's code in this JVM as the bus delivers it to the runner. */
    private String runRequested(String partition) throws IOException {
        String delivery = triggerDelivery(partition);
        invoke(trigger(), delivery);
        settle();
        return take("RunnerFunction", d -> EventJson.read(d).path("partition").asText().equals(partition)
                && EventJson.read(d).path("pipeline").asText().equals("core_network"));
    }

    /**
     * The Run Requested of a core_network run asked for by hand (as {@code materialize} asks) for a
     * partition none of whose inputs has data: the runner ends it SKIPPED without computing anything.
     */
    private String runRequestedWithoutData(String partition) {
        new RunLauncher(store, announcer, new JsonLog(new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC(), Map.of()),
                Clock.systemUTC()).request(project.pipeline("core_network").orElseThrow(), partition,
                Request.manual("bench-" + partition, "core_network", partition, Instant.now()), List.of());
        settle();
        return take("RunnerFunction", d -> EventJson.read(d).path("partition").asText().equals(partition));
    }

    /** The Run Outputs Staged of a core_network run whose attempt staged its output, as the bus delivers it to the publisher. */
    private String runOutputsStaged(String partition) throws IOException {
        String request = runRequested(partition);
        staging.stage(request);
        settle();
        String runId = EventJson.read(request).path("runId").asText();
        return take("PublisherFunction", d -> EventJson.read(d).path("runId").asText().equals(runId));
    }

    private String tickInput() {
        TemplateWiring.Schedule s = wiring.schedules().stream().filter(x -> x.function().equals("SchedulerFunction")).findFirst()
                .orElseThrow(() -> new IllegalStateException("template.yaml schedules no SchedulerFunction"));
        return s.input().replace("<aws.scheduler.scheduled-time>", Instant.now().truncatedTo(ChronoUnit.MINUTES).toString());
    }

    /** The trigger's code in this JVM, on the repository's pipelines (the packages' copy of them). */
    private RequestStreamHandler trigger() {
        if (trigger == null) {
            trigger = new TriggerHandler(inProcessEnvironment("TriggerFunction", root), Clock.systemUTC());
        }
        return trigger;
    }

    /** Records a raw.* snapshot of the partition and announces it, as the runner does when metro_snapshot succeeds. */
    private void announceRaw(String asset, String partition) throws IOException {
        List<String> objects = rawObjects();
        String object = objects.stream().filter(o -> o.contains("/" + asset.substring(4) + "/")).findFirst().orElseThrow();
        String id = "bench-" + asset + "-" + partition;
        AssetEvent e = new AssetEvent(id, asset, partition, Instant.now(), new Producer(Producer.Kind.RUN, "run-bench-" + partition),
                "v-" + partition, Optional.of("bench"), List.of(object), Map.of("rows", "1"));
        String json = EventJson.assetUpdated(e);
        store.events().record(e);
        announcer.announce(EventJson.ASSET_UPDATED, json);
        store.events().markAnnounced(id);
    }

    /** Three small Parquet tables of the metro's network in the lake, written once with DuckDB. */
    private List<String> rawObjects() throws IOException {
        if (rawObjects != null) {
            return rawObjects;
        }
        Map<String, String> tables = BenchColdStart.orderedMap(
                "routes", "SELECT 'R' || i AS route_id, 'L' || ((i + 1) // 2) AS line, CASE WHEN i % 2 = 0 THEN 'outbound' ELSE 'inbound' END AS direction FROM range(1, 7) t(i)",
                "route_stations", "SELECT 'R' || r AS route_id, s AS stop_sequence, ((r * 7 + s) % 25) + 1 AS station_id FROM range(1, 7) a(r), range(1, 9) b(s)",
                "stations", "SELECT i AS station_id, 'Station ' || i AS name FROM range(1, 26) t(i)");
        List<String> uris = new ArrayList<>();
        ObjectStore objects = new ObjectStore(S3Clients.create(Optional.of(s3.endpoint())));
        Path dir = work.resolve("raw");
        Files.createDirectories(dir);
        try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:", new Properties()); Statement st = c.createStatement()) {
            for (Map.Entry<String, String> t : tables.entrySet()) {
                Path file = dir.resolve(t.getKey() + ".parquet");
                st.execute("COPY (" + t.getValue() + ") TO '" + file + "' (FORMAT parquet)");
                String key = "raw/" + t.getKey() + "/date=2020-01-01/run=run-bench/attempt=1/part-0.parquet";
                objects.put(lake, key, file); // as the runner uploads its outputs
                uris.add("s3://" + lake + "/" + key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("writing the raw.* Parquet files: " + e.getMessage(), e);
        }
        settle();
        drainAll();
        rawObjects = uris;
        return uris;
    }

    private static String pipeline(String delivery) {
        return EventJson.read(delivery).path("pipeline").asText();
    }

    private static void invoke(RequestStreamHandler h, String json) throws IOException {
        h.handleRequest(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), new ByteArrayOutputStream(), null);
    }

    private void settle() {
        bus.awaitQuiescence(Duration.ofSeconds(60));
    }

    private List<String> drain(String logicalId) {
        ConcurrentLinkedQueue<String> q = delivered.get(logicalId);
        List<String> out = new ArrayList<>();
        for (String s; q != null && (s = q.poll()) != null; ) {
            out.add(s);
        }
        return out;
    }

    private void drainAll() {
        delivered.keySet().forEach(this::drain);
    }

    /** The delivery to {@code logicalId} that {@code match}es; the others are dropped. */
    private String take(String logicalId, Predicate<String> match) {
        List<String> all = drain(logicalId);
        return all.stream().filter(match).findFirst().orElseThrow(() -> new IllegalStateException(
                "nothing matching was delivered to " + logicalId + "; got " + all.size() + " deliveries"
                        + (all.isEmpty() ? "" : ", first: " + all.get(0))));
    }

    @Override
    public void close() {
        staging.close();
        bus.close();
        s3.close();
        dynamo.close();
    }
}
