package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.freshet.engine.snapshot.SnapshotException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.JsonLog;
import io.freshet.aws.json.EventJson;
import io.freshet.aws.s3.ObjectStore;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.engine.sql.EngineException;
import io.freshet.state.StateStore;
import io.freshet.state.dynamo.DynamoStateStore;
import io.freshet.testkit.LocalDynamo;
import io.freshet.testkit.LocalS3;
import io.freshet.testkit.MutableClock;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import io.freshet.state.protocol.FaultPoints;

/**
 * Attempts against each other and against time, on DynamoDB Local, S3Proxy and DuckDB: a stale
 * attempt (its lease ran out, another attempt or the sweep took the run) writes nothing and
 * leaves nothing referenced; the pipeline's timeout stops a slow DuckDB statement inside the
 * attempt; a SQL error is permanent (not retried), a network error transient (retried).
 */
class RunAttemptsTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final String LAKE = "lake";
    static final AtomicInteger TABLES = new AtomicInteger();
    static final String GOOD = "1,c1,s1,in,2026-05-26 08:00:00\n2,c1,s2,out,2026-05-26 08:20:00\n";

    static LocalDynamo dynamo;
    static LocalS3 s3;
    static TestLake lake;

    StateStore store;
    ObjectStore objects;
    final MutableClock clock = new MutableClock(Instant.parse("2026-05-26T09:00:00Z"));
    final List<String> announced = new CopyOnWriteArrayList<>();
    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        s3 = LocalS3.start();
        lake = TestLake.start(s3);
        s3.createBucket(LAKE);
    }

    @AfterAll
    static void stop() {
        lake.close();
        s3.close();
        dynamo.close();
    }

    @BeforeEach
    void freshWorld() throws Exception {
        String table = "attempts-" + TABLES.incrementAndGet();
        DynamoStateStore.createTable(dynamo.client(), table);
        store = new DynamoStateStore(dynamo.client(), table, clock);
        objects = new ObjectStore(s3.client());
        source("raw.stations", "2026-05-25", parquet("SELECT * FROM (VALUES ('s1','Muzeum','A'), ('s2','Florenc','B')) t(station_id, name, line)"));
        source("raw.passengers", "2026-05-25", parquet("SELECT * FROM (VALUES ('c1','student')) t(card_id, fare_category)"));
    }

    RunnerService runner(Project project, FaultPoints faults) {
        return new RunnerService(project, store, objects, TestLake.bus(announced, lake.publisher(project, store, LAKE, announced, clock, faults)), LAKE,
                (p, step, partition, watermarks, dir) -> { throw new UnsupportedOperationException("no snapshots here"); },
                clock, new JsonLog(new PrintStream(OutputStream.nullOutputStream()), clock, Map.of()), tmp.resolve("scratch"), faults);
    }

    AssetEvent source(String asset, String partition, Path file) {
        return RunnerFixtures.source(objects, store, clock, LAKE, asset, partition, file);
    }

    Path parquet(String select) throws Exception {
        return RunnerFixtures.parquet(tmp, select);
    }

    Run runOf(String pipeline, String partition, AssetEvent... events) {
        var view = store.consumers().view(pipeline, partition);
        List<PendingEvent> consumed = Arrays.stream(events).map(e -> new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())).toList();
        return store.runs().tryCreate(view, Ids.run(pipeline, partition, consumed.stream().map(PendingEvent::eventId).toList()), consumed, "test").orElseThrow();
    }

    Run tapsRun() throws IOException {
        Path f = tmp.resolve("taps.csv");
        Files.writeString(f, "tap_id,card_id,station_id,direction,tapped_at\n" + GOOD);
        return runOf("core_trips", "2026-05-26", source("landing.taps", "2026-05-26", f));
    }

    List<JsonNode> announcements(String type) {
        return announced.stream().filter(a -> a.startsWith(type + " ")).map(a -> EventJson.read(a.substring(type.length() + 1))).toList();
    }

    Duration pastTheLease() {
        return METRO.pipeline("core_trips").orElseThrow().timeout().plus(RunnerService.LEASE_MARGIN).plusSeconds(1);
    }

    /** Fault points that do {@code action} once, the first time {@code point} is reached. */
    static FaultPoints once(String point, Runnable action) {
        AtomicInteger seen = new AtomicInteger();
        return p -> {
            if (p.equals(point) && seen.incrementAndGet() == 1) {
                action.run();
            }
        };
    }

    @Test
    void aStaleAttemptCannotPublishAfterANewerAttemptTookOverAndSucceeded() throws Exception {
        Run run = tapsRun();
        AtomicInteger second = new AtomicInteger();
        // Attempt 1 stalls after its upload; its lease runs out; the redelivered request starts attempt 2, which publishes.
        RunnerService slow = runner(METRO, once("after-upload", () -> {
            clock.advance(pastTheLease());
            assertEquals(Optional.of(RunState.SUCCEEDED), runner(METRO, FaultPoints.NONE).execute(run.runId()));
            second.set(announcements(EventJson.ASSET_UPDATED).size());
        }));

        assertEquals(Optional.empty(), slow.execute(run.runId()), "the stale attempt stops: it no longer holds the run");

        Run after = store.runs().run(run.runId()).orElseThrow();
        assertEquals(RunState.SUCCEEDED, after.state(), "attempt 1 did not mark the run FAILED behind attempt 2's back");
        assertEquals(2, after.attempt());
        assertEquals(1, second.get());
        List<JsonNode> updated = announcements(EventJson.ASSET_UPDATED);
        assertEquals(1, updated.size(), "one publication, attempt 2's");
        assertTrue(updated.get(0).get("objects").get(0).asText().endsWith("-2.parquet"), updated.toString());
        assertEquals(List.of(), announcements(EventJson.RUN_FAILED));
        assertEquals(1, store.events().history("core.trips", "2026-05-26").size());
        assertTrue(store.events().latest("core.trips", "2026-05-26").orElseThrow().objects().stream().anyMatch(o -> o.endsWith("-2.parquet")), "the partition state points at attempt 2's data");
    }

    @Test
    void aStaleAttemptCannotRecordWhileANewerAttemptHoldsTheRun() throws Exception {
        Run run = tapsRun();
        // Attempt 1 stalls after its upload; its lease runs out and a redelivery starts attempt 2, which is still running.
        RunnerService slow = runner(METRO, once("after-upload", () -> {
            clock.advance(pastTheLease());
            assertEquals(Optional.of(2), store.runs().startAttempt(run.runId(), clock.instant().plus(Duration.ofMinutes(16))));
        }));

        assertEquals(Optional.empty(), slow.execute(run.runId()), "attempt 1 stops: attempt 2 holds the run");
        assertEquals(List.of(), store.events().history("core.trips", "2026-05-26"), "attempt 1 recorded nothing");
        assertEquals(Optional.empty(), store.runs().recordedOutputs(run.runId()));
        assertEquals(List.of(), announcements(EventJson.ASSET_UPDATED));
        Run held = store.runs().run(run.runId()).orElseThrow();
        assertEquals(RunState.RUNNING, held.state(), "attempt 1 did not end it either");
        assertEquals(2, held.attempt());
    }

    @Test
    void aStaleAttemptCannotPublishARunTheSweepFailed() throws Exception {
        Run run = tapsRun();
        // retries exhausted: the sweep finds the lease run out and fails the run while attempt 1 is still going.
        RunnerService slow = runner(METRO, once("after-upload", () -> {
            clock.advance(pastTheLease());
            assertTrue(store.runs().finish(run.runId(), 1, RunState.FAILED, "attempt 1 did not finish before its lease ran out"));
        }));

        assertEquals(Optional.empty(), slow.execute(run.runId()));

        assertEquals(RunState.FAILED, store.runs().run(run.runId()).orElseThrow().state());
        assertEquals(List.of(), announcements(EventJson.ASSET_UPDATED), "nothing announced for a failed run");
        assertEquals(List.of(), store.events().history("core.trips", "2026-05-26"), "nothing recorded: the upload is referenced by no event");
        assertEquals(Optional.empty(), store.events().latest("core.trips", "2026-05-26"));
        assertEquals(Optional.empty(), store.runs().recordedOutputs(run.runId()));
    }

    @Test
    void anAttemptPastItsLeaseRecordsNothingEvenBeforeAnyoneTookOver() throws Exception {
        Run run = tapsRun();
        RunnerService slow = runner(METRO, once("after-upload", () -> clock.advance(pastTheLease())));
        assertEquals(Optional.empty(), slow.execute(run.runId()));
        assertEquals(List.of(), store.events().history("core.trips", "2026-05-26"));
        // The sweep (or a redelivery) then finds the run RUNNING with an expired lease and nothing recorded: it retries it.
        assertEquals(Optional.of(RunState.SUCCEEDED), runner(METRO, FaultPoints.NONE).execute(run.runId()));
        assertEquals(1, announcements(EventJson.ASSET_UPDATED).size());
    }

    @Test
    void outputsStagedByADeadAttemptArePublishedWithoutComputingAgain() throws Exception {
        Run run = tapsRun();
        RunnerService dies = runner(METRO, once("after-stage", () -> { throw new FaultPoints.Killed("after-stage"); }));
        try {
            dies.execute(run.runId());
        } catch (FaultPoints.Killed expected) {
            // the attempt died right after handing its outputs over, before announcing them
        }
        assertEquals(List.of(), announcements(EventJson.ASSET_UPDATED));
        assertEquals(RunState.PUBLISHING, store.runs().run(run.runId()).orElseThrow().state());
        clock.advance(pastTheLease());
        AtomicInteger steps = new AtomicInteger();
        assertEquals(Optional.empty(), runner(METRO, p -> steps.incrementAndGet()).execute(run.runId()),
                "a redelivered request starts no attempt: the staged outputs are the run's");
        assertEquals(0, steps.get());
        // The sweep hands the run to the publisher again (SweepDutyTest); here, straight to it.
        assertEquals(RunState.SUCCEEDED, lake.publisher(METRO, store, LAKE, announced, clock, FaultPoints.NONE).publish(run.runId()));
        List<JsonNode> updated = announcements(EventJson.ASSET_UPDATED);
        assertEquals(1, updated.size());
        assertTrue(updated.get(0).get("objects").get(0).asText().endsWith("-1.parquet"), "attempt 1's file");
        assertEquals(1, announcements(EventJson.RUN_SUCCEEDED).size());
    }

    // ------------------------------------------------------------------ timeouts and failure kinds

    Project project(String pipelineYaml) throws IOException {
        Path dir = tmp.resolve("project-" + TABLES.incrementAndGet());
        Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(dir.resolve("pipelines/p.yaml"), pipelineYaml);
        return ProjectLoader.load(dir).orThrow();
    }

    static String pipeline(String sql, String extra) {
        return """
                pipeline: p
                outputs:
                  core.p: s3://${LakeBucket}/core/p/
                trigger:
                  cron: "0 1 * * ? *"
                steps:
                  - sql:
                      output: core.p
                      query: %s
                %s
                """.formatted(sql, extra);
    }

    @Test
    void thePipelinesTimeoutStopsASlowDuckDbStatementInsideTheAttempt() throws Exception {
        Project p = project(pipeline("SELECT count(*) AS n FROM range(1000000000000) t(i) WHERE i % 7 = 3", "timeout: 2s\nretries: 0"));
        Run run = runOf("p", "");
        long started = System.nanoTime();
        assertEquals(Optional.of(RunState.FAILED), runner(p, FaultPoints.NONE).execute(run.runId()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "stopped at its 2s timeout, not after the statement: " + took);
        Run after = store.runs().run(run.runId()).orElseThrow();
        assertTrue(after.finishReason().orElseThrow().contains("timeout"), after.toString());
        assertEquals(List.of(), announcements(EventJson.ASSET_UPDATED));
    }

    @Test
    void aTimedOutAttemptIsRetriedWhileRetriesAreLeft() throws Exception {
        Project p = project(pipeline("SELECT count(*) AS n FROM range(1000000000000) t(i) WHERE i % 7 = 3", "timeout: 1s\nretries: 1"));
        Run run = runOf("p", "");
        assertEquals(Optional.of(RunState.QUEUED), runner(p, FaultPoints.NONE).execute(run.runId()));
    }

    @Test
    void aDuckDbSqlErrorIsPermanentAndNotRetried() throws Exception {
        Project p = project(pipeline("SELECT no_such_column FROM range(3)", "retries: 2"));
        Run run = runOf("p", "");
        assertEquals(Optional.of(RunState.FAILED), runner(p, FaultPoints.NONE).execute(run.runId()));
        Run after = store.runs().run(run.runId()).orElseThrow();
        assertEquals(1, after.attempt(), "not retried: the same SQL fails the same way");
        assertTrue(after.finishReason().orElseThrow().contains("no_such_column"), after.toString());
    }

    @Test
    void aNetworkFailureIsTransientAndRetried() throws Exception {
        Project p = project(pipeline("SELECT 1 AS n", "retries: 2"));
        Run run = runOf("p", "");
        RunnerService flaky = runner(p, once("after-step", () -> {
            throw SdkClientException.create("Unable to execute HTTP request: Connection reset");
        }));
        assertEquals(Optional.of(RunState.QUEUED), flaky.execute(run.runId()));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.of(RunState.SUCCEEDED), runner(p, FaultPoints.NONE).execute(run.runId()));
    }

    @Test
    void theLeaseCoversTheInvocationAndThePipelinesTimeoutPlusAMargin() {
        assertEquals(Duration.ofMinutes(16), RunnerService.lease(Duration.ofMinutes(5), Duration.ofMinutes(15)), "Lambda may run 15 minutes");
        assertEquals(Duration.ofMinutes(11), RunnerService.lease(Duration.ofMinutes(10), Duration.ofMinutes(2)));
        assertEquals(Duration.ofMinutes(6), RunnerService.lease(Duration.ofMinutes(5), Duration.ZERO), "unknown invocation time (local)");
    }

    @Test
    void failureKindsComeFromTypesNotFromCatchingEverything() {
        assertInstanceOf(FailureKind.Permanent.class, FailureKind.of(new EngineException("computing 'core.p': Binder Error",
                new SQLException("Binder Error: column not found"))));
        assertInstanceOf(FailureKind.Transient.class, FailureKind.of(SdkClientException.create("connect timed out")));
        assertInstanceOf(FailureKind.Transient.class, FailureKind.of(new SnapshotException(null, "PostgreSQL",
                new SQLException("the connection attempt failed", "08001"))));
        assertInstanceOf(FailureKind.Permanent.class, FailureKind.of(new SnapshotException("\"public\".\"x\"", "missing",
                new SQLException("relation does not exist", "42P01"))));
        assertInstanceOf(FailureKind.Transient.class, FailureKind.of(ProvisionedThroughputExceededException
                .builder().statusCode(400).message("slow down")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .build()));
        assertInstanceOf(FailureKind.Permanent.class, FailureKind.of(new IllegalStateException("a bug")));
    }
}
