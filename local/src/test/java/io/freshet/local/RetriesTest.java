package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.json.EventJson;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Retries come from the tick: a failed attempt waits for the pipeline's backoff and runs again
 * under the same id; an attempt that died without a word is found by its expired lease; a run
 * out of attempts fails once. summary has the default retries (2, backoff 30s).
 */
class RetriesTest {

    @TempDir
    Path tmp;

    /** Fails (or kills) the first {@code n} attempts of summary after its step. */
    static FaultPoints firstAttempts(int n, boolean kill) {
        AtomicInteger seen = new AtomicInteger();
        return point -> {
            if (point.equals("after-step") && seen.incrementAndGet() <= n) {
                if (kill) {
                    throw new FaultPoints.Killed(point);
                }
                // A transient failure (network): retried. A permanent one (a SQL error) would end the run at once.
                throw SdkClientException.create("the lake was briefly unreachable");
            }
        };
    }

    Run summary(TimeWorld w) {
        assertEquals(1, w.runs("summary").size(), w.runs("summary").toString());
        return w.runs("summary").get(0);
    }

    @Test
    void aFailedAttemptRunsAgainAfterTheBackoffUnderTheSameRun() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.faults.put("summary", firstAttempts(1, false));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            Run r = summary(w);
            assertEquals(RunState.QUEUED, r.state());
            assertEquals(Instant.parse("2026-05-11T10:00:30Z"), r.retryAt().orElseThrow());
            w.clock.advance(Duration.ofSeconds(20));
            w.tick();
            assertEquals(1, summary(w).attempt(), "not before the backoff");
            w.clock.advance(Duration.ofSeconds(20));
            w.tick();
            r = summary(w);
            assertEquals(RunState.SUCCEEDED, r.state());
            assertEquals(2, r.attempt());
            assertEquals(0, w.published(EventJson.RUN_FAILED).size());
            assertEquals(1, w.published(EventJson.RUN_SUCCEEDED).stream().filter(d -> d.path("pipeline").asText().equals("summary")).count());
        }
    }

    @Test
    void anAttemptThatDiedIsFoundByItsLeaseAndRunsAgain() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.faults.put("summary", firstAttempts(1, true));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            assertEquals(RunState.RUNNING, summary(w).state());
            w.clock.advance(Duration.ofMinutes(10));
            w.tick();
            assertEquals(RunState.RUNNING, summary(w).state(), "its lease (timeout 15m + 1m) has not run out");
            w.clock.advance(Duration.ofMinutes(7));
            w.tick();
            Run r = summary(w);
            assertEquals(RunState.SUCCEEDED, r.state());
            assertEquals(2, r.attempt());
            assertTrue(w.logText().contains("did not finish before its lease ran out"));
        }
    }

    @Test
    void aRunOutOfAttemptsFailsOnce() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.faults.put("summary", firstAttempts(99, false));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            for (int i = 0; i < 6; i++) {
                w.clock.advance(Duration.ofMinutes(1)); // backoffs 30s, then 60s
                w.tick();
            }
            Run r = summary(w);
            assertEquals(RunState.FAILED, r.state());
            assertEquals(3, r.attempt(), "the first attempt and two retries");
            assertTrue(r.finishReason().orElseThrow().contains("the lake was briefly unreachable"), r.toString());
            assertEquals(1, w.published(EventJson.RUN_FAILED).size());
        }
    }
}
