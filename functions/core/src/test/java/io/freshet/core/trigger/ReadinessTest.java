package io.freshet.core.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.freshet.core.load.Project;
import io.freshet.core.load.ProjectLoader;
import io.freshet.core.model.Pipeline;

class ReadinessTest {

    static final Project METRO = ProjectLoader.load(Path.of("../../pipelines")).orThrow();
    static final Pipeline NETWORK = METRO.pipeline("core_network").orElseThrow();
    static final Pipeline TRIPS = METRO.pipeline("core_trips").orElseThrow();

    static PendingEvent e(String id, String asset, String partition, String time) {
        return new PendingEvent(id, asset, partition, Instant.parse(time));
    }

    @Test
    void allOfWaitsForEveryInputAndConsumesEverythingPendingOldestFirst() {
        List<PendingEvent> two = List.of(e("b", "raw.routes", "2026-05-26", "2026-05-26T01:02:00Z"),
                e("a", "raw.stations", "2026-05-26", "2026-05-26T01:01:00Z"));
        Readiness.Decision wait = Readiness.decide(NETWORK, "2026-05-26", two, Readiness.HourlyData.NONE);
        assertEquals(new Readiness.Decision.Wait("waiting for raw.routes & raw.route_stations & raw.stations; updated: raw.routes, raw.stations"), wait);

        List<PendingEvent> three = new ArrayList<>(two);
        three.add(e("c", "raw.route_stations", "2026-05-26", "2026-05-26T01:03:00Z"));
        three.add(e("d", "raw.routes", "2026-05-26", "2026-05-26T01:00:30Z"));
        Readiness.Decision run = Readiness.decide(NETWORK, "2026-05-26", three, Readiness.HourlyData.NONE);
        assertEquals(List.of("d", "a", "b", "c"), ((Readiness.Decision.Run) run).consumed().stream().map(PendingEvent::eventId).toList());
    }

    @Test
    void anyOfFiresOnTheFirstEvent() {
        Readiness.Decision run = Readiness.decide(TRIPS, "2026-05-26", List.of(e("x", "raw.stations", "2026-05-26", "2026-05-26T01:00:00Z")),
                Readiness.HourlyData.NONE);
        assertInstanceOf(Readiness.Decision.Run.class, run);
        assertEquals(new Readiness.Decision.Wait("no new events"), Readiness.decide(TRIPS, "2026-05-26", List.of(), Readiness.HourlyData.NONE));
    }

    @Test
    void onlyPipelinesWithAConditionAndNoScheduleAreEventDriven() {
        assertTrue(Readiness.isEventDriven(TRIPS));
        assertTrue(Readiness.isEventDriven(NETWORK));
        assertEquals(false, Readiness.isEventDriven(METRO.pipeline("metro_snapshot").orElseThrow()));
        assertEquals(false, Readiness.isEventDriven(METRO.pipeline("daily_ridership").orElseThrow()));
    }

    @Test
    void mapsEventPartitionsOntoConsumerPartitions() {
        var taps = TRIPS.input("landing.taps").orElseThrow();
        var stations = TRIPS.input("raw.stations").orElseThrow();
        assertEquals(List.of("2026-05-25"), Readiness.consumerPartitions(TRIPS, taps, "2026-05-25", Instant.parse("2026-05-26T10:00:00Z")));
        // A dimension (mapping: latest) updates the consumer partition current at the event's time.
        assertEquals(List.of("2026-05-26"), Readiness.consumerPartitions(TRIPS, stations, "2026-05-01", Instant.parse("2026-05-26T10:00:00Z")));
    }

    @Test
    void anObservedDatabaseChangeConcernsTheSnapshotPartitionCurrentInTheConsumersZone() {
        Pipeline snapshot = METRO.pipeline("metro_snapshot").orElseThrow(); // daily, Europe/Prague
        var db = snapshot.input("metro.db").orElseThrow();
        // 23:30Z on 25 May is 01:30 on 26 May in Prague.
        assertEquals(List.of("2026-05-26"), Readiness.consumerPartitions(snapshot, db, "", Instant.parse("2026-05-25T23:30:00Z")));
        assertEquals(List.of("2026-05-25"), Readiness.consumerPartitions(snapshot, db, "", Instant.parse("2026-05-25T21:30:00Z")));
    }

    @Test
    void anHourlyToDailyWindowWaitsForEveryHourOfTheLocalDay(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("sources.yaml"), """
                sources:
                  landing.gates:
                    s3: s3://${LakeBucket}/landing/gates/date={date}/hour={hour}/
                """);
        Files.writeString(dir.resolve("daily.yaml"), """
                pipeline: daily
                inputs:
                  - { asset: landing.gates, mapping: window }
                partitions: { grain: daily, timezone: Europe/Prague }
                outputs:
                  core.gates_daily: s3://${LakeBucket}/core/gates_daily/date={date}/
                trigger: { condition: landing.gates }
                steps:
                  - sql: { output: core.gates_daily, query: SELECT 1 }
                """);
        Pipeline daily = ProjectLoader.load(dir).orThrow().pipeline("daily").orElseThrow();
        var gates = daily.input("landing.gates").orElseThrow();
        // 22:00Z on 25 May is midnight of 26 May in Prague (CEST).
        assertEquals(List.of("2026-05-26"), Readiness.consumerPartitions(daily, gates, "2026-05-25T22", Instant.EPOCH));
        assertEquals(List.of("2026-05-25"), Readiness.consumerPartitions(daily, gates, "2026-05-25T21", Instant.EPOCH));
        assertEquals(24, Readiness.hoursOf(daily, "2026-05-26").size());
        assertEquals("2026-05-25T22", Readiness.hoursOf(daily, "2026-05-26").get(0));
        assertEquals(23, Readiness.hoursOf(daily, "2026-03-29").size(), "spring forward");
        assertEquals(25, Readiness.hoursOf(daily, "2026-10-25").size(), "fall back");

        Set<String> present = new HashSet<>(Readiness.hoursOf(daily, "2026-05-26"));
        present.remove("2026-05-26T13");
        List<PendingEvent> pending = List.of(e("h", "landing.gates", "2026-05-26T12", "2026-05-26T12:10:00Z"));
        assertEquals(new Readiness.Decision.Wait("waiting for landing.gates; updated: landing.gates"),
                Readiness.decide(daily, "2026-05-26", pending, (asset, hour) -> present.contains(hour)));
        present.add("2026-05-26T13");
        assertInstanceOf(Readiness.Decision.Run.class, Readiness.decide(daily, "2026-05-26", pending, (asset, hour) -> present.contains(hour)));
    }

    @Test
    void aRunConsumesAtMostTheCapOldestFirst() {
        List<PendingEvent> many = new ArrayList<>();
        for (int i = 0; i < Readiness.MAX_EVENTS_PER_RUN + 5; i++) {
            many.add(e(String.format("e%05d", i), "landing.taps", "2026-05-26", Instant.parse("2026-05-26T00:00:00Z").plusSeconds(i).toString()));
        }
        Collections.reverse(many);
        List<PendingEvent> consumed = ((Readiness.Decision.Run) Readiness.decide(TRIPS, "2026-05-26", many, Readiness.HourlyData.NONE)).consumed();
        assertEquals(Readiness.MAX_EVENTS_PER_RUN, consumed.size());
        assertEquals("e00000", consumed.get(0).eventId());
    }
}
