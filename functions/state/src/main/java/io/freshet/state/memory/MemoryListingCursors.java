package io.freshet.state.memory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.freshet.state.ListingCursor;
import io.freshet.state.ListingCursors;

/** Listing cursors in memory, conditional on the version as the DynamoDB adapter's are. */
final class MemoryListingCursors implements ListingCursors {

    private final Map<String, ListingCursor> cursors = new HashMap<>();

    @Override
    public synchronized Optional<ListingCursor> cursor(String source) {
        return Optional.ofNullable(cursors.get(source));
    }

    @Override
    public synchronized boolean advance(String source, Optional<ListingCursor> seen, ListingCursor next) {
        ListingCursor stored = cursors.get(source);
        boolean unchanged = seen.isPresent() ? stored != null && stored.version() == seen.get().version() : stored == null;
        if (unchanged) {
            cursors.put(source, next);
        }
        return unchanged;
    }
}
