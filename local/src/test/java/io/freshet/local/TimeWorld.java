package io.freshet.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.publisher.PublisherService;
import io.freshet.state.protocol.FaultPoints;
import io.freshet.runner.RunnerService;
import io.freshet.scheduler.SchedulerService;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;
import io.freshet.testkit.ProjectFiles;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A whole local stack on a clock the test moves: DynamoDB Local, S3Proxy, the in-process bus with
 * the rules rules-sync computes, the s3-events and trigger handlers, the real runner (DuckDB) as
 * the Run Requested target, and the scheduler's tick, called by the test as EventBridge Scheduler
 * would call it. The pipelines are the fixture in src/test/resources/time-project, copied so that
 * a test can change them and "deploy" the new version.
 */
final class TimeWorld implements AutoCloseable {

    static final String LAKE = "lake";

    final MutableClock clock;
    final Path projectDir;
    final EmbeddedFanOut stack;
    final LocalS3 s3;
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final JsonLog log;
    private final AtomicReference<RunnerService> runner = new AtomicReference<>();
    private final AtomicReference<PublisherService> publisher = new AtomicReference<>();
    /** The key of {@link #faults} whose points the publisher reaches (its named points: after-commit, after-record). */
    static final String PUBLISHER = "(publisher)";
    /** Where tests make a pipeline's attempts fail or die (the runner's fault points); none by default. */
    final Map<String, FaultPoints> faults = new ConcurrentHashMap<>();
    private final ThreadLocal<String> runningPipeline = new ThreadLocal<>();
    private final AtomicInteger sequencer = new AtomicInteger(1000);
    private final Path scratch;
    Project project;

    TimeWorld(Instant start, Path tmp) {
        this(start, tmp, Map.of());
    }

    /** With {@code extraPipelines} (file name -> YAML) added to the fixture's pipelines before the stack starts. */
    TimeWorld(Instant start, Path tmp, Map<String, String> extraPipelines) {
        this.clock = new MutableClock(start);
        this.log = new JsonLog(new PrintStream(logBytes, true, StandardCharsets.UTF_8), clock, Map.of());
        this.projectDir = tmp.resolve("project");
        this.scratch = tmp.resolve("scratch");
        ProjectFiles.copy(Path.of("src/test/resources/time-project"), projectDir);
        extraPipelines.forEach((file, yaml) -> {
            try {
                Files.writeString(projectDir.resolve("pipelines").resolve(file), yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        this.project = load();
        this.s3 = LocalS3.start();
        s3.createBucket(LAKE);
        this.stack = EmbeddedFanOut.start(project, LAKE, run -> {
            runningPipeline.set(run.path("pipeline").asText());
            try {
                runner.get().execute(run.path("runId").asText());
            } catch (FaultPoints.Killed killed) {
                // the attempt died here, as a Lambda timeout would end it: no cleanup, nothing announced
            } finally {
                runningPipeline.remove();
            }
        }, staged -> publisher.get().publish(staged.path("runId").asText()), log, clock);
        deploy(project);
    }

    Project load() {
        return ProjectLoader.load(projectDir).orThrow();
    }

    /** The runner (and the tick, through {@link #tick}) now run {@code deployed}. */
    void deploy(Project deployed) {
        this.project = deployed;
        runner.set(new RunnerService(deployed, stack.store(), new ObjectStore(s3.client()), stack.announcer(), LAKE,
                (p, step, partition, watermarks, dir) -> {
                    throw new UnsupportedOperationException("no snapshots in the time fixture");
                }, clock, log, scratch, point -> faults.getOrDefault(String.valueOf(runningPipeline.get()), FaultPoints.NONE).reached(point)));
        publisher.set(TestLakes.publisher(deployed, stack.store(), s3, LAKE, stack.announcer(), log, clock,
                point -> faults.getOrDefault(PUBLISHER, FaultPoints.NONE).reached(point)));
    }

    SchedulerService scheduler() {
        return stack.scheduler(project);
    }

    /** One tick at the clock's time; waits until everything it set off has been delivered. */
    SchedulerService.Report tick() {
        SchedulerService.Report r = scheduler().tick();
        settle();
        return r;
    }

    /** Ticks every {@code step} from now until {@code end} (inclusive). */
    void tickEvery(Duration step, Instant end) {
        while (!clock.instant().isAfter(end)) {
            tick();
            clock.advance(step);
        }
    }

    void at(String instant) {
        clock.set(Instant.parse(instant));
    }

    void settle() {
        stack.awaitQuiescence(Duration.ofSeconds(60));
    }

    /** Uploads an order export for a Prague day; S3 announces it as it would in AWS. */
    void uploadOrders(String day, String name, String csvRows) {
        String key = "landing/orders/date=" + day + "/" + name;
        s3.client().putObject(b -> b.bucket(LAKE).key(key), RequestBody.fromString("order_id,amount\n" + csvRows));
        stack.s3ObjectCreated(key, String.format("%016X", sequencer.incrementAndGet()));
        settle();
    }

    /** A pipeline's runs, oldest first. */
    List<Run> runs(String pipeline) {
        return stack.store().runs().of(pipeline).stream().sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::partition).thenComparing(Run::runId)).toList();
    }

    /** The details of the events of one type that went out on the freshet bus, in order. */
    List<JsonNode> published(String detailType) {
        return stack.bus().events(EmbeddedFanOut.BUS).stream().map(EventJson::read)
                .filter(e -> e.path("detail-type").asText().equals(detailType)).map(e -> e.path("detail")).toList();
    }

    String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    /** Replaces text in a pipeline file of the copied project (a code change, before a deploy). */
    void edit(String file, String from, String to) {
        ProjectFiles.edit(projectDir, file, from, to);
    }


    @Override
    public void close() {
        stack.close();
        s3.close();
    }
}
