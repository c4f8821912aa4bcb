package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Ids;
import io.freshet.core.events.Producer;
import io.freshet.core.partition.Partitions;
import io.freshet.core.runs.Run;
import io.freshet.state.ListingCursor;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * An S3 source observed by listing, through the whole tick, on S3Proxy and DynamoDB Local: three
 * objects are three events and the consumer's run within the tick, the next tick records nothing,
 * a fourth object one event; identical content written again records nothing, new content at a
 * key records once; objects outside the pattern, ignored or empty are passed by as s3-events
 * passes them; a failing listing is reported and the other sources are still observed.
 */
class ListingObservationTest {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final String DROPS = "landing.drops";
    static final String DAY = "drops/date=2026-11-20/";

    @RegisterExtension
    static final ListingBucket BUCKET = new ListingBucket("partner-drops");

    @TempDir
    Path tmp;

    /** A world of its own (table, project), on an empty bucket. */
    ObservedWorld world() {
        return BUCKET.world(T0, tmp.resolve("w" + System.nanoTime()));
    }

    static SchedulerService.Report tick(ObservedWorld o) {
        return tick(o, BUCKET.name());
    }

    /** One whole tick, with {@code lake} as the lake bucket. */
    static SchedulerService.Report tick(ObservedWorld o, String lake) {
        TickWorld w = o.world();
        return new SchedulerService(w.project, w.store, o.bus(), w.log, w.clock, "test", o.credentials(),
                new ListingAccess(Optional.of(BUCKET.client()), Map.of("LakeBucket", lake))).tick();
    }

    static List<AssetEvent> drops(ObservedWorld o) {
        return o.world().store.events().history(DROPS, "2026-11-20");
    }

    static long updates(ObservedWorld o) {
        return o.bus().of(EventJson.ASSET_UPDATED).stream().filter(e -> e.path("asset").asText().equals(DROPS)).count();
    }

    @Test
    void threeListedObjectsAreThreeEventsTheNextTickNothingAndAFourthOneEvent() {
        ObservedWorld o = world();
        BUCKET.put(DAY + "a.csv", "id\n1\n");
        BUCKET.put(DAY + "b.csv", "id\n2\n");
        BUCKET.put(DAY + "c.csv", "id\n3\n");
        BUCKET.put(DAY + "readme.txt", "not the pattern");
        BUCKET.put(DAY + "d.tmp.csv", "ignored by the source");
        BUCKET.put(DAY + "empty.csv", "");
        BUCKET.put("drops/date=2026-11-18/old.csv", "id\n0\n"); // outside the lookback: not listed
        tick(o);
        List<AssetEvent> first = drops(o);
        assertEquals(List.of("s3://partner-drops/drops/date=2026-11-20/a.csv", "s3://partner-drops/drops/date=2026-11-20/b.csv",
                "s3://partner-drops/drops/date=2026-11-20/c.csv"), first.stream().map(e -> e.objects().get(0)).sorted().toList());
        assertTrue(first.stream().allMatch(e -> e.producer().kind() == Producer.Kind.S3_UPLOAD && e.time().equals(T0)), "seen by this tick");
        assertEquals(3, updates(o));
        assertEquals(List.of(3, 3, 3), o.bus().recordedAtUpdates(),
                "every listed object recorded before the first announcement: the run it starts reads them all");
        List<Run> runs = o.world().runs("drops_on_arrival");
        assertEquals(1, runs.size(), "the consumer's run was requested within the tick");
        assertEquals("2026-11-20", runs.get(0).partition());
        o.world().finishActiveRuns();

        o.world().clock.advance(Duration.ofMinutes(5));
        tick(o);
        assertEquals(3, drops(o).size(), "nothing new: nothing recorded");
        assertEquals(3, updates(o));

        BUCKET.put(DAY + "e.csv", "id\n4\n");
        o.world().clock.advance(Duration.ofMinutes(4)); // 10:09: 'every' 5m has not passed since 10:05
        tick(o);
        assertEquals(3, drops(o).size());
        o.world().clock.advance(Duration.ofMinutes(1));
        tick(o);
        assertEquals(4, drops(o).size(), "the fourth object, once");
        assertEquals(4, updates(o));
        assertEquals(2, o.world().runs("drops_on_arrival").size());
        o.world().finishActiveRuns();

        BUCKET.put(DAY + "a.csv", "id\n1\n"); // the same bytes again
        o.world().clock.advance(Duration.ofMinutes(5));
        tick(o);
        assertEquals(4, drops(o).size(), "identical content at a key records once");
        BUCKET.put(DAY + "a.csv", "id\n1\n5\n");
        o.world().clock.advance(Duration.ofMinutes(5));
        tick(o);
        List<AssetEvent> after = drops(o);
        assertEquals(5, after.size(), "new content at a key is a change");
        AssetEvent changed = after.get(4);
        assertEquals(Ids.listedObject(DROPS, BUCKET.name(), DAY + "a.csv", changed.dataVersion(), first.stream()
                .filter(e -> e.objects().get(0).endsWith("/a.csv")).findFirst().orElseThrow().eventId()), changed.eventId(),
                "chained on the key's previous change");
    }

    @Test
    void aFailingListingIsReportedEveryTickNeverSkippedAndTheNextSourceIsStillObserved() {
        ObservedWorld o = world();
        String lake = "lake-" + System.nanoTime(); // not created yet: S3 answers NoSuchBucket
        tick(o, lake); // does not throw: a source's failure is not the tick's
        Map<String, JsonNode> failed = o.bus().failures();
        assertEquals(List.of(DROPS, "landing.fares"), List.copyOf(failed.keySet()), "the second is observed after the first failed");
        JsonNode f = failed.get(DROPS);
        assertEquals("NoSuchBucket", f.path("errorCode").asText(), f.toString());
        assertEquals("permanent", f.path("kind").asText());
        assertFalse(f.has("connection"), "a listing has no connection");
        assertTrue(f.path("reason").asText().startsWith("observing source 'landing.drops' (listing of the partitions of the last 1d) failed:"
                + " listing s3://" + lake + "/ failed: NoSuchBucket"), f.toString());
        String log = o.world().logText();
        assertTrue(log.contains("\"message\":\"observation failed; the next tick tries again\"") && log.contains("\"ObservationFailures\""), log);

        BUCKET.createBucket(lake);
        BUCKET.client().putObject(b -> b.bucket(lake).key("fares/fares.csv"), RequestBody.fromString("zone,price\nP,30\n"));
        o.world().clock.advance(Duration.ofMinutes(1));
        tick(o, lake);
        assertEquals(2, o.bus().of(ObservationDuty.OBSERVATION_FAILED).size(), "no new failure once the bucket is there");
        assertEquals(1, o.world().store.events().history("landing.fares", "").size(), "tried again the next tick, never skipped");
    }

    @Test
    void theCursorKeepsTheObjectsOfTheSettleWindowAndForgetsThemOnceSettled() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObservedWorld o = BUCKET.world(now, tmp.resolve("settle")); // S3 dates objects by the real clock: so does this tick
        TickWorld w = o.world();
        String today = Partitions.containing(w.project.source(DROPS).orElseThrow().partitioning(), now);
        BUCKET.put("drops/date=" + today + "/a.csv", "id\n1\n");
        tick(o);
        ListingCursor first = w.store.listings().cursor(DROPS).orElseThrow();
        assertEquals(now.minus(ListingObserver.SETTLE), first.settledBefore());
        assertEquals(1, first.recent().size(), "a.csv, dated within the settle window, is remembered by its fingerprint");

        w.clock.advance(Duration.ofMinutes(20));
        tick(o);
        ListingCursor settled = w.store.listings().cursor(DROPS).orElseThrow();
        assertEquals(now.plus(Duration.ofMinutes(5)), settled.settledBefore());
        assertEquals(Set.of(), settled.recent(), "settled: dated before the cursor's instant, no fingerprint needed");
        assertEquals(2, settled.version());
        assertEquals(1, w.store.events().history(DROPS, today).size(), "and not recorded again");
    }
}
