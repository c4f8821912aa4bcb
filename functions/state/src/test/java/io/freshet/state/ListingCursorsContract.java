package io.freshet.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** An observed S3 source's listing cursor moves only from the version a tick read, and keeps what it was given. */
abstract class ListingCursorsContract extends StoreContract {

    static final Instant SETTLED = Instant.parse("2026-11-20T09:50:00Z");

    @Test
    void aCursorMovesOnlyFromTheVersionItWasReadAt() {
        ListingCursors c = store.listings();
        assertEquals(Optional.empty(), c.cursor("landing.drops"));
        ListingCursor first = new ListingCursor(SETTLED, Set.of("a1b2", "c3d4"), 1);
        assertTrue(c.advance("landing.drops", Optional.empty(), first));
        assertFalse(c.advance("landing.drops", Optional.empty(), first), "another tick wrote it first");
        assertEquals(Optional.of(first), c.cursor("landing.drops"));
        ListingCursor second = new ListingCursor(SETTLED.plusSeconds(300), Set.of(), 2);
        assertFalse(c.advance("landing.drops", Optional.of(second), new ListingCursor(SETTLED, Set.of(), 3)), "not the version read");
        assertTrue(c.advance("landing.drops", Optional.of(first), second));
        assertEquals(Optional.of(second), c.cursor("landing.drops"), "no fingerprints: none kept");
        assertEquals(Optional.empty(), c.cursor("landing.other"));
        assertTrue(store.schedule().load().cursors().isEmpty(), "not a cron or observation cursor of the tick");
    }
}
