package io.freshet.core.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.events.Ids;
import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;
import io.freshet.core.trigger.Readiness.Decision;

/** Requests (ticks, backfills, code changes, freshness, manual runs) in the pending set. */
class RequestReadinessTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    /** Condition raw.routes & raw.route_stations & raw.stations, no schedule. */
    static final Pipeline NETWORK = METRO.pipeline("core_network").orElseThrow();
    /** Cron only. */
    static final Pipeline SNAPSHOT = METRO.pipeline("metro_snapshot").orElseThrow();
    /** No trigger: freshness schedules it. */
    static final Pipeline RIDERSHIP = METRO.pipeline("daily_ridership").orElseThrow();

    static final String DAY = "2026-05-26";
    static final Instant NOW = Instant.parse("2026-05-27T08:00:00Z");
    /** When a tick noticed a code change in these tests. */
    static final Instant CHANGED = Instant.parse("2026-05-27T07:30:00Z");

    /** Cron "0 * * * ? *" and condition "landing.a & landing.b". */
    static Pipeline cronAndCondition;

    @BeforeAll
    static void loadCronAndCondition(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.a:
                    s3: s3://${LakeBucket}/landing/a/date={date}/
                  landing.b:
                    s3: s3://${LakeBucket}/landing/b/date={date}/
                """);
        Files.writeString(dir.resolve("both.yaml"), """
                pipeline: both
                inputs: [landing.a, landing.b]
                partitions: daily
                outputs:
                  core.both: s3://${LakeBucket}/core/both/date={date}/
                trigger:
                  cron: "0 * * * ? *"
                  condition: landing.a & landing.b
                steps:
                  - sql: { output: core.both, query: SELECT 1 }
                """);
        cronAndCondition = ProjectLoader.load(dir).orThrow().pipeline("both").orElseThrow();
    }

    static PendingEvent e(String id, String asset, String time) {
        return new PendingEvent(id, asset, DAY, Instant.parse(time));
    }

    static List<String> consumedIds(Decision d) {
        return assertInstanceOf(Decision.Run.class, d).consumed().stream().map(PendingEvent::eventId).toList();
    }

    static Decision decide(Pipeline p, PendingEvent... pending) {
        return Readiness.decide(p, DAY, List.of(pending), Readiness.HourlyData.NONE);
    }

    static List<Request> everyKind(String pipeline) {
        return List.of(
                Request.tick(pipeline, Instant.parse("2026-05-27T07:00:00Z")),
                Request.freshness(pipeline, DAY, "s3-abc", "within 5m of new input data", NOW),
                Request.codeChange(pipeline, DAY, "v-1234", Optional.of(CHANGED), NOW),
                Request.backfill("bf-1", pipeline, DAY, 0, NOW),
                Request.manual("req-9", pipeline, DAY, NOW));
    }

    // ---- requests make a partition ready ------------------------------------------------------------

    @Test
    void everyRequestButATickRunsAPipelineWhoseConditionDoesNotHold() {
        PendingEvent routes = e("ev-routes", "raw.routes", "2026-05-26T23:10:00Z");
        // Alone, one of three inputs does not make core_network ready.
        assertInstanceOf(Decision.Wait.class, decide(NETWORK, routes));
        for (Request r : everyKind("core_network")) {
            if (r.kind() == Request.Kind.TICK) {
                continue; // core_network has no schedule; a tick of a conditional pipeline waits for its condition (below)
            }
            PendingEvent req = r.asPending();
            assertEquals(List.of(r.id()), consumedIds(decide(NETWORK, req)), r.kind() + " alone");
            // The request comes first, then the events, even an event older than the request.
            assertEquals(List.of(r.id(), "ev-routes"), consumedIds(decide(NETWORK, routes, req)), r.kind() + " with an event");
        }
    }

    @Test
    void everyRequestRunsAPipelineThatEventsAloneNeverRun() {
        PendingEvent trips = e("ev-trips", "core.trips", "2026-05-26T23:10:00Z");
        assertEquals(new Decision.Wait("pipeline 'daily_ridership' runs lazily, to stay fresh by cron(0 9 * * ? *) Europe/Prague"
                + " with lag 9h, not on events alone"), decide(RIDERSHIP, trips));
        PendingEvent taps = e("ev-taps", "raw.taps", "2026-05-26T23:10:00Z");
        assertEquals(new Decision.Wait("pipeline 'metro_snapshot' runs at cron(0 1 * * ? *) Europe/Prague, not on events alone"),
                decide(SNAPSHOT, taps));
        for (Pipeline p : List.of(RIDERSHIP, SNAPSHOT)) {
            for (Request r : everyKind(p.name())) {
                assertEquals(List.of(r.id()), consumedIds(decide(p, r.asPending())), p.name() + " " + r.kind());
            }
        }
        assertEquals(List.of(Request.freshness("daily_ridership", DAY, "ev-trips", "by 09:00", NOW).id(), "ev-trips"),
                consumedIds(decide(RIDERSHIP, trips, Request.freshness("daily_ridership", DAY, "ev-trips", "by 09:00", NOW).asPending())));
    }

    @Test
    void aTickOfACronAndConditionTriggerNeedsTheConditionToo() {
        PendingEvent tick = Request.tick("both", Instant.parse("2026-05-27T07:00:00Z")).asPending();
        PendingEvent a = e("ev-a", "landing.a", "2026-05-26T10:00:00Z");
        PendingEvent b = e("ev-b", "landing.b", "2026-05-26T09:00:00Z");
        Decision.Wait waiting = new Decision.Wait("the schedule fired; waiting for landing.a & landing.b");
        assertEquals(waiting, decide(cronAndCondition, tick));
        assertEquals(waiting, decide(cronAndCondition, tick, a));
        assertEquals(List.of(tick.eventId(), "ev-b", "ev-a"), consumedIds(decide(cronAndCondition, a, tick, b)));
        // Without the tick the events wait for it.
        assertEquals(new Decision.Wait("pipeline 'both' runs at cron(0 * * * ? *) UTC if landing.a & landing.b, not on events alone"),
                decide(cronAndCondition, a, b));
        // Two ticks are still only ticks.
        PendingEvent tick2 = Request.tick("both", Instant.parse("2026-05-27T08:00:00Z")).asPending();
        assertEquals(waiting, decide(cronAndCondition, tick, tick2, a));
        // Any other request runs it whatever the condition, and takes the tick along.
        for (Request r : everyKind("both")) {
            if (r.kind() == Request.Kind.TICK) {
                continue;
            }
            assertEquals(List.of(r.id()), consumedIds(decide(cronAndCondition, r.asPending())), r.kind().toString());
            List<String> consumed = consumedIds(decide(cronAndCondition, a, tick, r.asPending()));
            assertEquals(Set.of(r.id(), tick.eventId()), Set.copyOf(consumed.subList(0, 2)), r.kind() + ": requests first");
            assertEquals("ev-a", consumed.get(2));
        }
    }

    @Test
    void requestsAreConsumedOldestFirstThenEventsOldestFirst() {
        PendingEvent late = Request.manual("m2", "core_network", DAY, Instant.parse("2026-05-27T09:00:00Z")).asPending();
        PendingEvent early = Request.backfill("bf", "core_network", DAY, 0, Instant.parse("2026-05-27T06:00:00Z")).asPending();
        PendingEvent ev1 = e("ev-1", "raw.stations", "2026-05-26T01:00:00Z");
        PendingEvent ev2 = e("ev-2", "raw.routes", "2026-05-26T02:00:00Z");
        assertEquals(List.of(early.eventId(), late.eventId(), "ev-1", "ev-2"), consumedIds(decide(NETWORK, ev2, late, ev1, early)));
    }

    @Test
    void theCapNeverCutsARequestAndKeepsTheOldestEvents() {
        List<PendingEvent> pending = new ArrayList<>();
        Instant base = Instant.parse("2026-05-26T00:00:00Z");
        for (int i = 0; i < 1100; i++) {
            pending.add(new PendingEvent(String.format("ev-%04d", i), "raw.routes", DAY, base.plusSeconds(i)));
        }
        // The request is the newest item of all: a cap by time alone would drop it.
        Request backfill = Request.backfill("bf-7", "core_network", DAY, 0, base.plusSeconds(86_400));
        pending.add(backfill.asPending());
        Collections.shuffle(pending, new Random(42));
        List<PendingEvent> consumed = assertInstanceOf(Decision.Run.class,
                Readiness.decide(NETWORK, DAY, pending, Readiness.HourlyData.NONE)).consumed();
        assertEquals(Readiness.MAX_EVENTS_PER_RUN, consumed.size());
        assertEquals(backfill.asPending(), consumed.getFirst());
        List<String> expectedEvents = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            expectedEvents.add(String.format("ev-%04d", i));
        }
        assertEquals(expectedEvents, consumed.subList(1, 1000).stream().map(PendingEvent::eventId).toList());
    }

    @Test
    void eventsAtTheSameInstantAreOrderedById() {
        PendingEvent x = e("ev-x", "raw.routes", "2026-05-26T01:00:00Z");
        PendingEvent y = e("ev-y", "raw.routes", "2026-05-26T01:00:00Z");
        PendingEvent req = Request.manual("m", "core_network", DAY, NOW).asPending();
        assertEquals(List.of(req.eventId(), "ev-x", "ev-y"), consumedIds(decide(NETWORK, y, req, x)));
    }

    // ---- Request ids and the pending form ----------------------------------------------------------

    @Test
    void requestIdsAreDeterministicPerCause() {
        Instant fire = Instant.parse("2026-05-27T07:00:00Z");
        assertEquals(Request.tick("p", fire), Request.tick("p", fire));
        assertEquals(Request.backfill("bf", "p", DAY, 0, NOW).id(), Request.backfill("bf", "p", DAY, 0, NOW.plusSeconds(60)).id(),
                "the time of asking is not part of the cause");
        assertEquals(Request.codeChange("p", DAY, "v1", Optional.of(CHANGED), NOW).id(), Request.codeChange("p", DAY, "v1", Optional.of(CHANGED), NOW.plusSeconds(60)).id());
        assertEquals(Request.manual("m", "p", DAY, NOW).id(), Request.manual("m", "p", DAY, NOW.plusSeconds(60)).id());
        // A repeated freshness evaluation asks again with the same id, whatever policy text and time.
        assertEquals(Request.freshness("p", DAY, "ev-1", "a", NOW).id(), Request.freshness("p", DAY, "ev-1", "b", NOW.plusSeconds(60)).id());

        assertEquals("rq-tick-" + Ids.hash(20, List.of("p", fire.toString())), Request.tick("p", fire).id());
        assertEquals("rq-code-change-" + Ids.hash(20, List.of("p", DAY, "v1", CHANGED.toString())), Request.codeChange("p", DAY, "v1", Optional.of(CHANGED), NOW).id());
        // A change noticed by a tick from before changedAt was kept: the version's id, as that tick asked.
        assertEquals("rq-code-change-" + Ids.hash(20, List.of("p", DAY, "v1")), Request.codeChange("p", DAY, "v1", Optional.empty(), NOW).id());
        assertEquals("rq-backfill-" + Ids.hash(20, List.of("bf", "p", DAY, "2")), Request.backfill("bf", "p", DAY, 2, NOW).id());
        assertEquals("rq-freshness-" + Ids.hash(20, List.of("p", DAY, "ev-1")), Request.freshness("p", DAY, "ev-1", "x", NOW).id());
        assertEquals("rq-manual-" + Ids.hash(20, List.of("m", "p", DAY)), Request.manual("m", "p", DAY, NOW).id());
        assertTrue(Request.tick("p", fire).id().matches("rq-tick-[0-9a-f]{20}"));
    }

    @Test
    void requestIdsDifferWhenTheCauseDiffers() {
        Instant fire = Instant.parse("2026-05-27T07:00:00Z");
        List<String> ids = List.of(
                Request.tick("p", fire).id(),
                Request.tick("p", fire.plusSeconds(3600)).id(),
                Request.tick("q", fire).id(),
                Request.freshness("p", DAY, "ev-1", "x", NOW).id(),
                Request.freshness("p", DAY, "ev-2", "x", NOW).id(),
                Request.freshness("p", "2026-05-27", "ev-1", "x", NOW).id(),
                Request.codeChange("p", DAY, "v1", Optional.of(CHANGED), NOW).id(),
                Request.codeChange("p", DAY, "v2", Optional.of(CHANGED), NOW).id(),
                Request.codeChange("p", "2026-05-27", "v1", Optional.of(CHANGED), NOW).id(),
                // The same version deployed again after a revert: noticed at another time.
                Request.codeChange("p", DAY, "v1", Optional.of(CHANGED.plusSeconds(3600)), NOW).id(),
                Request.codeChange("p", DAY, "v1", Optional.empty(), NOW).id(),
                Request.backfill("bf", "p", DAY, 0, NOW).id(),
                Request.backfill("bf", "p", DAY, 1, NOW).id(),
                Request.backfill("bf2", "p", DAY, 0, NOW).id(),
                Request.backfill("bf", "q", DAY, 0, NOW).id(),
                Request.backfill("bf", "p", "2026-05-27", 0, NOW).id(),
                Request.manual("m", "p", DAY, NOW).id(),
                Request.manual("m2", "p", DAY, NOW).id(),
                Request.manual("m", "p", "2026-05-27", NOW).id(),
                // Parts that concatenate alike must not collide.
                Request.manual("a-b", "c", DAY, NOW).id(),
                Request.manual("a", "b-c", DAY, NOW).id(),
                Request.codeChange("p", "", "v1", Optional.of(CHANGED), NOW).id(),
                Request.codeChange("", "p", "v1", Optional.of(CHANGED), NOW).id());
        assertEquals(ids.size(), new HashSet<>(ids).size(), ids.toString());
        // The same cause under two kinds is two requests.
        assertNotEquals(Request.codeChange("p", DAY, "v1", Optional.of(CHANGED), NOW).id(), Request.freshness("p", DAY, "v1", "x", NOW).id());
    }

    @Test
    void aRequestRoundTripsThroughItsPendingForm() {
        for (Request r : everyKind("core_network")) {
            PendingEvent p = r.asPending();
            assertEquals(r.kind().marker(), p.asset());
            assertEquals(r.id(), p.eventId());
            assertEquals(r.detail(), p.partition());
            assertEquals(r.time(), p.time());
            assertTrue(Request.isRequest(p));
            assertEquals(Optional.of(r), Request.of(p));
        }
        assertEquals(List.of("@tick", "@freshness", "@code_change", "@backfill", "@manual"),
                List.of(Request.Kind.values()).stream().map(Request.Kind::marker).toList());
        // The detail of each kind.
        List<Request> all = everyKind("core_network");
        assertEquals("2026-05-27T07:00:00Z", all.get(0).detail());
        assertEquals(Instant.parse("2026-05-27T07:00:00Z"), all.get(0).time());
        assertEquals("within 5m of new input data", all.get(1).detail());
        assertEquals("v-1234", all.get(2).detail());
        assertEquals("bf-1", all.get(3).detail());
        assertEquals("req-9", all.get(4).detail());
        assertEquals("schedule fired at 2026-05-27T07:00:00Z", all.get(0).describe());
        assertEquals("freshness: to stay fresh within 5m of new input data", all.get(1).describe());
        assertEquals("code version changed to v-1234", all.get(2).describe());
        assertEquals("backfill bf-1", all.get(3).describe());
        assertEquals("manual request req-9", all.get(4).describe());
    }

    @Test
    void anAssetEventIsNotARequest() {
        PendingEvent event = e(Ids.s3Event("bucket", "landing/taps/date=2026-05-26/a.csv", "v1", "0001"), "landing.taps", "2026-05-26T10:00:00Z");
        assertFalse(Request.isRequest(event));
        assertEquals(Optional.empty(), Request.of(event));
        PendingEvent bogus = new PendingEvent("x1", "@bogus", "", NOW);
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Request.of(bogus));
        assertEquals("unknown request kind '@bogus' of pending item x1", ex.getMessage());
    }

    @Test
    void requestIdsAreToldApartFromEventAndRunIds() {
        for (Request r : everyKind("p")) {
            assertTrue(Request.isRequestId(r.id()), r.id());
        }
        assertFalse(Request.isRequestId(Ids.s3Event("bucket", "key", "etag", "seq")));
        assertFalse(Request.isRequestId(Ids.run("p", DAY, List.of("a", "b"))));
        assertFalse(Request.isRequestId(Ids.runOutput("run-1", "core.trips")));
        assertFalse(Request.isRequestId("rq"));
        assertFalse(Request.isRequestId(""));
        assertTrue(Request.isRequestId("rq-"));
    }
}
