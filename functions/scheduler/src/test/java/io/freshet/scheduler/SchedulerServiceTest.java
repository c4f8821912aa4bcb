package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.aws.json.EventJson;
import io.freshet.state.ConsumerView;
import io.freshet.state.protocol.RunLauncher;
import io.freshet.core.trigger.Request;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The tick as a sequence of duties: its report adds up what each did, a quiet minute writes
 * nothing and announces nothing, and a failing duty stops only what shares its guard (the rest of
 * its pipeline's duties, or itself) while the tick still fails.
 */
class SchedulerServiceTest {

    @TempDir
    Path tmp;

    @Test
    void theReportAddsUpTheDutiesAndAQuietTickWritesNothing() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-10T10:00:30Z"), tmp);
        SchedulerService.Report first = w.service().tick();
        assertEquals(new SchedulerService.Report(1, 0, 0, 0, 0, List.of()), first, "the hourly fire of 10:00");
        w.finishActiveRuns();
        assertTrue(w.logText().contains("\"OverdueAssets\":0.0"), "the overdue count goes out as a metric every tick");

        List<Map<String, AttributeValue>> before = w.items();
        int announcements = w.announced.size();
        w.clock.advance(Duration.ofMinutes(1));
        assertEquals(new SchedulerService.Report(0, 0, 0, 0, 0, List.of()), w.service().tick());
        assertEquals(before, w.items(), "a quiet minute writes nothing");
        assertEquals(announcements, w.announced.size(), "and announces nothing");
    }

    /** A duty that fails for one pipeline, as a store error would. */
    record FailingFor(String pipeline) implements TickDuty {
        @Override
        public DutyOutcome run(Tick tick) {
            if (tick.pipelines().stream().anyMatch(p -> p.name().equals(pipeline))) {
                throw new IllegalStateException("throttled");
            }
            return new DutyOutcome.RunsRequested(0);
        }
    }

    @Test
    void aFailingDutyStopsOnlyWhatSharesItsGuardAndTheTickFails() {
        TickWorld w = new TickWorld(Instant.parse("2026-05-10T10:00:30Z"), tmp);
        // A run not started long after its creation: the sweep's work, after the failing freshness duty.
        w.store.consumers().addPending("summary", "", Request.manual("m-1", "summary", "", w.clock.instant()).asPending());
        ConsumerView view = w.store.consumers().view("summary", "");
        w.store.runs().tryCreate(view, "run-never-announced", view.pending(), "asked").orElseThrow();
        w.clock.advance(RunLauncher.UNSTARTED_GRACE.plusMinutes(1));

        SchedulerService service = new SchedulerService(w.project, w.schedule, w.log, w.clock, "test",
                List.of(new FailingFor("hourly"), w.cron()),
                List.of(new SchedulerService.NamedDuty("freshness", new FailingFor("hourly")), new SchedulerService.NamedDuty("sweep", w.sweep())));
        TickFailedException failed = assertThrows(TickFailedException.class, service::tick);
        assertTrue(failed.getMessage().startsWith("2 tick step(s) failed"), failed.getMessage());
        assertTrue(failed.getMessage().contains("pipeline hourly: java.lang.IllegalStateException: throttled"), failed.getMessage());
        assertTrue(failed.getMessage().contains("freshness: java.lang.IllegalStateException: throttled"), failed.getMessage());

        assertEquals(Optional.empty(), w.schedule.cursor("hourly"), "hourly's later duties did not run");
        assertTrue(w.schedule.cursor("nightly").isPresent(), "the other pipelines' did");
        assertEquals(1, w.announced(EventJson.RUN_REQUESTED).size(), "the sweep after the failed duty ran");
        assertTrue(w.logText().contains("tick step failed; the next tick tries again"));
    }
}
