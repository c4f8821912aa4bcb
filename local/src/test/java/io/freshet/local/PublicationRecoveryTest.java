package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.protocol.FaultPoints;

/**
 * Recording a run's outputs is its commit point: an attempt killed after it ends SUCCEEDED, with
 * its outputs published once, even with {@code retries: 0} (orders_daily in the time fixture),
 * because consumers may already use them. An attempt killed before it ends FAILED, having
 * published nothing.
 */
class PublicationRecoveryTest {

    @TempDir
    Path tmp;

    static FaultPoints killOnce(String point) {
        AtomicBoolean done = new AtomicBoolean();
        return p -> {
            if (p.equals(point) && done.compareAndSet(false, true)) {
                throw new FaultPoints.Killed(p);
            }
        };
    }

    static Run only(TimeWorld w, String pipeline) {
        List<Run> runs = w.runs(pipeline);
        assertEquals(1, runs.size(), runs.toString());
        return runs.get(0);
    }

    static List<JsonNode> updates(TimeWorld w, String asset) {
        return w.published(EventJson.ASSET_UPDATED).stream().filter(d -> d.path("asset").asText().equals(asset)).toList();
    }

    @Test
    void withNoRetriesAnAttemptKilledAfterStagingItsOutputsIsPublishedThroughTheSweep() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.faults.put("orders_daily", killOnce("after-stage"));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            assertEquals(RunState.PUBLISHING, only(w, "orders_daily").state());
            assertEquals(List.of(), updates(w, "core.orders"), "killed before handing them over");

            w.clock.advance(Duration.ofMinutes(17)); // the lease (15m + 1m) ran out: no retry, the outputs are staged
            w.tick();
            assertEquals(RunState.PUBLISHING, only(w, "orders_daily").state(), "a publisher may still be at work");
            w.clock.advance(Duration.ofMinutes(4));
            w.tick();

            Run r = only(w, "orders_daily");
            assertEquals(RunState.SUCCEEDED, r.state(), "not FAILED: its outputs were staged, no attempt could take the run over: " + r);
            assertEquals(1, r.attempt(), "nothing computed again");
            assertEquals(1, updates(w, "core.orders").size());
            assertEquals(List.of(), w.published(EventJson.RUN_FAILED));
            assertEquals(RunState.SUCCEEDED, only(w, "summary").state(), "the consumer ran on it, and that is consistent now");
            assertTrue(w.stack.store().events().latest("core.orders", "2026-05-11").orElseThrow().producer().id().equals(r.runId()));
        }
    }

    @Test
    void withNoRetriesAnAttemptKilledBeforeRecordingFailsAndPublishesNothing() {
        try (TimeWorld w = new TimeWorld(Instant.parse("2026-05-11T10:00:00Z"), tmp)) {
            w.tick();
            w.faults.put("orders_daily", killOnce("after-upload"));
            w.uploadOrders("2026-05-11", "a.csv", "1,10\n");
            w.clock.advance(Duration.ofMinutes(17));
            w.tick();
            assertEquals(RunState.FAILED, only(w, "orders_daily").state());
            assertEquals(List.of(), updates(w, "core.orders"));
            assertEquals(List.of(), w.stack.store().events().history("core.orders", "2026-05-11"));
        }
    }
}
