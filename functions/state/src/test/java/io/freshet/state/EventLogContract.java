package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.freshet.core.events.AssetEvent;
import io.freshet.core.events.S3Change;

/** The event log: each event recorded once, typed as it went in; a partition's state moves forward only. */
abstract class EventLogContract extends StoreContract {

    static final Instant T = Instant.parse("2026-05-26T06:15:02Z");

    @Test
    void anEventIsRecordedOnceAndReadBackAsItWentIn() {
        AssetEvent e = output("ev-1", "core.trips", "2026-05-26", T.plusNanos(123_456_789), "run-1");

        assertEquals(new Recorded(true, false), store.events().record(e));
        assertEquals(new Recorded(false, false), store.events().record(e), "a redelivery records nothing");
        store.events().markAnnounced(e.eventId());
        assertEquals(new Recorded(false, true), store.events().record(e), "and says whether the recorded one was announced");

        assertEquals(Optional.of(new StoredEvent(e, true)), store.events().stored(e.eventId()));
        assertEquals(Optional.of(e), store.events().event(e.eventId()), "time to the nanosecond, code version, objects, metadata");
        assertEquals(List.of(e), store.events().history("core.trips", "2026-05-26"));
        assertEquals(Optional.of(e), store.events().latest("core.trips", "2026-05-26"));
        assertEquals(Optional.of(e), store.events().newest("core.trips"));
        assertTrue(store.events().hasData("core.trips", "2026-05-26"));
        assertFalse(store.events().hasData("core.trips", "2026-05-25"));
        assertEquals(Optional.empty(), store.events().stored("ev-unknown"));
    }

    @Test
    void anEventRecordedAnnouncingIsStoredAnnouncedAndSaysSoToEveryRecorder() {
        AssetEvent e = upload("ev-1", "landing.taps", "2026-05-26", T);

        assertEquals(new Recorded(true, true, true), store.events().recordAnnouncing(e));
        Recorded again = store.events().recordAnnouncing(e);
        assertEquals(new Recorded(false, true, true), again);
        assertTrue(again.toAnnounceOnDelivery(), "its recorder announces it again on a redelivery");
        Recorded other = store.events().record(e);
        assertFalse(other.leftToAnnounce(), "another recorder of the same id (emit) leaves it to its recorder");
        assertEquals(Optional.of(new StoredEvent(e, true)), store.events().stored(e.eventId()));
        assertEquals(Optional.of(e), store.events().latest("landing.taps", "2026-05-26"), "its follow-ups applied");

        AssetEvent first = upload("ev-2", "landing.taps", "2026-05-26", T.plusSeconds(1));
        store.events().record(first);
        assertTrue(store.events().recordAnnouncing(first).toAnnounceOnDelivery(), "recorded another way, unannounced: announce it");
        store.events().markAnnounced(first.eventId());
        assertFalse(store.events().recordAnnouncing(first).toAnnounceOnDelivery(), "recorded and announced another way: done");
    }

    @Test
    void aRedeliveredCopyDoesNotReplaceTheRecordedEvent() {
        AssetEvent recorded = upload("ev-1", "landing.taps", "2026-05-26", T);
        AssetEvent copy = upload("ev-1", "landing.taps", "2026-05-26", T.plusSeconds(60), Map.of("bytes", "1"));
        store.events().record(recorded);
        store.events().record(copy);
        assertEquals(Optional.of(recorded), store.events().event("ev-1"));
        assertEquals(Optional.of(recorded), store.events().latest("landing.taps", "2026-05-26"));
    }

    @Test
    void thePartitionStateMovesForwardOnlyAndTheHistoryKeepsEverythingOldestFirst() {
        AssetEvent older = upload("ev-old", "landing.taps", "2026-05-26", T);
        AssetEvent newer = upload("ev-new", "landing.taps", "2026-05-26", T.plus(Duration.ofMinutes(15)));
        AssetEvent otherDay = upload("ev-other", "landing.taps", "2026-05-25", T.minus(Duration.ofHours(20)));
        store.events().record(newer);
        store.events().record(older); // late
        store.events().record(otherDay);

        assertEquals(Optional.of(newer), store.events().latest("landing.taps", "2026-05-26"));
        assertEquals(List.of(older, newer), store.events().history("landing.taps", "2026-05-26"));
        assertEquals(Optional.of(newer), store.events().newest("landing.taps"), "the newest over all partitions");
        assertEquals(List.of(newer, older), store.events().recent("landing.taps", 2), "newest first, at most the limit");
        assertEquals(List.of("2026-05-26", "2026-05-25"), store.events().partitionsWithData("landing.taps", 5));
        assertEquals(List.of("2026-05-26"), store.events().partitionsWithData("landing.taps", 1));
    }

    @Test
    void ofTwoUploadsInOneSecondTheOneS3SequencedLastWinsWhateverTheirOrder() {
        AssetEvent first = upload("ev-a", "landing.taps", "2026-05-26", T, Map.of(S3Change.SEQUENCER, "0055AED6DCD90281E5"));
        AssetEvent last = upload("ev-b", "landing.taps", "2026-05-26", T, Map.of(S3Change.SEQUENCER, "0055AED6DCD90281E6"));
        store.events().record(last);
        store.events().record(first);
        assertEquals(Optional.of(last), store.events().latest("landing.taps", "2026-05-26"));
        assertEquals(Optional.of(last), store.events().newest("landing.taps"));
    }

    @Test
    void applyingFollowUpsAgainOrLateChangesNothing() {
        AssetEvent older = upload("ev-old", "landing.taps", "2026-05-26", T);
        AssetEvent newer = upload("ev-new", "landing.taps", "2026-05-26", T.plusSeconds(1));
        store.events().record(older);
        store.events().record(newer);
        store.events().applyFollowUps(older);
        store.events().applyFollowUps(newer);
        assertEquals(Optional.of(newer), store.events().latest("landing.taps", "2026-05-26"));
        assertEquals(2, store.events().history("landing.taps", "2026-05-26").size());
    }

    @Test
    void anEventRecordedInTheHistoryOnlyMovesNoStateAndIsNotAnEvent() {
        AssetEvent data = upload("ev-data", "landing.sales", "2026-05-26", T);
        store.events().recordInHistory(data);
        store.events().recordInHistory(data);
        assertEquals(List.of(data), store.events().history("landing.sales", "2026-05-26"), "idempotent");
        assertEquals(Optional.empty(), store.events().latest("landing.sales", "2026-05-26"));
        assertEquals(Optional.empty(), store.events().event("ev-data"));
        assertEquals(List.of(), store.events().partitionsWithData("landing.sales", 5));
    }
}
