package io.freshet.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;
import io.freshet.state.Violation;
import io.freshet.testkit.ProjectFiles;

/**
 * A day of the tick's own decisions on the crash-tick project (src/test/resources/crash-tick-project):
 * the day's order export lands at 20:00 and recovers the source's violation of the night before; at
 * 05:00 {@code nightly}'s cron fires for the day and the source is overdue again (its {@code max_lag}
 * is 6 hours); at 08:45 {@code ontime} is launched, one timeout before its 09:00 deadline; at
 * noon a new version of {@code nightly}'s SQL is deployed (the two versions in turn) and the tick
 * rebuilds the day with it. Each {@link #play} is the next day.
 */
final class TickDay {

    /** nightly's two versions, deployed in turn each day (the second sums into another column). */
    private static final String VERSION_A = "sum(amount) AS amount";
    private static final String VERSION_B = "sum(amount) AS total";

    private final CrashWorld world;
    private final Path projectDir;
    private boolean versionB;
    private LocalDate day;
    /** The source's violation open when the day began: the day's export must recover it. */
    private String previousNight;

    private TickDay(CrashWorld world, Path projectDir, LocalDate before) {
        this.world = world;
        this.projectDir = projectDir;
        this.day = before;
    }

    /**
     * A stack deployed at {@code at} with a copy of the crash-tick project (its code changes each
     * day), its first tick not yet made; {@code before} is the day before the first {@link #play}.
     */
    static TickDay deploy(Instant at, Path tmp, LocalDate before) {
        Path project = tmp.resolve("project");
        ProjectFiles.copy(Path.of("src/test/resources/crash-tick-project"), project);
        return new TickDay(new CrashWorld(project, at, tmp), project, before);
    }

    CrashWorld world() {
        return world;
    }

    /** The next day, from its export at 20:00 to the tick after the noon deploy; returns the day. */
    String play() {
        day = day.plusDays(1);
        previousNight = openViolation().map(Violation::violationId).orElse(null);
        String d = day.toString();
        world.clock.set(Instant.parse(d + "T20:00:00Z"));
        world.upload(d, "1," + day.getDayOfMonth() + "\n2,5\n");
        tickAt(d + "T20:05:00Z"); // the source fresh again
        tickAt(day.plusDays(1) + "T05:00:00Z"); // nightly's cron fires for the day; the source is overdue since 02:00
        tickAt(day.plusDays(1) + "T08:45:00Z"); // ontime launched, one timeout before its 09:00 deadline
        deployTheOtherVersion();
        tickAt(day.plusDays(1) + "T12:00:00Z"); // the new code version rebuilds nightly's newest partition, the day
        return d;
    }

    /** nightly's SQL changed: the two versions in turn. */
    private void deployTheOtherVersion() {
        ProjectFiles.edit(projectDir, "nightly.yaml", versionB ? VERSION_B : VERSION_A, versionB ? VERSION_A : VERSION_B);
        versionB = !versionB;
        world.deploy(ProjectLoader.load(projectDir).orThrow());
    }

    private void tickAt(String instant) {
        world.clock.set(Instant.parse(instant));
        world.tick();
    }

    /**
     * After a crash: the bus's redeliveries, then a tick a minute for three minutes (past the
     * 2 minutes after which a run its creator never announced is requested again), and a few more
     * later, past an attempt's lease.
     */
    void recover() {
        world.settle();
        for (int i = 0; i < 3; i++) {
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

        List<Run> nightly = assertRan("nightly", "core.nightly", d, 2, context);
        String deployed = world.project.codeVersion("nightly");
        assertTrue(nightly.get(1).reason().startsWith("code version changed to " + deployed), context + ": the rebuild: " + nightly.get(1));
        assertTrue(store.schedule().deployedCode("nightly").filter(c -> c.version().equals(deployed) && c.applied()).isPresent(),
                context + ": " + store.schedule().deployedCode("nightly"));
        assertRan("ontime", "mart.ontime", d, 1, context);
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

        world.assertNothingLeftOver(context);
    }

    /**
     * {@code n} runs of the pipeline for the day, oldest first, each SUCCEEDED and its output
     * recorded once (complete); the partition's state the newest run's.
     */
    private List<Run> assertRan(String pipeline, String output, String d, int n, String context) {
        var store = world.store;
        List<Run> runs = store.runs().of(pipeline).stream().filter(r -> r.partition().equals(d))
                .sorted(Comparator.comparing(Run::createdAt)).toList();
        assertEquals(n, runs.size(), context + ": " + n + " " + pipeline + " runs for " + d + ": " + runs);
        List<AssetEvent> outputs = store.events().history(output, d);
        assertEquals(n, outputs.size(), context + ": " + output + " of " + d + " recorded once per run: " + outputs);
        for (Run r : runs) {
            assertEquals(RunState.SUCCEEDED, r.state(), context + ": " + r);
            AssetEvent out = outputs.stream().filter(e -> e.producer().id().equals(r.runId())).findFirst()
                    .orElseThrow(() -> new AssertionError(context + ": no " + output + " of " + r));
            CrashPointsTest.assertComplete(world, out, context);
        }
        assertEquals(runs.get(n - 1).runId(), store.events().latest(output, d).orElseThrow().producer().id(), context + ": " + output + " S# of " + d);
        return runs;
    }

    private void assertAnnounced(String detailType, String violationId, String context) {
        List<JsonNode> events = world.published(detailType);
        assertTrue(events.stream().anyMatch(e -> e.path("violationId").asText().equals(violationId)),
                context + ": " + detailType + " of " + violationId + " announced");
    }
}
