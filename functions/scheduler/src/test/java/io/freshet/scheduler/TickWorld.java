package io.freshet.scheduler;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.state.protocol.RunPublication;
import io.freshet.aws.Announcer;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.state.ScheduleState;
import io.freshet.state.DeployedCode;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.MutableClock;
import io.freshet.testkit.ProjectFiles;
import io.freshet.trigger.TriggerService;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The state a tick works on, and nothing else: a fresh table in DynamoDB Local with the real store
 * classes, a clock the test moves, the pipelines of src/test/resources/tick-project (copied, so
 * that a test can edit one and "deploy" it), the real trigger for asset events (it adds them to
 * pending sets and marks partitions with new input), and a list of what was announced instead of a
 * bus. No runner runs: {@link #succeed} and {@link #finishActiveRuns} play its part with the
 * store's own calls, so each duty is seen alone.
 */
final class TickWorld {

    private static final AtomicInteger TABLES = new AtomicInteger();
    /** One DynamoDB Local for every test class of this JVM (about a second to start); each world has its own table in it. */
    private static LocalDynamo dynamo;

    /** One announcement, as the bus would have received it. */
    record Announced(String detailType, JsonNode detail) {
    }

    final MutableClock clock;
    final Path projectDir;
    final StateStore store;
    final ScheduleState schedule;
    final List<Announced> announced = new CopyOnWriteArrayList<>();
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final JsonLog log;
    final RunLauncher launcher;
    private final String table;
    private final AtomicInteger events = new AtomicInteger();
    Project project;

    TickWorld(Instant start, Path tmp) {
        this(start, tmp, "tick-project");
    }

    /** A world on another project of src/test/resources (the observed sources' is {@code observe-project}). */
    TickWorld(Instant start, Path tmp, String projectResource) {
        this.clock = new MutableClock(start);
        this.log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), clock, Map.of());
        this.table = "tick-" + TABLES.incrementAndGet();
        DynamoStateStore.createTable(dynamo().client(), table);
        this.store = new DynamoStateStore(dynamo().client(), table, clock);
        this.schedule = store.schedule();
        this.launcher = new RunLauncher(store, (Announcer) this::announce, log, clock);
        this.projectDir = tmp.resolve("project");
        ProjectFiles.copy(Path.of("src/test/resources").resolve(projectResource), projectDir);
        this.project = load();
    }

    static synchronized LocalDynamo dynamo() {
        if (dynamo == null) {
            LocalDynamo started = LocalDynamo.start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            dynamo = started;
        }
        return dynamo;
    }

    Project load() {
        return ProjectLoader.load(projectDir).orThrow();
    }

    Pipeline pipeline(String name) {
        return project.pipeline(name).orElseThrow();
    }

    // ------------------------------------------------------------------ the tick and its duties

    /** The tick's shared context at the clock's time, over every pipeline, read as the service reads it. */
    Tick tick() {
        return new Tick(clock.instant(), schedule.load(), project.pipelines().stream().sorted(Comparator.comparing(Pipeline::name)).toList());
    }

    SchedulerService service() {
        return new SchedulerService(project, store, this::announce, log, clock, "test");
    }

    CodeChangeDuty codeChange(Project deployed) {
        return new CodeChangeDuty(deployed, store, schedule, launcher, log);
    }

    CronDuty cron() {
        return new CronDuty(store, schedule, launcher, log);
    }

    LazyLaunchDuty lazyLaunch() {
        return new LazyLaunchDuty(store, schedule, launcher);
    }

    FreshnessDuty freshness() {
        return new FreshnessDuty(project, store, schedule, this::announce, log, clock);
    }

    SweepDuty sweep() {
        return new SweepDuty(project, store, launcher, new RunPublication(store, (Announcer) this::announce, launcher), log);
    }

    private void announce(String type, String json) {
        announced.add(new Announced(type, EventJson.read(json)));
    }

    /** Records that this deployment's pipelines were first seen at {@code at}, as a first tick does. */
    void deployedAt(Instant at) {
        for (Pipeline p : project.pipelines()) {
            schedule.recordCode(p.name(), Optional.empty(), new DeployedCode(project.codeVersion(p.name()), true, at));
        }
    }

    // ------------------------------------------------------------------ what happens between ticks

    /** An asset event at the clock's time, recorded and delivered to every consumer as the trigger gets it. */
    AssetEvent assetUpdated(String asset, String partition) {
        AssetEvent e = event(asset, partition, new Producer(Producer.Kind.S3_UPLOAD, "upload-" + events.incrementAndGet()));
        store.events().record(e);
        TriggerService trigger = new TriggerService(project, store, this::announce, log, clock);
        for (Pipeline p : project.pipelines()) {
            if (p.input(asset).isPresent()) {
                trigger.onAssetUpdated(p, e);
            }
        }
        return e;
    }

    private AssetEvent event(String asset, String partition, Producer producer) {
        String id = "ev-" + events.incrementAndGet();
        return new AssetEvent(id, asset, partition, clock.instant(), producer, "v-" + id, Optional.empty(),
                List.of("s3://lake/" + asset + "/" + partition + "/" + id), Map.of());
    }

    /** A successful run: started, its output staged by the runner, recorded by the publisher (the commit point), ended. */
    void succeed(Run run, String output) {
        int attempt = start(run);
        AssetEvent e = event(output, run.partition(), new Producer(Producer.Kind.RUN, run.runId()));
        store.runs().stageOutputs(run.runId(), attempt, List.of(e), Map.of(), "code");
        store.runs().recordOutputs(run.runId(), attempt, List.of(e), Map.of(), "code");
        store.runs().finish(run.runId(), attempt, RunState.SUCCEEDED, "done");
    }

    /** A runner's attempt starting, with its lease: the pipeline's timeout and a minute. */
    int start(Run run) {
        Duration timeout = pipeline(run.pipeline()).timeout();
        return store.runs().startAttempt(run.runId(), clock.instant().plus(timeout).plus(Duration.ofMinutes(1))).orElseThrow();
    }

    /**
     * A run ends in {@code state} (unfenced, as a runner's end), its end is announced, and the
     * trigger gets it as the consumer's own rule delivers it.
     */
    void runEnded(Run run, RunState state) {
        store.runs().finishUnfenced(run.runId(), state, "test");
        TriggerService trigger = new TriggerService(project, store, this::announce, log, clock);
        Announcer toTheTrigger = (type, json) -> {
            announce(type, json);
            ObjectNode delivery = EventJson.MAPPER.createObjectNode().put("pipeline", run.pipeline());
            delivery.putObject("event").put("detail-type", type).put("source", "freshet").set("detail", EventJson.read(json));
            trigger.handle(delivery);
        };
        new RunLauncher(store, toTheTrigger, log, clock).announceEnd(store.runs().run(run.runId()).orElseThrow(), state, "test");
    }

    /** Every active run ends SUCCEEDED, its end is announced, and its partition is evaluated again, as the trigger would. */
    void finishActiveRuns() {
        for (Pipeline p : project.pipelines()) {
            for (Run r : store.runs().of(p.name())) {
                if (r.state().isActive()) {
                    store.runs().finishUnfenced(r.runId(), RunState.SUCCEEDED, "test");
                    launcher.announceEnd(r, RunState.SUCCEEDED, "test");
                    launcher.evaluate(p, r.partition());
                }
            }
        }
    }

    // ------------------------------------------------------------------ looking

    /** A pipeline's runs, oldest first. */
    List<Run> runs(String pipeline) {
        return store.runs().of(pipeline).stream().sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::partition)
                .thenComparing(Run::runId)).toList();
    }

    List<JsonNode> announced(String detailType) {
        return announced.stream().filter(a -> a.detailType().equals(detailType)).map(Announced::detail).toList();
    }

    String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** Every item of the table: a tick that writes nothing leaves this unchanged. */
    List<Map<String, AttributeValue>> items() {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        dynamo().client().scanPaginator(b -> b.tableName(table).consistentRead(true)).items().forEach(out::add);
        out.sort(Comparator.comparing(Map::toString));
        return out;
    }

    /** Replaces text in a pipeline file of the copied project (a code change, before a deploy). */
    void edit(String file, String from, String to) {
        ProjectFiles.edit(projectDir, file, from, to);
    }

}
