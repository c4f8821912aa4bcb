package io.freshet.core.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.runs.Run;
import io.freshet.core.runs.RunState;

/**
 * A forced request (materialize or backfill with --force) carries its flag through the pending
 * set (where only its id and kind travel) into the run that consumes it.
 */
class ForcedRequestTest {

    static final Instant NOW = Instant.parse("2026-05-26T10:00:00Z");

    static Run runConsuming(String... ids) {
        return new Run("run-1", "core_trips", "2026-05-26", RunState.QUEUED, "why", List.of(ids), NOW, NOW, false, 0,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void theFlagTravelsFromTheRequestThroughThePendingSetIntoTheRun() {
        Request forced = Request.manual("m-1", "core_trips", "2026-05-26", true, NOW);
        Request plain = Request.manual("m-1", "core_trips", "2026-05-26", NOW);
        assertTrue(forced.forced());
        assertFalse(plain.forced());
        assertNotEquals(plain.id(), forced.id(), "a forced request is another request than the plain one");
        assertTrue(Request.isRequestId(forced.id()));

        Request back = Request.of(forced.asPending()).orElseThrow();
        assertEquals(forced, back);
        assertTrue(back.forced());
        assertEquals("manual request m-1 (forced)", back.describe());
        assertEquals("manual request m-1", plain.describe());

        Request backfill = Request.backfill("bf-1", "core_trips", "2026-05-26", 0, true, NOW);
        assertTrue(backfill.forced());
        assertEquals("backfill bf-1 (forced)", backfill.describe());
        assertEquals(Request.backfill("bf-1", "core_trips", "2026-05-26", 0, NOW).id(),
                Request.backfill("bf-1", "core_trips", "2026-05-26", 0, false, NOW).id(), "a plain request's id is unchanged");

        assertTrue(runConsuming("s3-abc", forced.id()).forced());
        assertTrue(runConsuming(backfill.id()).forced());
        assertFalse(runConsuming("s3-abc", plain.id(), Request.tick("core_trips", NOW).id()).forced());
        assertFalse(runConsuming("0123456789abcdef-forced-x").forced(), "only request ids carry the flag");
    }
}
