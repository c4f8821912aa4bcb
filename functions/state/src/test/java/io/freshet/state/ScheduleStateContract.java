package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The tick's memory: every write that decides something is conditional on what the tick read. */
abstract class ScheduleStateContract extends StoreContract {

    static final Instant FIRE = Instant.parse("2026-05-26T23:00:00Z");

    @Test
    void aCursorMovesOnlyFromWhereTheTickSawIt() {
        ScheduleState s = store.schedule();
        assertEquals(Optional.empty(), s.cursor("metro_snapshot"));
        assertTrue(s.advanceCursor("metro_snapshot", Optional.empty(), FIRE));
        assertFalse(s.advanceCursor("metro_snapshot", Optional.empty(), FIRE), "another tick moved it first");
        assertFalse(s.advanceCursor("metro_snapshot", Optional.of(FIRE.minusSeconds(60)), FIRE.plusSeconds(60)));
        assertTrue(s.advanceCursor("metro_snapshot", Optional.of(FIRE), FIRE.plus(Duration.ofDays(1))));
        assertEquals(Optional.of(FIRE.plus(Duration.ofDays(1))), s.cursor("metro_snapshot"));
    }

    @Test
    void theDeployedCodeIsRecordedOncePerChange() {
        ScheduleState s = store.schedule();
        DeployedCode first = new DeployedCode("v1", true, START);
        assertTrue(s.recordCode("core_trips", Optional.empty(), first));
        assertFalse(s.recordCode("core_trips", Optional.empty(), first));
        DeployedCode stored = s.deployedCode("core_trips").orElseThrow();
        assertEquals(new DeployedCode("v1", true, START.truncatedTo(ChronoUnit.MICROS)), stored);
        DeployedCode pending = new DeployedCode("v2", false, stored.firstSeen(), Optional.of(START.plusNanos(1_234_567_891)));
        assertTrue(s.recordCode("core_trips", Optional.of(stored), pending));
        assertFalse(s.recordCode("core_trips", Optional.of(stored), pending), "another tick noticed the deploy first");
        assertEquals(Optional.of(pending), s.deployedCode("core_trips"), "when the change was noticed, to the microsecond, kept");
        assertEquals(Map.of("core_trips", pending), s.load().code(), "and in the tick's one read");
        assertTrue(s.recordCode("core_trips", Optional.of(pending), pending.asApplied()));
        assertEquals(Optional.of(pending.asApplied()), s.deployedCode("core_trips"));
    }

    @Test
    void aDirtyPartitionIsForgottenUnlessTouchedAgain() {
        ScheduleState s = store.schedule();
        s.touchDirty("core_trips", "2026-05-26");
        s.touchDirty("core_trips", "2026-05-25");
        List<DirtyPartition> seen = s.dirtyPartitions("core_trips");
        assertEquals(List.of("2026-05-25", "2026-05-26"), seen.stream().map(DirtyPartition::partition).toList());
        s.touchDirty("core_trips", "2026-05-26"); // new input meanwhile
        seen.forEach(d -> s.clearDirty("core_trips", d));
        assertEquals(List.of("2026-05-26"), s.dirtyPartitions("core_trips").stream().map(DirtyPartition::partition).toList());
        assertEquals(List.of(), s.dirtyPartitions("other"));
    }

    @Test
    void aViolationIsOpenedOnceRecoveredOnceAndClosedAfterItsRecoveryWasAnnounced() {
        ScheduleState s = store.schedule();
        Violation overdue = new Violation("core.trips", "2026-05-26", "viol-1", true, "no event for 2h", START, false);
        assertTrue(s.openViolation(overdue));
        assertFalse(s.openViolation(overdue), "one event per violation");
        s.markViolationAnnounced(overdue);
        Violation stored = s.violations("core.trips").get(0);
        assertTrue(stored.announced());
        assertEquals(START.truncatedTo(ChronoUnit.MICROS), stored.since());
        s.closeViolation(stored);
        assertEquals(1, s.violations("core.trips").size(), "still overdue: not closed");

        clock.advance(Duration.ofMinutes(30));
        assertTrue(s.recover(stored, "fresh again"));
        assertFalse(s.recover(stored, "fresh again"), "another tick did");
        Violation recovered = s.violations("core.trips").get(0);
        assertFalse(recovered.overdue());
        assertFalse(recovered.announced());
        assertEquals(clock.instant().truncatedTo(ChronoUnit.MICROS), recovered.since());
        s.markViolationAnnounced(overdue); // for the state it no longer has: nothing
        assertFalse(s.violations("core.trips").get(0).announced());
        s.markViolationAnnounced(recovered);
        s.closeViolation(recovered);
        assertEquals(List.of(), s.violations("core.trips"));
    }

    @Test
    void theTickReadsItsWholeStateAtOnce() {
        ScheduleState s = store.schedule();
        s.advanceCursor("metro_snapshot", Optional.empty(), FIRE);
        s.recordCode("core_trips", Optional.empty(), new DeployedCode("v1", true, FIRE));
        Violation a = new Violation("core.trips", "2026-05-26", "viol-1", true, "late", FIRE, false);
        Violation b = new Violation("core.trips", "2026-05-25", "viol-2", true, "late", FIRE, false);
        Violation c = new Violation("raw.stations", "*", "viol-3", true, "late", FIRE, false);
        List.of(a, b, c).forEach(s::openViolation);

        TickState state = s.load();
        assertEquals(Map.of("metro_snapshot", FIRE), state.cursors());
        assertEquals(Map.of("core_trips", new DeployedCode("v1", true, FIRE)), state.code());
        assertEquals(List.of(b, a), state.violations("core.trips"), "by partition");
        assertEquals(List.of(c), state.violations("raw.stations"));
        assertEquals(List.of(), state.violations("core.network"));
        assertEquals(List.of(b, a), s.violations("core.trips"));
    }
}
