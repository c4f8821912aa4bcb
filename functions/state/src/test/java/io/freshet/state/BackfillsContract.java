package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Backfills: kept by id, with each item's round and adopted run. */
abstract class BackfillsContract extends StoreContract {

    @Test
    void aBackfillIsRecordedOnceAndFoundById() {
        StoredBackfill b = new StoredBackfill("bf-1", "core.trips", "2026-05-01", "2026-05-31", true, true, Instant.parse("2026-06-01T08:00:00Z"));
        assertTrue(store.backfills().create(b));
        assertFalse(store.backfills().create(new StoredBackfill("bf-1", "other", "", "", false, Instant.parse("2026-06-01T09:00:00Z"))));
        assertEquals(Optional.of(b), store.backfills().find("bf-1"));
        assertEquals(Optional.empty(), store.backfills().find("bf-2"));
    }

    @Test
    void anItemKeepsItsRoundAndTheRunItAdopted() {
        assertEquals(0, store.backfills().round("bf-1", "core_trips", "2026-05-01"));
        store.backfills().setRound("bf-1", "core_trips", "2026-05-01", 2);
        assertEquals(2, store.backfills().round("bf-1", "core_trips", "2026-05-01"));
        assertEquals(Optional.empty(), store.backfills().adoptedRun("bf-1", "core_trips", "2026-05-01"));
        store.backfills().setAdoptedRun("bf-1", "core_trips", "2026-05-01", Optional.of("run-1"));
        assertEquals(Optional.of("run-1"), store.backfills().adoptedRun("bf-1", "core_trips", "2026-05-01"));
        assertEquals(Optional.empty(), store.backfills().adoptedRun("bf-1", "core_trips", "2026-05-02"));
        store.backfills().setAdoptedRun("bf-1", "core_trips", "2026-05-01", Optional.empty());
        assertEquals(Optional.empty(), store.backfills().adoptedRun("bf-1", "core_trips", "2026-05-01"));
        assertEquals(2, store.backfills().round("bf-1", "core_trips", "2026-05-01"), "the round stays");
    }
}
