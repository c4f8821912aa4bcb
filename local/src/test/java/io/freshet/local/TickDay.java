package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.local.stack.EmbeddedFanOut;
import io.freshet.state.Violation;

/**
 * A day of the tick's own decisions on the crash-tick project (src/test/resources/crash-tick-project):
 * the day's order export lands at 20:00 and recovers the source's violation of the night before; at
 * 05:00 {@code nightly}'s cron fires for the day and the source is overdue again (its {@code max_lag}
 * is 6 hours); at 08:45 {@code ontime} is launched, one timeout before its 09:00 deadline. Each
 * {@link #play} is the next day.
 */
final class TickDay {

    /** The tick's world on the crash-tick project, its first tick not yet made. */
    static CrashWorld world(Instant start, Path tmp) {
        return new CrashWorld(Path.of("src/test/resources/crash-tick-project"), start, tmp);
    }

    private final CrashWorld world;
    private LocalDate day;
    /** The source's violation open when the day began: the day's export must recover it. */
    private String previousNight;

    /** @param before the day before the first one {@link #play} plays */
    TickDay(CrashWorld world, LocalDate before) {
        this.world = world;
        this.day = before;
    }

    /** The next day, from its export at 20:00 to the tick of 08:45 the morning after; returns the day. */
    String play() {
        day = day.plusDays(1);
        previousNight = openViolation().map(Violation::violationId).orElse(null);
        String d = day.toString();
        world.clock.set(Instant.parse(d + "T20:00:00Z"));
        world.upload(d, "1," + day.getDayOfMonth() + "\n2,5\n");
        tickAt(d + "T20:05:00Z"); // the source fresh again
        tickAt(day.plusDays(1) + "T05:00:00Z"); // nightly's cron fires for the day; the source is overdue since 02:00
        tickAt(day.plusDays(1) + "T08:45:00Z"); // ontime launched, one timeout before its 09:00 deadline
        return d;
    }

    private void tickAt(String instant) {
        world.clock.set(Instant.parse(instant));
        world.tick();
    }

    /** After a crash: the bus's redeliveries, then a tick a minute for a quarter of an hour, and a few more later. */
    void recover() {
        world.settle();
        for (int i = 0; i < 15; i++) {
            world.clock.advance(Duration.ofMinutes(1));
            world.tick();
        }
        for (int i = 0; i < 3; i++) {
            world.clock.advance(Duration.ofMinutes(17)); // past an attempt's lease (15m timeout + 1m)
            world.tick();
        }
    }

    private Optional<Violation> openViolation() {
        List<Violation> open = world.store.schedule().violations("shop.orders");
        assertTrue(open.size() <= 1, "one violation of the source at a time: " + open);
        return open.stream().findFirst();
    }

    /**
     * The day ended as it does without a crash: one {@code nightly} and one {@code ontime} run for
     * it, SUCCEEDED, each output recorded once; the export recorded once; the night's violation of
     * the source open and announced, the previous night's announced as recovered and closed; no
     * violation of {@code ontime}; no run active or with its end unannounced; nothing dead-lettered.
     */
    void assertEndedAsWithoutACrash(String d, String context) {
        var store = world.store;
        List<AssetEvent> uploads = store.events().history("shop.orders", d);
        assertEquals(1, uploads.size(), context + ": the export recorded once");
        assertEquals(uploads.get(0).eventId(), store.events().newest("shop.orders").orElseThrow().eventId(), context + ": shop.orders NEWEST");

        assertRanOnce("nightly", "core.nightly", d, context);
        assertRanOnce("ontime", "mart.ontime", d, context);
        Instant fired = Instant.parse(LocalDate.parse(d).plusDays(1) + "T05:00:00Z");
        assertTrue(store.schedule().cursor("nightly").filter(c -> !c.isBefore(fired)).isPresent(),
                context + ": nightly's cursor past the fire of " + fired + ": " + store.schedule().cursor("nightly"));

        Violation tonight = openViolation().orElseThrow(() -> new AssertionError(context + ": the source is overdue and no violation is open"));
        assertTrue(tonight.overdue() && tonight.announced(), context + ": " + tonight);
        assertTrue(tonight.since().isAfter(Instant.parse(d + "T20:00:00Z")), context + ": opened tonight: " + tonight);
        assertAnnounced(EventJson.ASSET_OVERDUE, tonight.violationId(), context);
        if (previousNight != null) {
            assertAnnounced(EventJson.ASSET_FRESH_AGAIN, previousNight, context);
        }
        assertEquals(List.of(), store.schedule().violations("mart.ontime"), context + ": ontime on time");

        assertEquals(List.of(), store.runs().active(), context + ": runs still active");
        assertEquals(List.of(), store.runs().unannouncedEnds(), context + ": ends not announced");
        assertEquals(List.of(), world.stack.bus().deadLetters(EmbeddedFanOut.S3_EVENTS_DLQ), context);
        assertEquals(List.of(), world.stack.bus().deadLetters(EmbeddedFanOut.TRIGGER_DLQ), context);
        assertEquals(List.of(), world.stack.bus().undelivered(), context);
    }

    /** One run of the pipeline for the day, SUCCEEDED, its output recorded once and the partition's state. */
    private void assertRanOnce(String pipeline, String output, String d, String context) {
        var store = world.store;
        List<Run> runs = store.runs().of(pipeline).stream().filter(r -> r.partition().equals(d)).toList();
        assertEquals(1, runs.size(), context + ": one " + pipeline + " run for " + d + ": " + runs);
        assertEquals(RunState.SUCCEEDED, runs.get(0).state(), context + ": " + runs.get(0));
        List<AssetEvent> outputs = store.events().history(output, d);
        assertEquals(1, outputs.size(), context + ": " + output + " of " + d + " recorded once: " + outputs);
        assertEquals(runs.get(0).runId(), outputs.get(0).producer().id(), context);
        assertEquals(outputs.get(0).eventId(), store.events().latest(output, d).orElseThrow().eventId(), context + ": " + output + " S# of " + d);
        CrashPointsTest.assertComplete(world, outputs.get(0), context);
    }

    private void assertAnnounced(String detailType, String violationId, String context) {
        List<JsonNode> events = world.published(detailType);
        assertTrue(events.stream().anyMatch(e -> e.path("violationId").asText().equals(violationId)),
                context + ": " + detailType + " of " + violationId + " announced");
    }
}
