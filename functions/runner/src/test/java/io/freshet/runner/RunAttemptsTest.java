package io.freshet.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.freshet.engine.snapshot.SnapshotException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.PendingEvent;
import io.freshet.runner.RunnerTestStack.World;
import io.freshet.engine.sql.EngineException;
import io.freshet.lineage.RunLineage;
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
    static final AtomicInteger PROJECTS = new AtomicInteger();
    static final String GOOD = "1,c1,s1,in,2026-05-26 08:00:00\n2,c1,s2,out,2026-05-26 08:20:00\n";

    @RegisterExtension
    static final RunnerTestStack STACK = new RunnerTestStack();

    final World world = STACK.metroWorld(Instant.parse("2026-05-26T09:00:00Z"), "('c1','student')");

    Run runOf(String pipeline, String partition, AssetEvent... events) {
        var view = world.store().consumers().view(pipeline, partition);
        List<PendingEvent> consumed = Arrays.stream(events).map(e -> new PendingEvent(e.eventId(), e.asset(), e.partition(), e.time())).toList();
        return world.store().runs().tryCreate(view, Ids.run(pipeline, partition, consumed.stream().map(PendingEvent::eventId).toList()), consumed, "test").orElseThrow();
    }

    Run tapsRun() throws IOException {
        Path f = world.tmp().resolve("taps.csv");
        Files.writeString(f, "tap_id,card_id,station_id,direction,tapped_at\n" + GOOD);
        return runOf("core_trips", "2026-05-26", world.source("landing.taps", "2026-05-26", f));
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
        RunnerService slow = world.runner(METRO, once("after-upload", () -> {
            world.clock().advance(pastTheLease());
            assertEquals(Optional.of(RunState.SUCCEEDED), world.runner(METRO, FaultPoints.NONE).execute(run.runId()));
            second.set(world.announcements(EventJson.ASSET_UPDATED).size());
        }));

        assertEquals(Optional.empty(), slow.execute(run.runId()), "the stale attempt stops: it no longer holds the run");

        Run after = world.store().runs().run(run.runId()).orElseThrow();
        assertEquals(RunState.SUCCEEDED, after.state(), "attempt 1 did not mark the run FAILED behind attempt 2's back");
        assertEquals(2, after.attempt());
        assertEquals(1, second.get());
        List<JsonNode> updated = world.announcements(EventJson.ASSET_UPDATED);
        assertEquals(1, updated.size(), "one publication, attempt 2's");
        assertTrue(updated.get(0).get("objects").get(0).asText().endsWith("-2.parquet"), updated.toString());
        assertEquals(List.of(), world.announcements(EventJson.RUN_FAILED));
        assertEquals(1, world.store().events().history("core.trips", "2026-05-26").size());
        assertTrue(world.store().events().latest("core.trips", "2026-05-26").orElseThrow().objects().stream().anyMatch(o -> o.endsWith("-2.parquet")), "the partition state points at attempt 2's data");
    }

    @Test
    void aStaleAttemptCannotRecordWhileANewerAttemptHoldsTheRun() throws Exception {
        Run run = tapsRun();
        // Attempt 1 stalls after its upload; its lease runs out and a redelivery starts attempt 2, which is still running.
        RunnerService slow = world.runner(METRO, once("after-upload", () -> {
            world.clock().advance(pastTheLease());
            assertEquals(Optional.of(2), world.store().runs().startAttempt(run.runId(), world.clock().instant().plus(Duration.ofMinutes(16))));
        }));

        assertEquals(Optional.empty(), slow.execute(run.runId()), "attempt 1 stops: attempt 2 holds the run");
        assertEquals(List.of(), world.store().events().history("core.trips", "2026-05-26"), "attempt 1 recorded nothing");
        assertEquals(Optional.empty(), world.store().runs().recordedOutputs(run.runId()));
        assertEquals(List.of(), world.announcements(EventJson.ASSET_UPDATED));
        Run held = world.store().runs().run(run.runId()).orElseThrow();
        assertEquals(RunState.RUNNING, held.state(), "attempt 1 did not end it either");
        assertEquals(2, held.attempt());
    }

    @Test
    void aStaleAttemptCannotPublishARunTheSweepFailed() throws Exception {
        Run run = tapsRun();
        // retries exhausted: the sweep finds the lease run out and fails the run while attempt 1 is still going.
        RunnerService slow = world.runner(METRO, once("after-upload", () -> {
            world.clock().advance(pastTheLease());
            assertTrue(world.store().runs().finish(run.runId(), 1, RunState.FAILED, "attempt 1 did not finish before its lease ran out"));
        }));

        assertEquals(Optional.empty(), slow.execute(run.runId()));

        assertEquals(RunState.FAILED, world.store().runs().run(run.runId()).orElseThrow().state());
        assertEquals(List.of(), world.announcements(EventJson.ASSET_UPDATED), "nothing announced for a failed run");
        assertEquals(List.of(), world.store().events().history("core.trips", "2026-05-26"), "nothing recorded: the upload is referenced by no event");
        assertEquals(Optional.empty(), world.store().events().latest("core.trips", "2026-05-26"));
        assertEquals(Optional.empty(), world.store().runs().recordedOutputs(run.runId()));
    }

    @Test
    void anAttemptPastItsLeaseRecordsNothingEvenBeforeAnyoneTookOver() throws Exception {
        Run run = tapsRun();
        RunnerService slow = world.runner(METRO, once("after-upload", () -> world.clock().advance(pastTheLease())));
        assertEquals(Optional.empty(), slow.execute(run.runId()));
        assertEquals(List.of(), world.store().events().history("core.trips", "2026-05-26"));
        // The sweep (or a redelivery) then finds the run RUNNING with an expired lease and nothing recorded: it retries it.
        assertEquals(Optional.of(RunState.SUCCEEDED), world.runner(METRO, FaultPoints.NONE).execute(run.runId()));
        assertEquals(1, world.announcements(EventJson.ASSET_UPDATED).size());
    }

    @Test
    void outputsStagedByADeadAttemptArePublishedWithoutComputingAgain() throws Exception {
        Run run = tapsRun();
        RunnerService dies = world.runner(METRO, once("after-stage", () -> { throw new FaultPoints.Killed("after-stage"); }));
        try {
            dies.execute(run.runId());
        } catch (FaultPoints.Killed expected) {
            // the attempt died right after handing its outputs over, before announcing them
        }
        assertEquals(List.of(), world.announcements(EventJson.ASSET_UPDATED));
        assertEquals(RunState.PUBLISHING, world.store().runs().run(run.runId()).orElseThrow().state());
        world.clock().advance(pastTheLease());
        AtomicInteger steps = new AtomicInteger();
        assertEquals(Optional.empty(), world.runner(METRO, p -> steps.incrementAndGet()).execute(run.runId()),
                "a redelivered request starts no attempt: the staged outputs are the run's");
        assertEquals(0, steps.get());
        // The sweep hands the run to the publisher again (SweepDutyTest); here, straight to it.
        assertEquals(RunState.SUCCEEDED, world.publisher(METRO, FaultPoints.NONE, RunLineage.NONE).publish(run.runId()));
        List<JsonNode> updated = world.announcements(EventJson.ASSET_UPDATED);
        assertEquals(1, updated.size());
        assertTrue(updated.get(0).get("objects").get(0).asText().endsWith("-1.parquet"), "attempt 1's file");
        assertEquals(1, world.announcements(EventJson.RUN_SUCCEEDED).size());
    }

    // ------------------------------------------------------------------ timeouts and failure kinds

    Project project(String pipelineYaml) throws IOException {
        Path dir = world.tmp().resolve("project-" + PROJECTS.incrementAndGet());
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
        assertEquals(Optional.of(RunState.FAILED), world.runner(p, FaultPoints.NONE).execute(run.runId()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "stopped at its 2s timeout, not after the statement: " + took);
        Run after = world.store().runs().run(run.runId()).orElseThrow();
        assertTrue(after.finishReason().orElseThrow().contains("timeout"), after.toString());
        assertEquals(List.of(), world.announcements(EventJson.ASSET_UPDATED));
    }

    @Test
    void aTimedOutAttemptIsRetriedWhileRetriesAreLeft() throws Exception {
        Project p = project(pipeline("SELECT count(*) AS n FROM range(1000000000000) t(i) WHERE i % 7 = 3", "timeout: 1s\nretries: 1"));
        Run run = runOf("p", "");
        assertEquals(Optional.of(RunState.QUEUED), world.runner(p, FaultPoints.NONE).execute(run.runId()));
    }

    @Test
    void aDuckDbSqlErrorIsPermanentAndNotRetried() throws Exception {
        Project p = project(pipeline("SELECT no_such_column FROM range(3)", "retries: 2"));
        Run run = runOf("p", "");
        assertEquals(Optional.of(RunState.FAILED), world.runner(p, FaultPoints.NONE).execute(run.runId()));
        Run after = world.store().runs().run(run.runId()).orElseThrow();
        assertEquals(1, after.attempt(), "not retried: the same SQL fails the same way");
        assertTrue(after.finishReason().orElseThrow().contains("no_such_column"), after.toString());
    }

    @Test
    void aNetworkFailureIsTransientAndRetried() throws Exception {
        Project p = project(pipeline("SELECT 1 AS n", "retries: 2"));
        Run run = runOf("p", "");
        RunnerService flaky = world.runner(p, once("after-step", () -> {
            throw SdkClientException.create("Unable to execute HTTP request: Connection reset");
        }));
        assertEquals(Optional.of(RunState.QUEUED), flaky.execute(run.runId()));
        world.clock().advance(Duration.ofMinutes(1));
        assertEquals(Optional.of(RunState.SUCCEEDED), world.runner(p, FaultPoints.NONE).execute(run.runId()));
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
