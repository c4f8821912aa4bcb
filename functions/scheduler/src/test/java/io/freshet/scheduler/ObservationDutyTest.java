package io.freshet.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.freshet.aws.json.EventJson;
import io.freshet.aws.pg.PgCredentials;
import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.Producer;
import io.freshet.core.error.FreshetException;
import io.freshet.core.model.Observation;
import io.freshet.core.yaml.SourcePos;
import io.freshet.core.runs.Run;
import io.freshet.testkit.LocalPostgres;

/**
 * Observed sources on a real PostgreSQL and DynamoDB Local, through the whole tick: a changed
 * value is one asset event and one consumer run within the tick, an unchanged one nothing, a
 * repeated or killed-and-retried tick ends as a clean one, and a failing observation is reported
 * without stopping the others.
 */
class ObservationDutyTest {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final String TAPS = "metro.taps_db";
    static LocalPostgres pg;
    static int closedPort;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = LocalPostgres.start();
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed: connection refused
        }
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    @BeforeEach
    void tables() {
        pg.execute("DROP TABLE IF EXISTS public.taps, public.stations");
        pg.execute("CREATE TABLE public.taps (id int PRIMARY KEY, updated_at timestamptz NOT NULL)");
        pg.execute("CREATE TABLE public.stations (id int PRIMARY KEY, name text)");
        pg.execute("INSERT INTO public.taps VALUES (1, '2026-11-20 09:00:00+00'), (2, '2026-11-20 09:15:00+00')");
        pg.execute("INSERT INTO public.stations VALUES (1, 'Mustek'), (2, 'Muzeum')");
    }

    static PgCredentials credentials() {
        return new PgCredentials(Map.of("FRESHET_PG_METRO_URL", pg.jdbcUrl(), "FRESHET_PG_METRO_USER", pg.user(),
                "FRESHET_PG_METRO_PASSWORD", pg.password(), "FRESHET_PG_DOWN_URL", "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres"),
                arn -> {
                    throw new AssertionError("no secret locally");
                });
    }

    ObservedWorld world() {
        return new ObservedWorld(new TickWorld(T0, tmp.resolve("w" + System.nanoTime()), "observe-project"), credentials());
    }

    static List<AssetEvent> events(ObservedWorld o, String source) {
        return o.world().store.events().history(source, "");
    }

    @Test
    void aChangedRowIsOneAssetEventAndOneConsumerRunWithinTheTickAndAnUnchangedOneNothing() {
        ObservedWorld o = world();
        o.tick();
        List<AssetEvent> first = events(o, TAPS);
        assertEquals(1, first.size(), "the first observation is recorded: the source had no event at all");
        assertEquals("2026-11-20 09:15:00+00", first.get(0).dataVersion());
        assertEquals(Producer.Kind.OBSERVATION, first.get(0).producer().kind());
        assertEquals("", first.get(0).partition(), "an unpartitioned source's event has no partition");
        List<Run> runs = o.world().runs("taps_on_change");
        assertEquals(1, runs.size(), "the consumer's run was requested in the same tick");
        assertEquals(1, o.bus().of(EventJson.RUN_REQUESTED).size());
        o.world().finishActiveRuns();

        for (int minute = 1; minute <= 5; minute++) { // every 5m: not due until 10:05, then unchanged
            o.world().clock.advance(Duration.ofMinutes(1));
            o.tick();
        }
        assertEquals(1, events(o, TAPS).size(), "an unchanged value records nothing");
        assertEquals(1, o.world().runs("taps_on_change").size());

        pg.execute("UPDATE public.taps SET updated_at = '2026-11-20 10:07:00+00' WHERE id = 1");
        o.world().clock.advance(Duration.ofMinutes(4)); // 10:09: not due yet (observed at 10:05)
        o.tick();
        assertEquals(1, events(o, TAPS).size(), "'every' has not passed since 10:05");
        o.world().clock.advance(Duration.ofMinutes(1)); // 10:10
        o.tick();
        List<AssetEvent> after = events(o, TAPS);
        assertEquals(2, after.size());
        assertEquals("2026-11-20 10:07:00+00", after.get(1).dataVersion());
        assertEquals("2026-11-20 09:15:00+00", after.get(1).metadata().get("previous"));
        assertEquals(2, o.world().runs("taps_on_change").size(), "one more run, for the change");
        assertEquals(2, o.bus().of(EventJson.ASSET_UPDATED).stream().filter(e -> e.path("asset").asText().equals(TAPS)).count());
    }

    @Test
    void twoTicksThatSawTheSameChangeRecordItOnce() {
        ObservedWorld o = world();
        Tick one = o.world().tick();
        Tick two = o.world().tick(); // both read the state before either observed: a duplicated invocation
        ObservationDuty duty = o.duty();
        DutyOutcome.SourcesObserved a = (DutyOutcome.SourcesObserved) duty.run(one);
        DutyOutcome.SourcesObserved b = (DutyOutcome.SourcesObserved) duty.run(two);
        assertEquals(2, a.changed(), "taps and stations, first seen");
        assertEquals(0, b.changed());
        assertEquals(1, events(o, TAPS).size());
        assertEquals(1, o.world().runs("taps_on_change").size());
    }

    @Test
    void aTickKilledRightAfterRecordingIsFinishedByTheNextAsACleanTickWouldHaveDoneIt() {
        ObservedWorld clean = world();
        clean.tick();
        ObservedWorld killed = world();
        killed.bus().killAtNextAssetUpdated(TAPS);
        assertThrows(TickFailedException.class, killed::tick, "the Asset Updated announcement died: the tick fails");
        assertEquals(1, events(killed, TAPS).size(), "recorded");
        assertFalse(killed.world().store.events().stored(events(killed, TAPS).get(0).eventId()).orElseThrow().announced());
        assertEquals(0, killed.world().runs("taps_on_change").size());

        killed.world().clock.advance(Duration.ofMinutes(1));
        killed.tick(); // not advanced past the failure: observed again, unchanged, so it announces what the dead tick recorded
        assertEquals(events(clean, TAPS).stream().map(AssetEvent::eventId).toList(), events(killed, TAPS).stream().map(AssetEvent::eventId).toList());
        assertEquals(clean.world().runs("taps_on_change").stream().map(Run::runId).toList(),
                killed.world().runs("taps_on_change").stream().map(Run::runId).toList());
        assertTrue(killed.world().store.events().stored(events(killed, TAPS).get(0).eventId()).orElseThrow().announced());
        killed.world().clock.advance(Duration.ofMinutes(5));
        killed.tick();
        assertEquals(1, events(killed, TAPS).size());
        assertEquals(1, killed.bus().of(EventJson.ASSET_UPDATED).stream().filter(e -> e.path("asset").asText().equals(TAPS)).count());
    }

    static long count(String sql) {
        try (Connection c = pg.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theCatalogCountersOfATableAreObservedAsChangesOnceTheStatisticsArrive() throws InterruptedException {
        ObservedWorld o = world();
        o.tick();
        assertEquals(1, events(o, "metro.stations_db").size());
        String before = events(o, "metro.stations_db").get(0).dataVersion();
        pg.execute("INSERT INTO public.stations VALUES (3, 'Florenc')");
        // The counters reach pg_stat_user_tables after the writer's transaction ends, with a lag (docs/pipelines.md).
        PgObserver observer = new PgObserver(credentials());
        Observation stations = o.world().project.observations().stream().filter(x -> x.source().equals("metro.stations_db")).findFirst().orElseThrow();
        for (int i = 0; i < 50 && observer.observe(stations).equals(before); i++) {
            Thread.sleep(100);
        }
        o.world().clock.advance(Duration.ofMinutes(1));
        o.tick();
        List<AssetEvent> after = events(o, "metro.stations_db");
        assertEquals(2, after.size());
        assertEquals(Long.parseLong(before) + 1, Long.parseLong(after.get(1).dataVersion()), "one row inserted: one more write");
        assertEquals("changes of public.stations", after.get(1).metadata().get("observation"));
    }

    @Test
    void aQueryOverItsStatementTimeoutIsCancelledAndReportedAsTransient() {
        Observation slow = new Observation.Query("metro.slow_db", "metro", "SELECT pg_sleep(30)", Duration.ofMinutes(1),
                new SourcePos("sources.yaml", 1, 1));
        long start = System.nanoTime();
        ObservationException e = assertThrows(ObservationException.class, () -> new PgObserver(credentials(), Duration.ofSeconds(1)).observe(slow));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "cancelled by the server, not waited out");
        assertEquals("57014", e.sqlState(), e.getMessage());
        assertEquals(FreshetException.Kind.TRANSIENT, e.kind());
        assertTrue(e.getMessage().startsWith("observing source 'metro.slow_db' (query SELECT pg_sleep(30)) failed: "), e.getMessage());
    }

    @Test
    void aFailingObservationIsReportedAndRetriedAndDoesNotStopTheOthers() {
        ObservedWorld o = world();
        o.tick(); // does not throw: a source's failure is not the tick's
        Map<String, JsonNode> failed = o.bus().failures();
        assertEquals(List.of("metro.down_db", "metro.sneaky_db", "metro.typo_db"), failed.keySet().stream().sorted().toList());
        assertTrue(failed.get("metro.down_db").path("reason").asText().contains("Connection to 127.0.0.1:" + closedPort + " refused"),
                failed.get("metro.down_db").toString());
        assertEquals("transient", failed.get("metro.down_db").path("kind").asText());
        assertEquals("08001", failed.get("metro.down_db").path("sqlState").asText());
        assertEquals("42P01", failed.get("metro.typo_db").path("sqlState").asText(), "undefined table");
        assertEquals("permanent", failed.get("metro.typo_db").path("kind").asText());
        assertEquals("25006", failed.get("metro.sneaky_db").path("sqlState").asText(), "read-only transaction: nothing deleted");
        assertEquals("down", failed.get("metro.down_db").path("connection").asText());
        assertEquals(T0.toString(), failed.get("metro.down_db").path("time").asText());
        String log = o.world().logText();
        assertTrue(log.contains("\"message\":\"observation failed; the next tick tries again\"") && log.contains("\"source\":\"metro.typo_db\""), log);
        assertTrue(log.contains("\"ObservationFailures\""), "the metric, in embedded metric format: " + log);

        assertEquals(1, events(o, TAPS).size(), "the other sources were observed in the same tick");
        assertEquals(1, events(o, "metro.stations_db").size());
        assertEquals(2L, count("SELECT count(*) FROM public.stations"), "the read-only transaction kept the rows");

        o.world().clock.advance(Duration.ofMinutes(1));
        o.tick();
        assertEquals(6, o.bus().of(ObservationDuty.OBSERVATION_FAILED).size(), "each failing source is tried again the next tick");
    }
}
