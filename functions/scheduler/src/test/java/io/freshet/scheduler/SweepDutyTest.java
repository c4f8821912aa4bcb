package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.state.ConsumerView;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.core.trigger.Request;

/**
 * The sweep alone: each run that needs the tick gets it once, and not before it is due: a retry
 * after its backoff, a run its creator never announced, a run not taken up, an attempt whose lease
 * ran out (retried, or failed when out of attempts, or published when its outputs were recorded),
 * a run end never announced. summary has the default retries (2); orders_daily has none.
 */
class SweepDutyTest {

    static final Instant START = Instant.parse("2026-05-11T10:00:00Z");
    @TempDir
    Path tmp;

    static int tick(TickWorld w) {
        return w.sweep().run(w.tick()).resent();
    }

    /** A run of {@code pipeline} asked for by a person, created and announced at the clock's time. */
    static Run requested(TickWorld w, String pipeline, String partition) {
        w.launcher.request(w.pipeline(pipeline), partition, Request.manual("m-" + pipeline, pipeline, partition, w.clock.instant()), List.of());
        return w.store.runs().of(pipeline).get(0);
    }

    static Run run(TickWorld w, Run r) {
        return w.store.runs().run(r.runId()).orElseThrow();
    }

    @Test
    void aRunItsCreatorNeverAnnouncedIsAnnouncedAfterTheGraceOnce() {
        TickWorld w = new TickWorld(START, tmp);
        Request request = Request.manual("m-1", "summary", "", START);
        w.store.consumers().addPending("summary", "", request.asPending());
        ConsumerView view = w.store.consumers().view("summary", "");
        Run created = w.store.runs().tryCreate(view, "run-never-announced", view.pending(), "asked").orElseThrow(); // and the creator died

        w.clock.advance(RunLauncher.UNSTARTED_GRACE.minusSeconds(10));
        assertEquals(0, tick(w), "its creator may be announcing it right now");
        w.clock.advance(Duration.ofSeconds(11));
        assertEquals(1, tick(w));
        assertEquals(0, tick(w));
        assertEquals(List.of(created.runId()), w.announced(EventJson.RUN_REQUESTED).stream().map(d -> d.path("runId").asText()).toList());
    }

    @Test
    void aRunNotTakenUpIsRequestedOnceAfterTheGraceThenEveryTenMinutes() {
        TickWorld w = new TickWorld(START, tmp);
        requested(w, "summary", "");
        assertEquals(1, w.announced(EventJson.RUN_REQUESTED).size(), "by its creator, which does not note it");
        w.clock.advance(RunLauncher.UNSTARTED_GRACE.minusSeconds(10));
        assertEquals(0, tick(w), "a runner may be taking it up");
        w.clock.advance(Duration.ofSeconds(11));
        assertEquals(1, tick(w), "not started: its creator's Run Requested may be lost");
        w.clock.advance(Duration.ofMinutes(9));
        assertEquals(0, tick(w), "requested again and noted: the next request waits ten minutes");
        w.clock.advance(Duration.ofMinutes(2));
        assertEquals(1, tick(w), "its Run Requested may be in a dead-letter queue");
        w.clock.advance(Duration.ofMinutes(1));
        assertEquals(0, tick(w), "requested again just now");
        assertEquals(3, w.announced(EventJson.RUN_REQUESTED).size());
    }

    @Test
    void aRetryIsAnnouncedWhenItsBackoffIsOverOnce() {
        TickWorld w = new TickWorld(START, tmp);
        Run r = requested(w, "summary", "");
        int attempt = w.start(r);
        w.store.runs().retryLater(r.runId(), attempt, START.plusSeconds(30), "the lake was briefly unreachable");
        w.clock.advance(Duration.ofSeconds(20));
        assertEquals(0, tick(w), "not before the backoff");
        w.clock.advance(Duration.ofSeconds(10));
        assertEquals(1, tick(w));
        assertEquals(0, tick(w));
        assertEquals(2, w.announced(EventJson.RUN_REQUESTED).size(), "the first attempt's and the retry's");
    }

    @Test
    void anAttemptWhoseLeaseRanOutIsRetriedOnce() {
        TickWorld w = new TickWorld(START, tmp);
        Run r = requested(w, "summary", "");
        w.start(r); // and it dies: its lease is the timeout (15m) and a minute
        w.clock.advance(Duration.ofMinutes(10));
        assertEquals(0, tick(w));
        assertEquals(RunState.RUNNING, run(w, r).state(), "its lease has not run out");
        w.clock.advance(Duration.ofMinutes(7));
        assertEquals(1, tick(w));
        assertEquals(0, tick(w));
        Run retried = run(w, r);
        assertEquals(RunState.QUEUED, retried.state());
        assertTrue(w.logText().contains("attempt 1 did not finish before its lease ran out (timed out or killed); retrying"));
        assertEquals(2, w.announced(EventJson.RUN_REQUESTED).size());
    }

    @Test
    void aRunOutOfAttemptsFailsOnce() {
        TickWorld w = new TickWorld(START, tmp);
        Run r = requested(w, "orders_daily", "2026-05-11"); // retries: 0
        w.start(r);
        w.clock.advance(Duration.ofMinutes(10));
        tick(w);
        assertEquals(RunState.RUNNING, run(w, r).state(), "its lease has not run out");
        w.clock.advance(Duration.ofMinutes(7));
        assertEquals(0, tick(w), "a failure is not a resend");
        w.clock.advance(Duration.ofMinutes(1));
        tick(w);
        assertEquals(RunState.FAILED, run(w, r).state());
        assertTrue(run(w, r).finishReason().orElseThrow().contains("did not finish before its lease ran out"));
        assertEquals(1, w.announced(EventJson.RUN_FAILED).size());
    }

    @Test
    void aPublisherThatDiedAfterRecordingTheOutputsHasItsPublicationFinishedOnce() {
        TickWorld w = new TickWorld(START, tmp);
        Run r = requested(w, "orders_daily", "2026-05-11"); // retries: 0, yet past the commit point it succeeds
        int attempt = w.start(r);
        AssetEvent out = new AssetEvent("ev-out", "core.orders", "2026-05-11", START, new Producer(Producer.Kind.RUN, r.runId()),
                "v1", Optional.of("code"), List.of("s3://lake/core/orders/date=2026-05-11/r-1.parquet"), Map.of());
        w.store.runs().stageOutputs(r.runId(), attempt, List.of(out), Map.of(), "code");
        w.store.runs().recordOutputs(r.runId(), attempt, List.of(out), Map.of(), "code");
        w.clock.advance(Duration.ofMinutes(17));
        assertEquals(0, tick(w), "a publisher may still be at work: the sweep waits past its Lambda timeout");
        w.clock.advance(Duration.ofMinutes(4));
        assertEquals(1, tick(w));
        assertEquals(0, tick(w));
        assertEquals(RunState.SUCCEEDED, run(w, r).state());
        assertEquals(List.of("ev-out"), w.announced(EventJson.ASSET_UPDATED).stream().map(d -> d.path("eventId").asText()).toList());
        assertEquals(1, w.announced(EventJson.RUN_SUCCEEDED).size());
        assertEquals(0, w.announced(EventJson.RUN_FAILED).size());
    }

    @Test
    void aLingeringPublicationIsHandedToThePublisherAgainEveryTwentyMinutes() {
        TickWorld w = new TickWorld(START, tmp);
        Run r = requested(w, "orders_daily", "2026-05-11");
        int attempt = w.start(r);
        AssetEvent out = new AssetEvent("ev-out", "core.orders", "2026-05-11", START, new Producer(Producer.Kind.RUN, r.runId()),
                "v1", Optional.of("code"), List.of("s3://lake/core/orders/date=2026-05-11/r-1.parquet"), Map.of());
        w.store.runs().stageOutputs(r.runId(), attempt, List.of(out), Map.of(), "code");
        w.clock.advance(Duration.ofMinutes(21));
        assertEquals(1, tick(w));
        assertEquals(0, tick(w), "not again at once");
        w.clock.advance(Duration.ofMinutes(21));
        assertEquals(1, tick(w));
        List<JsonNode> staged = w.announced(EventJson.RUN_OUTPUTS_STAGED);
        assertEquals(2, staged.size());
        assertEquals(attempt, staged.get(0).path("attempt").asInt(), "the attempt whose outputs are staged");
        assertEquals(RunState.PUBLISHING, run(w, r).state(), "the sweep neither fails nor retries a staged run");
    }

    @Test
    void aRunEndNeverAnnouncedIsAnnouncedAfterTheGraceOnce() {
        TickWorld w = new TickWorld(START, tmp);
        Run r = requested(w, "summary", "");
        int attempt = w.start(r);
        w.store.runs().finish(r.runId(), attempt, RunState.SKIPPED, "inputs and code unchanged"); // and the runner died
        w.clock.advance(Duration.ofSeconds(20));
        assertEquals(0, tick(w));
        w.clock.advance(Duration.ofSeconds(11));
        assertEquals(1, tick(w));
        assertEquals(0, tick(w));
        List<JsonNode> skipped = w.announced(EventJson.RUN_SKIPPED);
        assertEquals(1, skipped.size());
        assertEquals("inputs and code unchanged", skipped.get(0).path("reason").asText());
    }
}
